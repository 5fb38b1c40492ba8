import Foundation
import Testing
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// Property-based fuzzing of everything that reads untrusted text: the flag parser, instance keys, URL encoding,
/// and answer decoding and printing. A short seeded run in CI; for a long run:
///
///     FUZZ_ITERATIONS=1000000 swift test --filter Fuzz
///
/// (`FUZZ_SEED`, `FUZZ_CASE` and `FUZZ_TRACE` are described in Fuzzing.swift). A failure is reported with its
/// seed, case and shrunk input; every input that ever failed is kept in ``regressions`` below.
@Suite("Fuzzing")
struct FuzzTests {
    // MARK: Flag parser

    /// Every spelling of every flag, with and without values, and some that are nearly flags.
    static let flagTokens: [String] = {
        var tokens = ["--", "-", "", "=", "-=", "--=", "---", "-é", "--ïnstance", "--instanse", "-ＩＮＳＴ", "help", "db1:3306"]
        for spec in FlagTable.all {
            if let letter = spec.letter { tokens += ["-\(letter)", "-\(letter)x", "-\(letter)=v", "-\(letter)\(letter)"] }
            for name in spec.names { tokens += ["--\(name)", "-\(name)", "--\(name)=", "--\(name)=v=w", "-\(name)=x", "--\(name)x"] }
        }
        return tokens
    }()

