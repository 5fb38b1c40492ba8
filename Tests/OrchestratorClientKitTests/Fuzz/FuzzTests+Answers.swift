import Foundation
import Testing
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// The fuzzing of answers: the JSON parser and printers, and recorded answers mutated (see FuzzTests).
extension FuzzTests {
    // MARK: JSON

    static let numbers = ["0", "-0", "1", "-1", "1.5", "1e10", "1E-5", "-12.5e+3", "123456789012345678901234567890", "0.000001",
                          "9007199254740993", "3306", "-2147483648"]

    /// A random JSON value, `depth` levels at most.
    static func value(_ generator: inout SplitMix64, depth: Int) -> JSONValue {
        switch Fuzz.int(0...(depth > 0 ? 6 : 3), &generator) {
        case 0: return Fuzz.chance(50, &generator) ? .null : .bool(Fuzz.chance(50, &generator))
        case 1: return .number(Fuzz.pick(numbers, &generator))
        case 2, 3: return .string(Fuzz.string(&generator, maximum: 8))
        case 4: return .array((0..<Fuzz.int(0...4, &generator)).map { _ in value(&generator, depth: depth - 1) })
        default:
            let keys = ["Key", "Hostname", "Port", "Details", "Message", "Code", "", "k\"", "é"]
            return .object((0..<Fuzz.int(0...4, &generator)).map { _ in
                (Fuzz.chance(70, &generator) ? Fuzz.pick(keys, &generator) : Fuzz.string(&generator, maximum: 5), value(&generator, depth: depth - 1))
            })
        }
    }

