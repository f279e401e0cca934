extension UnixTime {
    /// Parses an HTTP `Date` header in the form every AWS endpoint sends (RFC 9110's
    /// IMF-fixdate, `Sun, 29 Nov 2026 04:09:33 GMT`). Nil for anything else: the obsolete
    /// RFC 850 and asctime forms are not what AWS sends, and a date that cannot be read must
    /// never move the clock.
    package init?(httpDate text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", parts[1].utf8.count == 2, parts[3].utf8.count == 4,
            let month = Self.monthNumbers[String(parts[2])]
        else { return nil }
        let time = parts[4]
        guard time.utf8.count == 8 else { return nil }
        self.init(iso8601: "\(parts[3])-\(month)-\(parts[1])T\(time)Z")
    }

    private static let monthNumbers: [String: String] = [
        "Jan": "01", "Feb": "02", "Mar": "03", "Apr": "04", "May": "05", "Jun": "06",
        "Jul": "07", "Aug": "08", "Sep": "09", "Oct": "10", "Nov": "11", "Dec": "12",
    ]
}
