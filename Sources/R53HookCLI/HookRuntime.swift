import AWSKit
import Logging
import R53HookKit

/// Everything one command run needs, built from the options, the environment and the config
/// file. Nothing here talks to AWS until a use case asks.
struct HookRuntime {
    let logger: Logger
    let route53: Route53Client
    let identity: InstanceIdentity
    let waiter: ChangeWaiter
    let drainTimer: DrainTimer
    private let aws: AWSClient
    private let environment: ProcessEnvironment
    /// Instance metadata, which `watch` polls for lifecycle signals.
    let metadata: IMDSClient
    let time: SystemTimeSource

    /// Reads and checks the configuration (flags, environment, config file, and with
    /// --from-tags the instance's tags) and what the command needs from it, then wires the
    /// layers together. Nothing here talks to AWS; only the tags come from instance metadata.
    static func make<Settings>(
        flags: [SettingKey: String], resolve: (SettingsResolver) throws(SettingsError) -> Settings
    ) async throws -> (runtime: HookRuntime, settings: Settings) {
        var environment = ProcessEnvironment.current()
        var file: ConfigFile?
        if let path = flags[.config] ?? SettingKey.config.spec.environment.flatMap({ environment[$0] }) {
            guard let text = LocalFileReader().read(path: path) else {
                throw SettingsError(.configuration, "cannot read the config file \(path); check the path and its permissions")
            }
            let parsed = try ConfigFile(path: path, text: text)
            environment = environment.addingDefaults(parsed.environment)
            file = parsed
        }
        var resolver = SettingsResolver(flags: flags, environment: environment, file: file)
        let logger = bootstrapLogging(debug: resolver.debugRequested(), json: (try? resolver.text(.logFormat)) == "json")

        let time = SystemTimeSource()
        let http = CurlHTTPClient(userAgent: "r53hook/\(R53HookVersion.current)")
        let makeMetadata = { () throws -> IMDSClient in
            IMDSClient(
                configuration: try IMDSConfiguration.from(environment: environment, allowV1: try resolver.bool(.imdsV1)),
                http: http, time: time, logger: logger)
        }
        var tagMetadata: IMDSClient?
        if try resolver.bool(.fromTags) {
            let metadata = try makeMetadata()
            tagMetadata = metadata
            guard let tags = try await InstanceTags.read(from: metadata) else {
                throw SettingsError(
                    .configuration,
                    "\(resolver.describe(.fromTags)) asks for settings from instance tags, but this instance's metadata has no tags: allow tags in metadata (the launch template's InstanceMetadataTags=enabled, or aws ec2 modify-instance-metadata-options --instance-metadata-tags enabled), or turn \(SettingKey.fromTags.spec.flag) off"
                )
            }
            logger.debug("instance tags read: \(tags.values.keys.sorted().joined(separator: ", "))")
            resolver = try resolver.adding(tags)
        }
        // The command's settings are checked before anything else can fail (a bad flag is 64
        // whatever else is wrong); IMDS is set up first only when the tags are needed.
        let settings = try resolve(resolver)
        let metadata = try tagMetadata ?? makeMetadata()

        let deadline = Deadline(budget: try resolver.seconds(.deadline), time: time)
        // One clock-skew correction for every AWS call of the process, STS's included.
        let clockSkew = ClockSkewCorrection()
        let chain = CredentialProviderChain.standard(
            environment: environment, http: http, metadata: metadata, time: time,
            profileServices: ProfileCredentialServices(
                http: http, time: time, metadata: metadata, logger: logger, deadline: deadline, clockSkew: clockSkew))
        let credentials = RefreshingCredentials(provider: chain, time: time, logger: logger)
        // One rate limiter for every request of the process (AdaptiveRateLimiter).
        let aws = AWSClient(
            http: http, credentials: credentials, time: time, deadline: deadline, logger: logger,
            clockSkew: clockSkew, rateLimiter: AdaptiveRateLimiter(time: time))
        let route53 = Route53Client(aws: aws, service: try AWSService.route53(environment: environment))
        let runtime = HookRuntime(
            logger: logger, route53: route53,
            identity: InstanceIdentity(metadata: metadata),
            waiter: ChangeWaiter(route53: route53, time: time, deadline: deadline, logger: logger),
            drainTimer: DrainTimer(time: time, logger: logger),
            aws: aws, environment: environment, metadata: metadata, time: time)
        return (runtime, settings)
    }

    /// The same runtime with a fresh --deadline from now: a command's deadline is counted from
    /// its start, so `watch`, which runs for days, takes one per join, leave and heartbeat.
    func renewingDeadline() -> HookRuntime {
        let deadline = Deadline(budget: aws.deadline.budget, time: time)
        let route53 = self.route53.with(deadline: deadline)
        return HookRuntime(
            logger: logger, route53: route53, identity: identity,
            waiter: ChangeWaiter(route53: route53, time: time, deadline: deadline, logger: logger),
            drainTimer: drainTimer, aws: aws.with(deadline: deadline), environment: environment, metadata: metadata, time: time)
    }

    /// The fleet context; the load balancer client needs the region, which may come from IMDS.
    func fleetContext(_ target: FleetTarget) async throws -> FleetContext {
        var loadBalancer: (any LoadBalancerMembership)?
        if let target = target.loadBalancer {
            let region = try await RegionResolver(environment: environment, metadata: metadata).region()
            switch target {
            case .classic(let name):
                loadBalancer = ClassicLoadBalancer(
                    aws: aws, service: try AWSService.classicLoadBalancing(region: region, environment: environment),
                    name: name)
            case .targetGroup(let arn, let port):
                loadBalancer = TargetGroup(
                    aws: aws, service: try AWSService.loadBalancingV2(region: region, environment: environment),
                    arn: arn, port: port)
            }
        }
        return FleetContext(
            route53: route53, loadBalancer: loadBalancer, identity: identity, changeWaiter: waiter,
            drainTimer: drainTimer, loadBalancerWaiter: LoadBalancerWaiter(time: time, logger: logger),
            time: time, logger: logger)
    }

    /// Auto Scaling in this instance's region (for watch's lifecycle hooks).
    func autoScaling() async throws -> AutoScalingClient {
        let region = try await RegionResolver(environment: environment, metadata: metadata).region()
        return AutoScalingClient(aws: aws, service: try AWSService.autoScaling(region: region, environment: environment))
    }

    /// EC2 in this instance's region (for sweep).
    func instanceStates() async throws -> EC2Client {
        let region = try await RegionResolver(environment: environment, metadata: metadata).region()
        return EC2Client(aws: aws, service: try AWSService.ec2(region: region, environment: environment))
    }

    private static func bootstrapLogging(debug: Bool, json: Bool) -> Logger {
        let style = LogStyle.detect(json: json)
        LogStyle.use(style)
        LoggingSystem.bootstrap { _ in StderrLogHandler(logLevel: debug ? .debug : .info, style: style) }
        return Logger(label: "r53hook")
    }
}
