/// A path below an endpoint's `/api`, every value in it encoded exactly once.
public struct APIPath: Sendable, Hashable, CustomStringConvertible {
    /// The encoded path, e.g. `begin-downtime/db1/3306/cron/weekly%20backup/5m`.
    public let encoded: String

    init(preEncoded: String) {
        self.encoded = preEncoded
    }

    /// Joins `segments` (each encoded as one path segment) and `query` (each value encoded).
    public init(segments: [String], query: [(name: String, value: String)] = []) {
        var text = segments.map(PercentEncoding.pathSegment).joined(separator: "/")
        for (index, item) in query.enumerated() {
            text += (index == 0 ? "?" : "&") + PercentEncoding.queryValue(item.name) + "=" + PercentEncoding.queryValue(item.value)
        }
        self.encoded = text
    }

    /// A path as a user writes it for `-c api --path`: `/` and `?`, `&`, `=` keep their meaning, `%XX` escapes
    /// are kept, any other byte outside the URL alphabet is encoded. Refuses `.`/`..` segments, fragments and
    /// control characters, which would send the request somewhere else than written.
    public init(validating text: String, source: String = "-P/--path") throws(OrchestratorError) {
        func invalid(_ problem: String, _ fix: String) -> OrchestratorError {
            .invalidValue(InvalidValue(source: source, value: text, problem: problem, fix: fix))
        }
        try ValueRules.noControlCharacters(text, source: source)
        var trimmed = Substring(text)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        if trimmed.hasPrefix("api/") { trimmed = trimmed.dropFirst(4) }
        guard !trimmed.isEmpty else { throw invalid("it is empty", "give an API path such as clusters or instance/db1/3306") }
        if trimmed.contains("#") { throw invalid("it contains '#'", "remove the fragment") }
        let pathPart = trimmed.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        // A segment is a dot segment when it reads "." or ".." once the server decodes it: ".%2E" and "%2e." too.
        for segment in pathPart.split(separator: "/", omittingEmptySubsequences: false)
        where segment.count <= 6 && [".", ".."].contains(Self.decodingDots(segment)) {
            throw invalid("it contains a '\(segment)' segment, which would change which endpoint is called",
                          "write the path without '.' or '..' segments")
        }
        var bytes: [UInt8] = []
        let utf8 = Array(trimmed.utf8)
        var index = 0
        let hex = Array("0123456789ABCDEF".utf8)
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let isEscape = index + 2 < utf8.count && Self.isHexDigit(utf8[index + 1]) && Self.isHexDigit(utf8[index + 2])
                if isEscape {
                    bytes.append(contentsOf: utf8[index...(index + 2)])
                    index += 3
                    continue
                }
            }
            if Self.isURLCharacter(byte) && byte != UInt8(ascii: "%") {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
            index += 1
        }
        self.encoded = String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { encoded }

    /// `segment` with each `%2E`/`%2e` read as `.`.
    private static func decodingDots(_ segment: Substring) -> String {
        var text = ""
        var rest = segment
        while let first = rest.first {
            if first == "%", rest.dropFirst().prefix(2).lowercased() == "2e" {
                text.append(".")
                rest = rest.dropFirst(3)
            } else {
                text.append(first)
                rest = rest.dropFirst()
            }
        }
        return text
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }

    private static func isURLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!*'()/?&=:@,;+$".utf8.contains(byte)
        }
    }
}
