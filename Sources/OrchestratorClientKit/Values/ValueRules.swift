/// How a promoted candidate is preferred during failover; orchestrator's `CandidatePromotionRule`.
public enum PromotionRule: String, Sendable, CaseIterable {
    case prefer
    case neutral
    case preferNot = "prefer_not"
    case mustNot = "must_not"
}

/// Checks that refuse, before anything is sent, every value the server would misread.
///
/// The server decodes path segments before routing, so a `/` even sent as `%2F` splits a segment;
/// `.` and `..` would be resolved away by libcurl or a proxy; control characters pollute what is stored.
package enum ValueRules {
    /// A value that must travel as one path segment: an owner, reason, alias, pool, binlog name, host name hint.
    package static func pathSegment(_ value: String, source: ValueSource) throws(OrchestratorError) -> String {
        try noControlCharacters(value, source: source)
        guard !ValueSource.isEmptyValue(value) else {
            throw invalid(source, value, "it is empty", "give a non-empty value")
        }
        if value == "." || value == ".." {
            throw invalid(source, value, "\"\(value)\" would be read as a relative path", "give a different value")
        }
        for forbidden in ["/", "?", "#", "%", "\\"] where value.contains(forbidden) {
            throw invalid(source, value,
                          "it contains '\(forbidden)', which cannot travel inside one URL path segment "
                              + "(the server would read it as part of the request's path)",
                          "use a value without '/', '?', '#', '%' or '\\'")
        }
        return value
    }

    /// A value sent as a query parameter; any character but control characters encodes faithfully.
    package static func queryText(_ value: String, source: ValueSource) throws(OrchestratorError) -> String {
        try noControlCharacters(value, source: source)
        guard !ValueSource.isEmptyValue(value) else { throw invalid(source, value, "it is empty", "give a non-empty value") }
        return value
    }

    /// An orchestrator duration: digits and one unit of `s`, `m`, `h`, `d` or `w` (`SimpleTimeToSeconds`).
    package static func duration(_ value: String, source: ValueSource = .input(.duration)) throws(OrchestratorError) -> String {
        _ = try DurationText.milliseconds(value, source: source, rule: .downtime)
        return value
    }

    /// One of orchestrator's four promotion rules.
    package static func promotionRule(_ value: String, source: ValueSource = .input(.promotionRule)) throws(OrchestratorError) -> PromotionRule {
        guard let rule = PromotionRule(rawValue: value) else {
            throw invalid(source, value, "it is not a promotion rule",
                          "use one of: " + PromotionRule.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return rule
    }

    /// The port for instances named without one (the defaultPort input); 3306 when not given.
    package static func defaultPort(_ value: String?, source: ValueSource = .input(.defaultPort)) throws(OrchestratorError) -> Int {
        guard let value else { return InstanceKey.defaultPort }
        guard value.count <= 5, value.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(value), (1...65535).contains(port) else {
            throw invalid(source, value, "it is not a port number", "give a number from 1 to 65535")
        }
        return port
    }

    /// A non-negative whole number of seconds.
    package static func seconds(_ value: String, source: ValueSource = .input(.seconds)) throws(OrchestratorError) -> String {
        guard !value.isEmpty, value.count <= 9, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw invalid(source, value, "it is not a whole number of seconds", "give digits only, e.g. 5")
        }
        return value
    }

    /// A tag: `name` or `name=value`; with `allowList`, a comma-separated list of them (`tagged`).
    package static func tag(_ value: String, source: ValueSource = .input(.tag), allowList: Bool = false) throws(OrchestratorError) -> String {
        _ = try queryText(value, source: source)
        let parts = allowList ? value.split(separator: ",", omittingEmptySubsequences: false) : [Substring(value)]
        for part in parts {
            let name = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if name.isEmpty || name.contains(where: \.isWhitespace) || (!allowList && part.contains(",")) {
                throw invalid(source, value, "it is not a tag",
                              allowList ? "write name, name=value, or a comma-separated list of them"
                                        : "write name or name=value, with a non-empty name without spaces")
            }
        }
        return value
    }

    /// A comma-separated list of instance keys (`submit-pool-instances`), each validated.
    package static func instanceList(_ value: String, defaultPort: Int, source: ValueSource = .input(.instance)) throws(OrchestratorError) -> String {
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            _ = try InstanceKey(parsing: String(item), defaultPort: defaultPort, source: source)
        }
        return value
    }

    static func noControlCharacters(_ value: String, source: ValueSource) throws(OrchestratorError) {
        if hasControlCharacter(value) {
            throw invalid(source, value, "it contains a control character (newline, tab, …)",
                          "remove control characters from the value")
        }
    }

    /// True when `value` holds a C0 control character or DEL: never part of a value a request can carry as written.
    static func hasControlCharacter(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    static func invalid(_ source: ValueSource, _ value: String, _ problem: String, _ fix: String) -> OrchestratorError {
        .invalidValue(InvalidValue(source: source, value: value, problem: problem, fix: fix))
    }
}
