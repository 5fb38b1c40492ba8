import Testing
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// One duration parser (unit first, then the bound); repeated JSON names as jq reads them.
@Suite("Durations and repeated JSON names")
struct DurationAndJSONTests {
    @Test("timeouts: any unit up to a day; the bound is on the value meant", arguments: [
        ("1h", 3_600_000), ("23h", 82_800_000), ("1d", 86_400_000), ("61m", 3_660_000), ("3601", 3_601_000),
        ("1.5", 1_500), ("500ms", 500), ("86400", 86_400_000), ("1440m", 86_400_000),
    ])
    func accepted(_ text: String, _ milliseconds: Int) throws {
        #expect(try Timeouts.parseMilliseconds(text, source: "--timeout") == milliseconds)
    }

    @Test("over a day, no number, no known unit or not positive: refused, saying which", arguments: [
        ("86400m", "longer than the limit of 1d"), ("2d", "longer than the limit"), ("86401", "longer than the limit"),
        ("25h", "longer than the limit"), ("0", "not a positive duration"), ("h", "no number"), ("5x", "not a duration"),
        ("1.5.2", "not a duration"), ("-1s", "not a duration"), ("1e3", "not a duration"),
    ])
    func refused(_ text: String, _ problem: String) {
        do {
            _ = try Timeouts.parseMilliseconds(text, source: "--timeout")
            Issue.record("\(text) accepted")
        } catch {
            #expect(error.message.contains(problem), "\(text): \(error.message)")
        }
    }

    @Test("every duration flag reads durations the same way: --jitter and -u too")
    func everyFlag() throws {
        #expect(try CommandLineTool.jitterMilliseconds("10m") == 600_000)
        #expect(try CommandLineTool.jitterMilliseconds("600") == 600_000)
        #expect(try CommandLineTool.jitterMilliseconds("0") == 0)
        #expect(throws: OrchestratorError.self) { try CommandLineTool.jitterMilliseconds("2d") }
        #expect(try ValueRules.duration("1d") == "1d")
        #expect(try ValueRules.duration("2w") == "2w")
        #expect(throws: OrchestratorError.self) { try ValueRules.duration("1h30m") }
        #expect(throws: OrchestratorError.self) { try ValueRules.duration("5") }
        let environment = ClientEnvironment(variables: ["ORCHESTRATOR_LEADER_TIMEOUT": "1h"])
        let configuration = try ClientConfiguration.resolve(environment, overrides: ConfigurationOverrides(timeout: "1d", connectTimeout: "2m"))
        #expect(configuration.timeouts == Timeouts(connectMilliseconds: 120_000, leaderProbeMilliseconds: 3_600_000, totalMilliseconds: 86_400_000))
    }

    @Test("a name repeated in an object: the last value, where the name first occurred (jq)")
    func repeatedNames() throws {
        let text = #"{"a":1,"b":{"x":1,"x":[2]},"a":3}"#
        let tree = try JSONParser.parse(text)
        #expect(tree == .object([("a", .number("3")), ("b", .object([("x", .array([.number("2")]))]))]))
        let document = try JSONDocument(Array(text.utf8))
        #expect(document.root["a"]?.numberText == "3")
        #expect(document.root["b"]?["x"]?.kind == .array)
        #expect(document.root.members.map(\.key) == ["a", "b"])
        let sink = MemorySink()
        JSONStreamPrinter.write(document.root, style: .inline, to: sink)
        #expect(sink.text == #"{ "a": 3, "b": { "x": [ 2 ] } }"#)
        // Objects large enough for the position table merge the same way.
        let many = "{" + (0..<40).map { "\"k\($0 % 20)\":\($0)" }.joined(separator: ",") + "}"
        let merged = try JSONParser.parse(many)
        guard case .object(let members) = merged else { Issue.record("not an object"); return }
        #expect(members.count == 20)
        #expect(members.first?.key == "k0" && members.first?.value == .number("20"))
    }

    @Test("a long string decoded in pieces is the string decoded whole: characters, escapes and invalid UTF-8 across piece ends")
    func stringPieces() throws {
        // Every kind of sequence the decoder repairs or joins, placed across a piece's end at each offset.
        let tail: [UInt8] = Array("é€😀".utf8) + [0xE2, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0xF0, 0x9F, 0x41]
            + Array(#"\n\u00e9\ud83d\ude00\ud800\"\u007f"#.utf8) + Array("😀".utf8) + [0xC3]
        for offset in 0..<12 {
            let body = [UInt8(ascii: "\"")] + Array(repeating: UInt8(ascii: "a"), count: JSONScan.pieceSize - offset) + tail
                + Array(repeating: UInt8(ascii: "b"), count: JSONScan.pieceSize) + tail + [UInt8(ascii: "\"")]
            let node = try JSONDocument(body).root
            let whole = try #require(node.stringValue)
            var pieces: [String] = []
            node.forEachTextPiece { pieces.append($0) }
            let joined = pieces.joined() == whole
            #expect(joined, "offset \(offset): the pieces joined differ from the whole text")
            // Bounded: a byte of invalid UTF-8 becomes U+FFFD, 3 bytes.
            #expect(pieces.count > 1 && pieces.allSatisfy { $0.utf8.count <= 3 * JSONScan.pieceSize })
            let printed = MemorySink()
            JSONStreamPrinter.write(node, style: .pretty, to: printed)
            let same = printed.text == JSONPrinter.render(.string(whole), style: .pretty)
            #expect(same, "offset \(offset): printed in pieces differs from printed whole")
            let raw = MemorySink()
            JSONStreamPrinter.write(node, style: .raw, to: raw)
            let sameRaw = raw.text == whole
            #expect(sameRaw, "offset \(offset): raw output differs from the text")
            let failure = APIFailure(endpoint: "e", status: 500, message: node, otherwise: "", details: nil, answer: nil)
            let sameMessage = failure.message == whole
            #expect(sameMessage, "offset \(offset)")
            #expect(failure.shownMessage(limit: 70_000) == OrchestratorError.shown(whole, limit: 70_000))
            #expect(node.holdsNonEmptyText)
        }
        #expect(try JSONDocument(Array(#"" \t\u2003""#.utf8)).root.holdsNonEmptyText == false)
        #expect(try JSONDocument(Array(#"" \u0301""#.utf8)).root.holdsNonEmptyText == !ValueSource.isEmptyValue(" \u{301}"))
    }
}
