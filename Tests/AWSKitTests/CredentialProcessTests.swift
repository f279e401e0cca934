import Synchronization
import TestSupport
import Testing

@testable import AWSKit

#if canImport(Glibc)
    import Glibc
#endif

/// `credential_process`: the command line split as the AWS CLI splits it (no shell), the
/// output read as its JSON format, every failure a clear error with the right kind, and the
/// real runner's timeout.
@Suite struct CredentialProcessTests {
    @Test func splitsTheCommandLineWithoutAShell() {
        #expect(CredentialProcessCommandLine.split("/opt/bin/creds --username helen") == ["/opt/bin/creds", "--username", "helen"])
        #expect(
            CredentialProcessCommandLine.split(#""/opt/my tools/creds" plain "with spaces" 'single quoted' a\ b"#)
                == ["/opt/my tools/creds", "plain", "with spaces", "single quoted", "a b"])
        #expect(CredentialProcessCommandLine.split("creds $HOME ~/x |tee") == ["creds", "$HOME", "~/x", "|tee"])
        #expect(CredentialProcessCommandLine.split(#"creds "" x"#) == ["creds", "", "x"])
        #expect(CredentialProcessCommandLine.split("  ") == [])
        #expect(CredentialProcessCommandLine.split(#"creds "open"#) == nil)
        #expect(CredentialProcessCommandLine.split(#"creds x\"#) == nil)
    }

    @Test func readsTheVersionOneDocument() throws {
        let output = #"{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "s3cr3t", "SessionToken": "tok", "Expiration": "2026-11-29T05:00:00Z"}"#
        let credentials = try ProcessCredentialProvider.credentials(fromOutput: Array(output.utf8), source: "src", program: "p")
        #expect(credentials.accessKeyId == "ASIAPROC")
        #expect(credentials.secretAccessKey == "s3cr3t")
        #expect(credentials.sessionToken == "tok")
        #expect(credentials.expiration == UnixTime(iso8601: "2026-11-29T05:00:00Z"))
        let long = try ProcessCredentialProvider.credentials(
            fromOutput: Array(#"{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"s"}"#.utf8), source: "src", program: "p")
        #expect(long.sessionToken == nil && long.expiration == nil)
    }

    @Test(arguments: [
        (#"{"AccessKeyId":"AKIA","SecretAccessKey":"hidden-secret"}"#, "Version"),
        (#"{"Version":2,"AccessKeyId":"AKIA","SecretAccessKey":"hidden-secret"}"#, "Version"),
        (#"{"Version":1,"AccessKeyId":"AKIA"}"#, "SecretAccessKey"),
        (#"{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"hidden-secret","Expiration":"tomorrow"}"#, "Expiration"),
        (#"AccessKeyId=AKIA SecretAccessKey=hidden-secret"#, "JSON"),
        (#"["hidden-secret"]"#, "not an object"),
    ])
    func refusesOutputThatIsNotTheFormatWithoutShowingIt(_ output: String, _ words: String) {
        do {
            _ = try ProcessCredentialProvider.credentials(fromOutput: Array(output.utf8), source: "src", program: "p")
            Issue.record("\(output) must be refused")
        } catch {
            #expect(error.code == .invalidCredentialSource)
            #expect(error.message.contains(words), "\(error.message)")
            #expect(!error.message.contains("hidden-secret"))
        }
    }

    @Test(arguments: [
        (CredentialProcessOutcome.exited(code: 3, output: []), AWSKitError.Code.credentialsRefused, "exit code 3"),
        (.notStarted(errno: ENOENT), .invalidCredentialSource, "cannot run credential_process /opt/creds"),
        (.timedOut, .credentialsUnreachable, "did not finish"),
        (.outputTooLarge, .invalidCredentialSource, "wrote more than"),
    ])
    func eachWayToFailHasItsKind(_ outcome: CredentialProcessOutcome, _ code: AWSKitError.Code, _ words: String) async {
        let runner = FakeRunner(outcome)
        do {
            _ = try await Self.provider(runner, commandLine: "/opt/creds --token hunter2").resolve()
            Issue.record("\(outcome) must fail")
        } catch let error as AWSKitError {
            #expect(error.code == code)
            #expect(error.message.contains(words), "\(error.message)")
            #expect(!error.message.contains("hunter2"), "arguments may hold secrets")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(runner.calls == [["/opt/creds", "--token", "hunter2"]])
    }

    @Test func theProcessGetsTheDeadlineAsItsTimeout() async throws {
        let output = Array(#"{"Version":1,"AccessKeyId":"AKIAPROC","SecretAccessKey":"s"}"#.utf8)
        let runner = FakeRunner(.exited(code: 0, output: output))
        let time = ManualTime()
        #expect(try await Self.provider(runner, time: time, deadline: .seconds(42)).resolve()?.accessKeyId == "AKIAPROC")
        #expect(runner.timeouts == [.seconds(42)])
    }

    @Test func theRealRunnerReadsStandardOutputAndExitCodes() async {
        let runner = SpawnedCredentialProcess()
        #expect(await runner.run(["/bin/sh", "-c", "printf '{\"Version\":1}'; exit 0"], timeout: .seconds(10)) == .exited(code: 0, output: Array(#"{"Version":1}"#.utf8)))
        #expect(await runner.run(["/bin/sh", "-c", "exit 7"], timeout: .seconds(10)) == .exited(code: 7, output: []))
        #expect(await runner.run(["/nonexistent/creds"], timeout: .seconds(10)) == .notStarted(errno: ENOENT))
    }

    @Test func theRealRunnerKillsAProcessAtItsTimeout() async {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await SpawnedCredentialProcess().run(["/bin/sh", "-c", "sleep 30"], timeout: .milliseconds(300))
        #expect(outcome == .timedOut)
        #expect(clock.now - start < .seconds(10))
        // A process that closes its output but keeps running is bounded by the same timeout.
        let detached = await SpawnedCredentialProcess().run(["/bin/sh", "-c", "exec >&-; sleep 30"], timeout: .milliseconds(300))
        #expect(detached == .timedOut)
    }

    // MARK: - helpers

    static func provider(
        _ runner: FakeRunner, commandLine: String = "/opt/creds", time: ManualTime = ManualTime(), deadline: Duration = .seconds(60)
    ) -> ProcessCredentialProvider {
        let services = ProfileCredentialServices(
            http: ScriptedHTTPClient(sequence: [.status(500)]), time: time, metadata: FakeMetadata([:]), logger: LogCapture().logger(),
            deadline: Deadline(budget: deadline, time: time), clockSkew: ClockSkewCorrection(), processRunner: runner)
        return ProcessCredentialProvider(profile: "p", commandLine: commandLine, services: services)
    }
}

/// A runner that records its calls and answers one outcome.
final class FakeRunner: CredentialProcessRunning, Sendable {
    private let outcome: CredentialProcessOutcome
    private let recorded = Mutex<[([String], Duration)]>([])

    init(_ outcome: CredentialProcessOutcome) {
        self.outcome = outcome
    }

    var calls: [[String]] { recorded.withLock { $0.map(\.0) } }
    var timeouts: [Duration] { recorded.withLock { $0.map(\.1) } }

    func run(_ arguments: [String], timeout: Duration) async -> CredentialProcessOutcome {
        recorded.withLock { $0.append((arguments, timeout)) }
        return outcome
    }
}
