/// A UTC calendar date and time of day computed from a Unix timestamp.
///
/// Pure integer arithmetic (Howard Hinnant's `civil_from_days`, proleptic Gregorian calendar)
/// instead of `gmtime_r`: it cannot fail, so there is no error path to handle, and it needs no
/// Glibc/Darwin imports. Tests cross-check it against `gmtime_r`.
struct CivilTime: Equatable {
    let year: Int64
    let month: Int64
    let day: Int64
    let hour: Int64
    let minute: Int64
    let second: Int64

    private static let secondsPerDay: Int64 = 86_400
    private static let daysPerEra: Int64 = 146_097
    /// Days from 0000-03-01 to 1970-01-01, the shift that puts leap days at the end of a year.
    private static let daysFromEraStartToUnixEpoch: Int64 = 719_468

    init(secondsSince1970: Int64) {
        // Floor division so that times before 1970 land on the previous day, not the next.
        let (quotient, remainder) = secondsSince1970.quotientAndRemainder(dividingBy: Self.secondsPerDay)
        let days = remainder < 0 ? quotient - 1 : quotient
        let secondOfDay = remainder < 0 ? remainder + Self.secondsPerDay : remainder

        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60

        let shiftedDays = days + Self.daysFromEraStartToUnixEpoch
        let era = (shiftedDays >= 0 ? shiftedDays : shiftedDays - Self.daysPerEra + 1) / Self.daysPerEra
        let dayOfEra = shiftedDays - era * Self.daysPerEra
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }
}