    @Test("FlagParser.parse never crashes; it returns values or throws .usage/.invalidValue")
    func argumentParserTotal() {
        let failure = Fuzz.check("argument-parser", cases: 5_000, generate: { generator -> [String] in
            (0..<Fuzz.int(0...8, &generator)).map { _ in
                Fuzz.chance(65, &generator) ? Fuzz.pick(Self.flagTokens, &generator) : Fuzz.string(&generator, maximum: 6)
            }
        }, shrink: { Fuzz.shrinkArray($0, element: Fuzz.shrinkString) }, describe: { "\($0)" }) { arguments in
            do throws(OrchestratorError) {
                let parsed = try FlagParser.parse(arguments)
                for (flag, value) in parsed.values where FlagTable.spec(flag).valueKind == .none && !value.isEmpty {
                    return "switch \(flag) holds a value \"\(value)\""
                }
                let nonFlags = arguments.filter { !$0.hasPrefix("-") || $0 == "-" }
                if parsed.positional.contains(where: { !arguments.contains($0) }) || parsed.positional.count > arguments.count {
                    return "positional \(parsed.positional) not among the arguments (\(nonFlags))"
                }
                return nil
            } catch {
                switch error.reason {
                case .usage(let text, _): return text.isEmpty ? "an empty usage message" : nil
                case .invalidValue: return nil
                default: return "threw \(error)"
                }
            }
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
    }

    /// One flag with its value, in one spelling.
    struct Given: CustomStringConvertible {
        let spec: FlagSpec
        let arguments: [String]
        let value: String
        var description: String { "\(arguments)" }
    }

    @Test("FlagParser.parse reads every spelling of generated flags exactly as meant; empty or conflicting values are refused")
    func argumentParserModel() {
        let failure = Fuzz.check("argument-parser-model", cases: 4_000, generate: { generator -> [Given] in
            (0..<Fuzz.int(1...6, &generator)).map { _ in Self.given(&generator) }
        }, shrink: { Fuzz.shrinkArray($0) }, describe: { (list: [Given]) in "\(list.flatMap(\.arguments))" }) { (list: [Given]) -> String? in
            var expected: [Flag: String] = [:]
            var refused = false
            for given in list {
                if given.spec.valueKind != .none && ValueSource.isEmptyValue(given.value) { refused = true }
                if let earlier = expected[given.spec.flag], earlier != given.value { refused = true }
                expected[given.spec.flag] = given.value
            }
            do {
                let parsed = try FlagParser.parse(list.flatMap(\.arguments))
                if refused { return "accepted an empty or conflicting value: \(parsed.values)" }
                if parsed.values != expected { return "parsed \(parsed.values), meant \(expected)" }
                if !parsed.positional.isEmpty { return "positional \(parsed.positional)" }
                return nil
            } catch {
                if refused, let error = error as? OrchestratorError, case .usage = error.reason { return nil }
                return "threw \(error)"
            }
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
    }

    static func given(_ generator: inout SplitMix64) -> Given {
        while true {
            let spec = Fuzz.pick(FlagTable.all, &generator)
            let name = Fuzz.pick(spec.names, &generator)
            if spec.valueKind == .none {
                var spellings = ["--\(name)", "-\(name)"]
                if let letter = spec.letter { spellings.append("-\(letter)") }
                return Given(spec: spec, arguments: [Fuzz.pick(spellings, &generator)], value: "")
            }
            let value = Fuzz.chance(20, &generator) ? Fuzz.pick(Self.flagTokens, &generator) : Fuzz.string(&generator, maximum: 8)
            // A value that is itself a flag must be attached (`-i --quiet` is refused: a forgotten value never swallows the next flag).
            let separable = !FlagParser.isFlag(value)
            switch Fuzz.int(0...4, &generator) {
            case 0 where !separable: return Given(spec: spec, arguments: ["--\(name)=\(value)"], value: value)
            case 0: return Given(spec: spec, arguments: ["--\(name)", value], value: value)
            case 1: return Given(spec: spec, arguments: ["--\(name)=\(value)"], value: value)
            case 2: return Given(spec: spec, arguments: ["-\(name)=\(value)"], value: value)
            case 3:
                guard let letter = spec.letter, separable else { continue }
                return Given(spec: spec, arguments: ["-\(letter)", value], value: value)
            default:
                // getopts' attached form; ambiguous (so not generated) when it spells a long name or starts with '='.
                guard let letter = spec.letter, !value.isEmpty, !value.hasPrefix("=") else { continue }
                let body = "\(letter)\(value)"
                let nameEnd = body.firstIndex(of: "=") ?? body.endIndex
                guard FlagTable.spec(name: String(body[..<nameEnd])) == nil else { continue }
                return Given(spec: spec, arguments: ["-" + body], value: value)
            }
        }
    }

    // MARK: Instance keys

    static let keyTokens = ["db", "a", "Z", "0", "9", "3306", "65535", "65536", "0", "-", ".", "..", "_", ":", "::", "[", "]",
                            "::1", "fe80::1", "1.2.3.4", "%", "/", "?", "#", " ", "\t", "\n", "é", "٣", "+", "-1", "00080",
                            "\u{0}", "[::1]", ":3306", "db-1.example.com", "ABCDEF", "::ffff:10.0.0.1"]

    @Test("InstanceKey(parsing:): an accepted key is well-formed and round-trips through its description")
    func instanceKeys() {
        Self.checkValidator("instance-key", tokens: Self.keyTokens, count: 0...7,
                            parse: { text throws(OrchestratorError) in try InstanceKey(parsing: text, defaultPort: 3306) },
                            refusalNamesInput: true, problem: { key, _ in Self.instanceKeyProblem(key) })
    }

    /// Fuzzes a validator with token strings: every input is either refused as an invalid value (naming the input
    /// when `refusalNamesInput`) or accepted with no `problem`; both sides must be exercised.
    static func checkValidator<Value>(_ name: String, tokens: [String], count: ClosedRange<Int>,
                                      parse: (String) throws(OrchestratorError) -> Value, refusalNamesInput: Bool = false,
                                      problem: (Value, String) -> String?) {
        var accepted = 0, refused = 0
        let failure = Fuzz.check(name, cases: 10_000, generate: { generator -> String in
            Fuzz.tokens(tokens, &generator, count: count)
        }, shrink: Fuzz.shrinkString, describe: { "\"\($0.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())\"" }) { text in
            let value: Value
            do throws(OrchestratorError) {
                value = try parse(text)
            } catch {
                refused += 1
                if case .invalidValue(let invalid) = error.reason, !refusalNamesInput || invalid.value == text { return nil }
                return "threw \(error)"
            }
            accepted += 1
            return problem(value, text)
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
        #expect(Fuzz.onlyCase != nil || accepted > 300 && refused > 300, "the generator should exercise both sides: \(accepted) accepted, \(refused) refused")
    }

    /// What is wrong with an accepted key, or `nil`.
    static func instanceKeyProblem(_ key: InstanceKey) -> String? {
        guard (1...65535).contains(key.port) else { return "port \(key.port)" }
        guard !key.hostname.isEmpty else { return "empty host name" }
        let ipv6 = key.hostname.contains(":")
        let allowed = ipv6 ? "0123456789abcdefABCDEF:." : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._"
        guard key.hostname.allSatisfy({ allowed.contains($0) }) else { return "host name \"\(key.hostname)\" has a stray character" }
        // description round-trips: host:port, or [address]:port for IPv6.
        let written = key.description
        guard let again = try? InstanceKey(parsing: written, defaultPort: 1) else { return "\(written) does not parse back" }
        guard again == key else { return "\(written) parses back as \(again)" }
        let expected = ipv6 ? "[\(key.hostname)]:\(key.port)" : "\(key.hostname):\(key.port)"
        if key.description != expected { return "description \(key.description)" }
        return nil
    }

    // MARK: URL encoding

    static func unreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return "-_.~!*'()".utf8.contains(byte)
        }
    }

    /// What is wrong with `encoded` as the encoding of `value`, or `nil`.
    static func encodingProblem(_ encoded: String, of value: String, alsoAllowed: String) -> String? {
        let bytes = Array(encoded.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[(index + 1)...(index + 2)].allSatisfy({ Fuzz.isHexDigit($0) && !(0x61...0x66).contains($0) })
                else { return "'%' at \(index) not followed by two upper-case hex digits" }
            } else if !(unreserved(byte) || alsoAllowed.utf8.contains(byte)) {
                return "byte \(byte) ('\(UnicodeScalar(byte))') left unencoded"
            }
        }
        if encoded.contains("/") || encoded.contains("?") || encoded.contains("#") { return "contains '/', '?' or '#'" }
        if Fuzz.percentDecoded(encoded) != Array(value.utf8) { return "decodes to \(Fuzz.show(Fuzz.percentDecoded(encoded)))" }
        return nil
    }