    static func shrinkValue(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case .null: return []
        case .bool, .number: return [.null]
        case .string(let text): return [.null] + Fuzz.shrinkString(text).map(JSONValue.string)
        case .array(let items): return [.null] + items + Fuzz.shrinkArray(items, element: shrinkValue).map(JSONValue.array)
        case .object(let members):
            return [.null] + members.map(\.value) + Fuzz.shrinkArray(members.map { Pair(key: $0.key, value: $0.value) }, element: { pair in
                shrinkValue(pair.value).map { Pair(key: pair.key, value: $0) } + Fuzz.shrinkString(pair.key).map { Pair(key: $0, value: pair.value) }
            }).map { JSONValue.object($0.map { ($0.key, $0.value) }) }
        }
    }

    struct Pair { let key: String; let value: JSONValue }

    /// `value` with each object's repeated names merged as jq merges them: first position, last value.
    static func merged(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(merged))
        case .object(let members):
            var result: [(key: String, value: JSONValue)] = []
            for member in members {
                if let index = result.firstIndex(where: { $0.key == member.key }) {
                    result[index].value = merged(member.value)
                } else {
                    result.append((member.key, merged(member.value)))
                }
            }
            return .object(result)
        default: return value
        }
    }

    @Test("JSONPrinter.render(.pretty) and (.inline) reparse to the same value")
    func printerRoundTrip() {
        let failure = Fuzz.check("printer-round-trip", cases: 5_000, generate: { generator in
            Self.value(&generator, depth: 4)
        }, shrink: Self.shrinkValue, describe: { JSONPrinter.render($0, style: .inline) }) { value in
            // A name given twice reads back once, with its last value, where it first occurred (as jq).
            let merged = Self.merged(value)
            for style in [JSONPrinter.Style.pretty, .inline, .raw] {
                let text = JSONPrinter.render(value, style: style)
                if style != .raw {
                    guard let again = try? JSONParser.parse(text) else { return "\(style) does not parse: \(text)" }
                    if again != merged { return "\(style) reparses differently: \(JSONPrinter.render(again, style: .inline))" }
                }
                // The streaming printer of the bounded-memory path prints exactly what the tree printer prints.
                guard let document = try? JSONDocument(Array(JSONPrinter.render(value, style: .inline).utf8)) else {
                    return "the document reader refuses \(text)"
                }
                let sink = MemorySink()
                JSONStreamPrinter.write(document.root, style: style, to: sink)
                let expected = JSONPrinter.render(merged, style: style)
                if sink.text != expected { return "\(style): streamed \(sink.text), printed \(expected)" }
            }
            if case .string(let text) = value, JSONPrinter.render(value, style: .raw) != text { return "raw string changed" }
            return nil
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
    }

    static let jsonTokens = [",", ":", "[", "]", "{", "}", "\"", "\\", "\\u", "\\u00e9", "\\ud83d\\ude00", "\\n", "\\x", "e", "E", ".",
                             "-", "+", "0", "01", "1", "tru", "true", "nul", "null", " ", "\t", "\n", "\r", "\u{0}", "\u{1F}", "NaN",
                             "Infinity", "//", "/*", "'", "\"a\"", "[]", "{}", "\u{A0}", "é", "\u{FEFF}", "1e", "-.5", "0x1"]

    /// A generated document: a printed random value, then some token-level mutations.
    static func document(_ generator: inout SplitMix64) -> [UInt8] {
        var text = Array(JSONPrinter.render(value(&generator, depth: 3), style: Fuzz.chance(50, &generator) ? .pretty : .inline).unicodeScalars)
        for _ in 0..<Fuzz.int(0...3, &generator) {
            let position = Fuzz.int(0...text.count, &generator)
            switch Fuzz.int(0...3, &generator) {
            case 0: text.insert(contentsOf: Fuzz.pick(jsonTokens, &generator).unicodeScalars, at: position)
            case 1: if position < text.count { text.removeSubrange(position..<min(text.count, position + Fuzz.int(1...3, &generator))) }
            case 2: if position < text.count { text[position] = Fuzz.pick(jsonTokens, &generator).unicodeScalars.first ?? " " }
            default: text = Array(text[..<position])
            }
        }
        return Array(String(String.UnicodeScalarView(text)).utf8)
    }

    /// Known differences from Foundation, excluded from the comparison:
    /// - the parser follows `jq`, which reads a lone surrogate escape (`\ud800`) as U+FFFD where Foundation refuses it;
    /// - Foundation skips a leading UTF-8 byte order mark, which the parser refuses (RFC 8259 allows either);
    /// - Foundation accepts a trailing comma (`[1,]`, `{"a":1,}`), which RFC 8259 (and `jq`) refuse;
    /// - Foundation refuses numbers beyond a Double's range (`1e400`); the parser keeps their text, as `jq` 1.7 does;
    /// - Foundation guesses UTF-16/UTF-32 from NUL bytes (`\0` `1` reads as UTF-16 "1"); answers are UTF-8 only.
    /// - invalid UTF-8 is read with U+FFFD in place of the bad bytes, as `jq` does; Foundation refuses it;
    /// - Foundation (swift-corelibs) drops U+FEFF and U+0085 inside strings, or refuses the string (a Foundation bug).
    static func divergesOnPurpose(_ bytes: [UInt8], ours: JSONValue?) -> Bool {
        if ours == nil, bytes.contains(0) { return true }
        if ours != nil, String(bytes: bytes, encoding: .utf8) == nil { return true }
        if contains(bytes, [0xEF, 0xBB, 0xBF]) || contains(bytes, [0xC2, 0x85]) { return true }
        if let ours, hasHugeNumber(ours) { return true }
        if ours == nil, (try? JSONParser.parse(withoutTrailingCommas(bytes))) != nil { return true }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        return text.contains("\\ud8") || text.contains("\\ud9") || text.contains("\\uda") || text.contains("\\udb")
            || text.contains("\\udc") || text.contains("\\udd") || text.contains("\\ude") || text.contains("\\udf")
    }

    static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        guard bytes.count >= part.count else { return false }
        return (0...(bytes.count - part.count)).contains { bytes[$0..<($0 + part.count)].elementsEqual(part) }
    }

    static func hasHugeNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let text): return !(Double(text)?.isFinite ?? false)
        case .array(let items): return items.contains(where: hasHugeNumber)
        case .object(let members): return members.contains { hasHugeNumber($0.value) }
        default: return false
        }
    }

    /// `bytes` without commas followed (after whitespace) by `]` or `}`, outside strings.
    static func withoutTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var inString = false, escaped = false
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ","),
                      let next = bytes[(index + 1)...].first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }),
                      next == UInt8(ascii: "]") || next == UInt8(ascii: "}") {
                continue
            }
            output.append(byte)
        }
        return output
    }

    @Test("JSONParser agrees with Foundation's JSONSerialization on valid/invalid for generated documents")
    func parserAgreesWithFoundation() {
        var valid = 0, invalid = 0
        let failure = Fuzz.check("parser-vs-foundation", cases: 6_000, generate: Self.document,
                                 shrink: { Fuzz.shrinkArray($0) }, describe: { Fuzz.show($0) }) { bytes in
            let ours = try? JSONParser.parse(bytes)
            if ours == nil { invalid += 1 } else { valid += 1 }
            let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
            if Self.divergesOnPurpose(bytes, ours: ours) { return nil }
            switch (ours, theirs) {
            case (nil, nil): return nil
            case (let ours?, let theirs?):
                // Same value: Foundation reads our reprint as it reads the original.
                let reprinted = JSONPrinter.render(ours, style: .pretty)
                guard let again = try? JSONSerialization.jsonObject(with: Data(reprinted.utf8), options: .fragmentsAllowed) else {
                    return "Foundation cannot read our reprint \(reprinted)"
                }
                return (again as? NSObject) == (theirs as? NSObject) ? nil : "values differ: ours \(reprinted), Foundation's \(theirs)"
            case (nil, _?): return "we refuse what Foundation accepts"
            case (_?, nil): return "we accept what Foundation refuses"
            }
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
        #expect(Fuzz.onlyCase != nil || valid > 300 && invalid > 300, "the generator should exercise both sides: \(valid) valid, \(invalid) invalid")
    }

    // MARK: Recorded answers, mutated

    /// Every recorded body, JSON or not.
    static let recordedBodies: [[UInt8]] = Support.transcripts.flatMap { $0.gets.map { Array($0.body.utf8) } }.filter { !$0.isEmpty }

    /// Every output rule, each answer part and filter included.
    static let rules: [OutputRule] = {
        var rules: [OutputRule] = [.nothing, .relocation, .successor, .replicationAnalysis, .dominantDataCenter, .keyValuePairs,
                                   .clusterNames, .clusterAliases, .replicationState(running: true), .replicationState(running: false),
                                   .yesNo, .requestedInstance]
        for part in [AnswerPart.response, .details] {
            rules += [.key(part), .instanceKey(part), .masterKey(part), .keys(part), .instanceKeys(part, nil), .instanceKeys(part, .broken),
                      .instanceKeys(part, .running), .raw(part, .text), .lines(part), .inline(part, .anything),
                      .field("Key", part, .instanceKey), .field("Message", part, .text)]
        }
        return rules
    }()

    /// Fails to compile when a rule is added, so that ``rules`` is kept complete.
    static func listed(_ rule: OutputRule) -> Bool {
        switch rule {
        case .nothing, .key, .instanceKey, .masterKey, .keys, .instanceKeys, .raw, .lines, .inline, .field, .relocation, .successor,
             .replicationAnalysis, .dominantDataCenter, .keyValuePairs, .clusterNames, .clusterAliases, .replicationState, .yesNo,
             .requestedInstance:
            return true
        }
    }

    static func mutate(_ body: [UInt8], _ generator: inout SplitMix64) -> [UInt8] {
        var bytes = body
        for _ in 0..<Fuzz.int(1...4, &generator) {
            let position = Fuzz.int(0...bytes.count, &generator)
            switch Fuzz.int(0...6, &generator) {
            case 0: if position < bytes.count { bytes[position] ^= UInt8(1 << Fuzz.int(0...7, &generator)) }
            case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
            case 2: if position < bytes.count { bytes.removeSubrange(position..<min(bytes.count, position + Fuzz.int(1...64, &generator))) }
            case 3: bytes = Array(bytes[..<position])
            case 4:
                let end = min(bytes.count, position + Fuzz.int(1...200, &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 5: bytes.insert(contentsOf: Array(Fuzz.pick(jsonTokens, &generator).utf8), at: position)
            default:
                let depth = Fuzz.pick([10, 511, 512, 513, 2_000], &generator)
                bytes = Array(repeating: UInt8(ascii: "["), count: depth) + bytes + Array(repeating: UInt8(ascii: "]"), count: depth)
            }
        }
        return bytes
    }

    @Test("mutated recorded answers: parsing never crashes; accepted ones reprint faithfully and every output rule renders")
    func mutatedRecordedAnswers() throws {
        try #require(Self.recordedBodies.count >= 100, "the recordings are needed: Tests/Recordings")
        #expect(Self.rules.allSatisfy(Self.listed))
        let requested = InstanceKey(hostname: "db1", port: 3306)
        var accepted = 0
        let failure = Fuzz.check("mutated-answers", cases: 3_000, generate: { generator -> [UInt8] in
            Self.mutate(Fuzz.pick(Self.recordedBodies, &generator), &generator)
        }, shrink: { Fuzz.shrinkArray($0) }, describe: { Fuzz.show($0) }) { bytes in
            guard let value = try? JSONParser.parse(bytes) else { return nil }
            accepted += 1
            let pretty = JSONPrinter.render(value, style: .pretty)
            guard (try? JSONParser.parse(pretty)) == value else { return "the pretty reprint reads back differently" }
            return Self.renderProblem(value, requested: requested)
        }
        #expect(failure == nil, Comment(rawValue: failure ?? ""))
        #expect(Fuzz.onlyCase != nil || accepted > 100, "only \(accepted) mutated answers still parsed")
    }

    /// Renders `value` with every rule; what went wrong, or `nil`.
    static func renderProblem(_ value: JSONValue, requested: InstanceKey?) -> String? {
        for rule in rules {
            do throws(OrchestratorError) {
                let output = try OutputFormatter.render(rule, answer: value, requested: requested)
                // Compared as bytes: "\r" + "\n" is one Character, so hasSuffix("\n") would not see the newline.
                if !output.isEmpty && output.utf8.last != 0x0A { return "\(rule): output without a final newline" }
            } catch {
                guard case .answeredNo = error, case .yesNo = rule else { return "\(rule) threw \(error)" }
            }
        }
        return nil
    }

    @Test("unmutated recorded answers render with every rule")
    func recordedAnswersRender() throws {
        var parsed = 0
        for body in Self.recordedBodies {
            guard let value = try? JSONParser.parse(body) else { continue }
            parsed += 1
            let problem = Self.renderProblem(value, requested: nil)
            #expect(problem == nil, Comment(rawValue: problem ?? ""))
        }
        #expect(parsed >= 100)
    }
}
