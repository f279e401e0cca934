import AWSKit
import ArgumentParser
import R53HookKit
import Testing

@testable import R53HookCLI

/// The exit-code table for every code of every layer, written out so that a change is
/// deliberate; no code maps to 1, which the table does not have and which swift-argument-parser
/// gives any error it does not know.
struct ExitCodeMappingTests {
    private static let documented: Set<Int32> = [64, 69, 70, 75, 77, 78]

    private static let awsKit: [AWSKitError.Code: Int32] = [
        .invalidEndpoint: 78, .invalidRegion: 78, .noRegion: 78, .invalidCredentialSource: 78, .metadataDisabled: 78,
        .invalidRequest: 78,
        .noCredentials: 77, .credentialsRefused: 77, .accessDenied: 77,
        .metadataUnreachable: 69, .metadataSessionRefused: 69, .metadataRefused: 69, .credentialsUnreachable: 69,
        .serviceUnreachable: 69, .unexpectedResponse: 69,
        // 75 since the crash campaign (seed 108): the deadline spent waiting for a lock is temporary.
        .throttled: 75, .deadlinePassed: 75,
    ]

    private static let domain: [DomainError.Code: Int32] = [
        .missingArgument: 64,
        .hostedZoneGone: 78, .hostedZoneNotFound: 78, .hostedZoneAmbiguous: 78, .recordOutsideZone: 78,
        .healthCheckNotFound: 78, .changeRefused: 78, .addressUnavailable: 78, .foreignRecord: 78, .foreignMark: 78,
        .conflictingRecord: 78, .weightedSetFull: 78, .notRegistered: 78, .loadBalancerNotFound: 78,
        .loadBalancerRefusedInstance: 78, .instanceNameInvalid: 78,
        .unexpectedResponse: 69, .serviceFailed: 69, .instanceIdUnavailable: 69, .metadataInvalid: 69,
        .changeNotInSync: 75, .recordKeptChanging: 75, .lockHeld: 75, .lockLost: 75, .quorumNotReached: 75,
        .sweepRefused: 75, .notHealthy: 75,
        .internalInconsistency: 70,
    ]

    @Test(arguments: AWSKitError.Code.allCases)
    func everyAWSKitCodeHasItsDocumentedExitCode(_ code: AWSKitError.Code) {
        let status = ExitStatus.code(for: AWSKitError(code, "x"))
        #expect(status == Self.awsKit[code], "\(code) maps to \(status)")
        #expect(Self.documented.contains(status))
        #expect(ExitStatus.table.contains("  \(status)  "))
    }

    @Test(arguments: DomainError.Code.allCases)
    func everyDomainCodeHasItsDocumentedExitCode(_ code: DomainError.Code) {
        let status = ExitStatus.code(for: DomainError(code, "x"))
        #expect(status == Self.domain[code], "\(code) maps to \(status)")
        #expect(Self.documented.contains(status))
        #expect(ExitStatus.table.contains("  \(status)  "))
    }

    @Test func theTablesAboveListEveryCode() {
        #expect(Set(Self.awsKit.keys) == Set(AWSKitError.Code.allCases))
        #expect(Set(Self.domain.keys) == Set(DomainError.Code.allCases))
    }

    @Test func everySettingsErrorKindMapsToItsCode() {
        #expect(ExitStatus.code(for: SettingsError(.usage, "x")) == 64)
        #expect(ExitStatus.code(for: SettingsError(.configuration, "x")) == 78)
        #expect(ExitStatus.code(for: SettingsError(.internal, "x")) == 70)
    }

    private struct Unforeseen: Error {}

    @Test func whatNoLayerDeclaresIsInternalAndNothingIsOne() {
        #expect(ExitStatus.code(for: Unforeseen()) == 70)
        #expect(ExitStatus.code(for: CancellationError()) == 75)
        #expect(ExitStatus.code(for: HTTPTransportError(.tls, "certificate verify failed")) == 69)
        #expect(ExitStatus.code(for: HTTPTransportError(.responseTooLarge, "too large")) == 69)
        #expect(ExitStatus.code(for: AWSServiceError(status: 400, code: "InvalidChangeBatch", message: "x")) == 69)
        #expect(ExitStatus.code(for: ValidationError("bad")) == 64)
        // A wrapped command's own status passes through unchanged.
        #expect(ExitStatus.code(for: ExitCode(3)) == 3)
    }

    @Test func reportingTurnsAnyErrorIntoItsExitCode() async {
        let cases: [(any Error, Int32)] = [
            (Unforeseen(), 70),
            (HTTPTransportError(.invalidRequest, "bad URL"), 69),
            (AWSKitError(.throttled, "slow down"), 75),
            (DomainError(.foreignRecord, "not ours"), 78),
            (CancellationError(), 75),
        ]
        for (error, expected) in cases {
            do {
                try await CommandErrors.reporting(in: .named("start")) { throw error }
                Issue.record("expected an exit code for \(error)")
            } catch let exit as ExitCode {
                #expect(exit.rawValue == expected, "\(error)")
                #expect(exit.rawValue != 1)
            } catch {
                Issue.record("\(error) escaped as \(type(of: error))")
            }
        }
    }

    @Test func aWrappedCommandsStatusPassesThroughReporting() async {
        do {
            try await CommandErrors.reporting(in: .named("lock")) { throw ExitCode(1) }
        } catch let exit as ExitCode {
            #expect(exit.rawValue == 1)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