    @Test("PercentEncoding: only allowed bytes, never '/', '?', '#', and decodes back to the input")
    func percentEncoding() {
        let failure = Fuzz.check("percent-encoding", cases: 8_000, generate: { generator -> String in
            Fuzz.chance(30, &generator) ? Fuzz.tokens(Self.pathTokens, &generator, count: 0...8) : Fuzz.string(&generator, maximum: 16)
        }, shrink: Fuzz.shrinkString, describe: { "\"\($0.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())\"" }) { value in
            if let problem = Self.encodingProblem(PercentEncoding.pathSegment(value), of: value, alsoAllowed: ":") {
                return "pathSegment: \(problem)"
            }
            if let problem = Self.encodingProblem(PercentEncoding.queryValue(value), of: value, alsoAllowed: "") {
                return "queryValue: \(problem)"
            }
            return nil
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
    }

    @Test("APIPath(segments:query:): the structure survives any values, each decoding back")
    func apiPathSegments() {
        struct Parts { var segments: [String]; var query: [(name: String, value: String)] }
        let failure = Fuzz.check("api-path-segments", cases: 4_000, generate: { generator -> Parts in
            Parts(segments: (0..<Fuzz.int(1...4, &generator)).map { _ in Fuzz.string(&generator, maximum: 6) },
                  query: (0..<Fuzz.int(0...3, &generator)).map { _ in (Fuzz.string(&generator, maximum: 4), Fuzz.string(&generator, maximum: 6)) })
        }, describe: { "\($0.segments) \($0.query)" }) { parts in
            let encoded = APIPath(segments: parts.segments, query: parts.query).encoded
            let halves = encoded.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let segments = halves[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard segments.count == parts.segments.count else { return "\(encoded): \(segments.count) segments" }
            for (segment, value) in zip(segments, parts.segments) where Fuzz.percentDecoded(segment) != Array(value.utf8) {
                return "\(encoded): segment \(segment) does not decode to \(value)"
            }
            let pairs = halves.count > 1 ? halves[1].split(separator: "&", omittingEmptySubsequences: false) : []
            guard pairs.count == parts.query.count else { return "\(encoded): \(pairs.count) query items" }
            for (pair, item) in zip(pairs, parts.query) {
                let sides = pair.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                guard sides.count == 2, Fuzz.percentDecoded(sides[0]) == Array(item.name.utf8),
                      Fuzz.percentDecoded(sides[1]) == Array(item.value.utf8) else { return "\(encoded): query item \(pair)" }
            }
            return nil
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
    }

    static let pathTokens = ["a", "clusters", "instance", "db1", "3306", "/", "//", ".", "..", "%2e", "%2E", "%2", "%", "%zz", "%41",
                             "%2F", "?", "&", "=", "#", " ", "é", "api/", "/api/", "\\", "\"", "<", "\u{7}", "\n", ";", "+", ":",
                             "@", "~", "%00", "%25", "\u{7F}", "日"]

    @Test("APIPath(validating:): accepted paths hold only URL bytes, no dot segments, and mean what was written")
    func apiPathValidating() {
        Self.checkValidator("api-path-validating", tokens: Self.pathTokens, count: 0...8,
                            parse: { text throws(OrchestratorError) in try APIPath(validating: text) },
                            problem: { path, text in Self.validatedPathProblem(path.encoded, of: text) })
    }

    static func validatedPathProblem(_ encoded: String, of text: String) -> String? {
        let bytes = Array(encoded.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[(index + 1)...(index + 2)].allSatisfy(Fuzz.isHexDigit) else {
                    return "\(encoded): a '%' that is not an escape"
                }
            } else if !(unreserved(byte) || "/?&=:@,;+$".utf8.contains(byte)) {
                return "\(encoded): byte \(byte) left unencoded"
            }
        }
        guard !encoded.isEmpty else { return "empty" }
        let pathPart = encoded.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        for segment in pathPart.split(separator: "/", omittingEmptySubsequences: false) {
            let decoded = Fuzz.percentDecoded(String(segment))
            if decoded == Array(".".utf8) || decoded == Array("..".utf8) {
                return "\(encoded): segment \(segment) is a dot segment once the server decodes it"
            }
        }
        var trimmed = Substring(text)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        if trimmed.hasPrefix("api/") { trimmed = trimmed.dropFirst(4) }
        if Fuzz.percentDecoded(encoded) != Fuzz.percentDecoded(String(trimmed)) {
            return "\(encoded) means \(Fuzz.show(Fuzz.percentDecoded(encoded))), written \(Fuzz.show(Fuzz.percentDecoded(String(trimmed))))"
        }
        return nil
    }

    // MARK: Regressions

    /// Inputs that once failed a property; each is checked on every run.
    static let regressions: [(kind: String, input: String)] = [
        // Mixed-case and half-encoded dot segments slipped past the '..' check and let the server resolve them.
        ("api-path", ".%2e/forget"), ("api-path", "%2e./forget"), ("api-path", "%2E%2e/x"), ("api-path", "a/%2e"),
        ("api-path", "a/.%2E/b"), ("api-path", "a?x=.%2e"),
    ]

    @Test("regressions found by fuzzing", arguments: regressions.indices)
    func regression(_ index: Int) {
        let (kind, input) = Self.regressions[index]
        switch kind {
        case "api-path":
            do throws(OrchestratorError) {
                let path = try APIPath(validating: input)
                #expect(Self.validatedPathProblem(path.encoded, of: input) == nil, "\(input) → \(path.encoded)")
            } catch {
                guard case .invalidValue = error.reason else { Issue.record("\(input) threw \(error)"); return }
            }
        default:
            Issue.record("unknown regression kind \(kind)")
        }
    }
}
