import Logging
import Synchronization

/// How far this machine's clock is from AWS's, learnt from a refusal, and applied to every
/// later request of the process, as the AWS SDKs do.
///
/// At boot the clock may be wrong until chrony or NTP has synchronized it, and AWS refuses a
/// request signed more than 5 minutes away from its own time. Waiting for the time to be fixed
/// would hold the boot; AWS's answer carries its own time in the `Date` header, so the request
/// is signed again with the machine's clock moved by the difference.
///
/// One instance is shared by every client of a process (Route 53, ELB, EC2, STS). A refusal
/// counts as a clock problem only when its code is one AWS uses for it and the `Date` header is
/// more than `threshold` away from the corrected clock: a wrong secret also earns
/// `SignatureDoesNotMatch`, but then AWS's time agrees with ours and nothing is corrected.
package final class ClockSkewCorrection: Sendable {
    /// A difference smaller than this is never corrected: AWS accepts up to 5 minutes, and the
    /// `Date` header has whole seconds and arrives after the request's round trip (the Java
    /// SDK uses 4 minutes too).
    package static let threshold: Double = 4 * 60

    /// The error codes AWS services give for a request signed too far from their time
    /// (the SDKs' list): Route 53, ELB and STS answer `SignatureDoesNotMatch` "Signature
    /// expired" or "Signature not yet current", EC2 `RequestExpired` or `AuthFailure`.
    package static let codes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AuthFailure",
    ]

    private let offsetSeconds: Mutex<Double>

    /// Creates a correction; `offset` is the seconds to add to the machine's clock.
    package init(offset: Double = 0) {
        offsetSeconds = Mutex(offset)
    }

    /// The seconds added to the machine's clock when signing (0 until AWS showed a difference).
    package var offset: Double { offsetSeconds.withLock { $0 } }

    /// The time to sign a request with: the machine's clock moved by the offset.
    package func signingTime(machineTime: UnixTime) -> UnixTime {
        machineTime.adding(seconds: offset)
    }

    /// After a refusal: when it shows the clock is off, stores the new offset, logs it once
    /// and returns true (sign again); false when the refusal is about something else.
    package func adjust(
        after error: AWSServiceError, serverDate: String?, machineTime: UnixTime, logger: Logger, context: String
    ) -> Bool {
        guard Self.codes.contains(error.code), let serverDate, let serverTime = UnixTime(httpDate: serverDate) else { return false }
        let measured = serverTime.seconds - machineTime.seconds
        let changed = offsetSeconds.withLock { offset -> Bool in
            guard abs(measured - offset) > Self.threshold else { return false }
            offset = measured.rounded()
            return true
        }
        guard changed else { return false }
        logger.info(
            "\(context): AWS refused the request's time (\(error.code)); this machine's clock is \(Self.describe(measured)) AWS's (its Date: \(serverDate)): signing every request with the corrected time from now on. Fix the clock (chrony/NTP)."
        )
        return true
    }

    /// "10 min 0 s behind" or "10 min 0 s ahead of".
    static func describe(_ offset: Double) -> String {
        let whole = Int(abs(offset).rounded())
        let text = whole >= 60 ? "\(whole / 60) min \(whole % 60) s" : "\(whole) s"
        return offset > 0 ? "\(text) behind" : "\(text) ahead of"
    }
}
