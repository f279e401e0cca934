import SigV4

extension AWSOperation {
    /// An operation of an AWS Query API (Elastic Load Balancing, EC2): a form-encoded POST of
    /// `Action`, `Version` and the parameters, answered in XML.
    package static func query(
        action: String, version: String, parameters: [(String, String)],
        resourceARN: String? = nil
    ) -> AWSOperation {
        let fields = [("Action", action), ("Version", version)] + parameters
        let body = fields.map { SigV4Encoding.percentEncode($0.0) + "=" + SigV4Encoding.percentEncode($0.1) }
            .joined(separator: "&")
        return AWSOperation(
            name: action, method: "POST", path: "/", body: Array(body.utf8),
            contentType: "application/x-www-form-urlencoded; charset=utf-8", resourceARN: resourceARN)
    }
}
