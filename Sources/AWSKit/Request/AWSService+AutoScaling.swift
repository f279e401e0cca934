extension AWSService {
    /// Auto Scaling (Query API 2011-01-01) in a region, at `AWS_ENDPOINT_URL_AUTO_SCALING`, else
    /// `AWS_ENDPOINT_URL` (the SDKs' variable for the service id "Auto Scaling").
    package static func autoScaling(region: String, environment: ProcessEnvironment) throws(AWSKitError) -> AWSService {
        AWSService(
            displayName: "Auto Scaling", signingName: "autoscaling", iamPrefix: "autoscaling", region: region,
            endpoint: try endpoint(
                environment: environment, serviceVariable: "AWS_ENDPOINT_URL_AUTO_SCALING",
                default: "https://autoscaling.\(region).amazonaws.com"))
    }
}
