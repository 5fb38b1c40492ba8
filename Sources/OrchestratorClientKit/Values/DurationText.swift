/// The one parser of every duration the client takes (the timeout settings, from overrides or their variables,
/// the command line's jitter, and the duration input before it is sent): the unit is read first, then the number,
/// then the bound is checked on the value in milliseconds, so `1h` and `3600` are the same and `86400m` is as long
/// as it says.
package enum DurationText {
    /// A unit suffix and its length in milliseconds.
    package struct Unit: Sendable {
        package let suffix: String
        package let milliseconds: Int
    }

    package static let millisecond = Unit(suffix: "ms", milliseconds: 1)
    package static let second = Unit(suffix: "s", milliseconds: 1_000)
    package static let minute = Unit(suffix: "m", milliseconds: 60_000)
    package static let hour = Unit(suffix: "h", milliseconds: 3_600_000)
    package static let day = Unit(suffix: "d", milliseconds: 86_400_000)
    package static let week = Unit(suffix: "w", milliseconds: 604_800_000)

    /// What a setting or input accepts.
    package struct Rule: Sendable {
        /// The units, longest suffix first (`ms` before `m` and `s`).
        package let units: [Unit]
        /// The unit of a bare number, or `nil` when a unit is required.
        package let bareUnit: Unit?
        /// Whether `1.5` is allowed.
        package let fractions: Bool
        /// The longest value, in milliseconds.
        package let maximumMilliseconds: Int
        /// An example for messages.
        package let example: String
        /// Whether `0s` is allowed (orchestrator reads a zero downtime as its default).
        package var allowsZero = false

        /// The client's own bounds: ms, s, m, h or d, a bare number is seconds, fractions allowed, at most one day.
        package static let timeout = Rule(units: [millisecond, second, minute, hour, day], bareUnit: second, fractions: true,
                                          maximumMilliseconds: 86_400_000, example: "500ms, 30s, 1.5 (seconds), 2m or 1h")
        /// A random wait before the first request: whole seconds or a duration, at most one day; 0 waits not at all.
        package static let jitter = Rule(units: [millisecond, second, minute, hour, day], bareUnit: second, fractions: false,
                                         maximumMilliseconds: 86_400_000, example: "600 (seconds), 10m or 1h", allowsZero: true)
        /// orchestrator's `SimpleTimeToSeconds`: digits and one of s, m, h, d, w; at most 100 years (36500d).
        package static let downtime = Rule(units: [second, minute, hour, day, week], bareUnit: nil, fractions: false,
                                           maximumMilliseconds: 36_500 * 86_400_000, example: "5m, 2h, 1d", allowsZero: true)
    }

    /// The value of `text` in milliseconds (at least 1), or an error naming `source`, the value and the fix.
    package static func milliseconds(_ text: String, source: ValueSource, rule: Rule) throws(OrchestratorError) -> Int {
        let unitNames = rule.units.map(\.suffix)
        let unitList = unitNames.dropLast().joined(separator: ", ") + " or " + unitNames.last!
        func invalid(_ problem: String) -> OrchestratorError {
            .invalidValue(InvalidValue(source: source, value: text, problem: problem,
                                       fix: "give a number followed by \(unitList), e.g. \(rule.example)"))
        }
        // 1. The unit.
        var number = Substring(text)
        var unit = rule.bareUnit
        if let found = rule.units.first(where: { text.hasSuffix($0.suffix) }) {
            unit = found
            number = number.dropLast(found.suffix.count)
        }
        guard let unit else { throw invalid("it has no unit") }
        // 2. The number.
        let isNumber = !number.isEmpty && number.allSatisfy { ($0.isASCII && $0.isNumber) || (rule.fractions && $0 == ".") }
            && number.filter({ $0 == "." }).count <= 1 && number.first != "." && number.last != "."
        guard isNumber, let value = Double(number) else {
            throw invalid(number.isEmpty ? "it has no number" : "it is not a duration")
        }
        guard value > 0 || (rule.allowsZero && value == 0) else { throw invalid("it is not a positive duration") }
        // 3. The bound, on the value as meant.
        let milliseconds = value * Double(unit.milliseconds)
        guard milliseconds <= Double(rule.maximumMilliseconds) else {
            throw .invalidValue(InvalidValue(source: source, value: text,
                                             problem: "it is longer than the limit of \(describe(rule.maximumMilliseconds))",
                                             fix: "give at most \(describe(rule.maximumMilliseconds)), e.g. \(rule.example)"))
        }
        return rule.allowsZero && value == 0 ? 0 : max(1, Int(milliseconds))
    }

    /// `1d`, `2h`, `90s`, `500ms`: the largest unit that divides the value.
    package static func describe(_ milliseconds: Int) -> String {
        for unit in [day, hour, minute, second] where milliseconds % unit.milliseconds == 0 {
            return "\(milliseconds / unit.milliseconds)\(unit.suffix)"
        }
        return "\(milliseconds)ms"
    }
}
