extension AWSService {
    /// AWS Security Token Service (Query API 2011-06-15), at `AWS_ENDPOINT_URL_STS`, else
    /// `AWS_ENDPOINT_URL`, else the regional endpoint `https://sts.REGION.amazonaws.com` (the
    /// SDKs' default: it keeps working when the global endpoint's us-east-1 is impaired); with
    /// no region known, the global endpoint signed for us-east-1.
    package static func sts(region: String?, environment: ProcessEnvironment) throws(AWSKitError) -> AWSService {
        AWSService(
            displayName: "STS", signingName: "sts", iamPrefix: "sts", region: region ?? "us-east-1",
            endpoint: try endpoint(
                environment: environment, serviceVariable: "AWS_ENDPOINT_URL_STS",
                default: region.map { "https://sts.\($0).amazonaws.com" } ?? "https://sts.amazonaws.com"))
    }
}
