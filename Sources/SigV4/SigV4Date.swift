/// The moment a request is signed, in UTC, with the two renderings SigV4 needs.
///
/// The time is passed in rather than read from a clock so signing is a pure function that
/// tests can pin to the examples in AWS's documentation.
package struct SigV4Date: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z, the value this date was created from.
    package let secondsSince1970: Int64

    /// Creates the date for a Unix timestamp (UTC; leap seconds do not exist in this count).
    package init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// The `X-Amz-Date` rendering, `yyyyMMdd'T'HHmmss'Z'`, e.g. `20150830T123600Z`.
    package var amzDate: String {
        let time = civilTime
        return dateStamp + "T" + twoDigits(time.hour) + twoDigits(time.minute) + twoDigits(time.second) + "Z"
    }

    /// The credential-scope rendering, `yyyyMMdd`, e.g. `20150830`.
    package var dateStamp: String {
        let time = civilTime
        return fourDigits(time.year) + twoDigits(time.month) + twoDigits(time.day)
    }

    private var civilTime: CivilTime { CivilTime(secondsSince1970: secondsSince1970) }

    private func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private func fourDigits(_ value: Int64) -> String {
        let digits = "\(value < 0 ? -value : value)"
        let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }
}
