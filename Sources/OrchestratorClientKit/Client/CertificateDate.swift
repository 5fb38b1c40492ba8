extension Int {
    /// Division rounding towards minus infinity, so that an hour past expiry is day -1, not day 0.
    func dividedRoundingDown(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// A certificate date as TLS libraries word it: OpenSSL `Nov 27 15:44:00 2027 GMT` (day space-padded), or
/// `2027-11-27 15:44:00 GMT` (libcurl's own formatting for other backends).
struct CertificateDate {
    let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    init?(text: String) {
        let words = text.split(separator: " ").map(String.init)
        func clock(_ word: String) -> (Int, Int, Int)? {
            let parts = word.split(separator: ":").map { Int($0.prefix { $0.isNumber }) }
            guard parts.count == 3, let h = parts[0], let m = parts[1], let s = parts[2] else { return nil }
            return (h, m, s)
        }
        if words.count >= 4, let month = Self.months.firstIndex(of: words[0]), let day = Int(words[1]),
           let time = clock(words[2]), let year = Int(words[3]) {
            (self.year, self.month, self.day) = (year, month + 1, day)
            (hour, minute, second) = time
        } else if words.count >= 2, case let date = words[0].split(separator: "-").compactMap({ Int($0) }), date.count == 3,
                  let time = clock(words[1]) {
            (year, month, day) = (date[0], date[1], date[2])
            (hour, minute, second) = time
        } else {
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
    }

    /// Seconds since 1970-01-01T00:00:00Z (days from civil, Howard Hinnant's algorithm: no time zone involved).
    var secondsSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    var iso8601: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
    }
}

/// The certificate of the chain a server presented that expires first: an intermediate expiring before the server's
/// own certificate breaks every connection as surely, so a monitoring check must see it.
package struct EarliestCertificate: Sendable, Equatable {
    /// Its expiry as the TLS library words it, e.g. `Nov 27 15:44:00 2027 GMT`.
    package let expiry: String
    /// Its subject as the TLS library words it, e.g. `CN = orc.example`.
    package let subject: String
    /// True when it is the server's own certificate (the chain's first), not one of the authorities after it.
    package let isServers: Bool

    package init(expiry: String, subject: String, isServers: Bool) {
        self.expiry = expiry
        self.subject = subject
        self.isServers = isServers
    }

    /// The earliest of `chain`, the transport's lines (server's certificate first, each `expiry<TAB>subject`); the
    /// server's own when no expiry can be read as a date; `nil` when there is none.
    init?(chain: String) {
        let certificates = chain.split(separator: "\n").enumerated().map { index, line in
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return EarliestCertificate(expiry: String(fields[0]), subject: fields.count > 1 ? String(fields[1]) : "", isServers: index == 0)
        }
        let dated = certificates.compactMap { certificate in
            CertificateDate(text: certificate.expiry).map { (certificate, $0.secondsSinceEpoch) }
        }
        guard let earliest = dated.min(by: { $0.1 < $1.1 })?.0 ?? certificates.first(where: { !$0.expiry.isEmpty }) else { return nil }
        self = earliest
    }
}
