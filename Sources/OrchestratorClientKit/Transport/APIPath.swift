/// A path below an endpoint's `/api`, every value in it encoded exactly once.
package struct APIPath: Sendable, Hashable, CustomStringConvertible {
    /// The encoded path, e.g. `begin-downtime/db1/3306/cron/weekly%20backup/5m`.
    package let encoded: String

    init(preEncoded: String) {
        self.encoded = preEncoded
    }

    /// Joins `segments` (each encoded as one path segment) and `query` (each value encoded).
    package init(segments: [String], query: [(name: String, value: String)] = []) {
        var text = segments.map(PercentEncoding.pathSegment).joined(separator: "/")
        for (index, item) in query.enumerated() {
            text += (index == 0 ? "?" : "&") + PercentEncoding.queryValue(item.name) + "=" + PercentEncoding.queryValue(item.value)
        }
        self.encoded = text
    }

    /// A path as a user writes it for the `api` command's path input: `/` and `?`, `&`, `=` keep their meaning, `%XX` escapes
    /// are kept, any other byte outside the URL alphabet is encoded. Refuses `.`/`..` segments, fragments and
    /// control characters, which would send the request somewhere else than written.
    package init(validating text: String, source: ValueSource = .input(.path)) throws(OrchestratorError) {
        func invalid(_ problem: String, _ fix: String) -> OrchestratorError {
            .invalidValue(InvalidValue(source: source, value: text, problem: problem, fix: fix))
        }
        var trimmed = Substring(text)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        if trimmed.hasPrefix("api/") { trimmed = trimmed.dropFirst(4) }
        // Judged before the characters: a blank path (`/api/$UNSET `) names nothing, whatever blanks it holds.
        guard !ValueSource.isEmptyValue(String(trimmed)) else {
            throw invalid("it is empty", "give an API path such as clusters or instance/db1/3306")
        }
        try ValueRules.noControlCharacters(text, source: source)
        if trimmed.contains("#") { throw invalid("it contains '#'", "remove the fragment") }
        let pathPart = trimmed.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        // Judged as the server reads the path: decoded once, then split, so that ".%2E" is "..", and "x%2F..%2Fy"
        // holds a ".." segment of its own; "%0A" is a line break, "%20" a blank path.
        let decoded = PercentEncoding.decode(pathPart)
        if ValueRules.hasControlCharacter(PercentEncoding.decode(trimmed)) {
            throw invalid("it contains a control character once decoded (%00 to %1F or %7F), which no API path holds",
                          "remove the encoded control characters")
        }
        if ValueSource.isEmptyValue(decoded) {
            throw invalid("it is empty once decoded", "give an API path such as clusters or instance/db1/3306")
        }
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: false)
        where segment == "." || segment == ".." {
            throw invalid("it contains a '\(segment)' segment (once decoded, as the server reads it), which would change "
                              + "which endpoint is called",
                          "write the path without '.' or '..' segments, encoded or not")
        }
        self.encoded = PercentEncoding.userPath(trimmed)
    }

    package var description: String { encoded }
}
