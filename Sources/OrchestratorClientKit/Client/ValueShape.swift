/// The shape of a value an output rule prints or judges, and the one check of a value against it.
///
/// ``AnswerShape`` says which shape each ``OutputRule`` needs; a value that does not have it is never printed, so
/// exit 0 always comes with something true on standard output (or with nothing, for an empty list).
package indirect enum ValueShape: Sendable {
    /// Any value, or none (a member the rule does not read).
    case anything
    /// A string, empty or not (an errant GTID set is empty when there is none).
    case text
    /// A string of at least one character.
    case nonEmptyText
    /// An integer number (a delay in seconds).
    case integer
    /// `true` or `false`.
    case boolean
    /// `{"Hostname": "db1", "Port": 3306}`: a non-empty host name and an integer port from 1 to 65535.
    case instanceKey
    /// An instance key, or `{"Hostname": "", "Port": 0}`: Go's zero key, the master of an instance that has none
    /// (the bash client printed it as `:0`).
    case masterKey
    /// orchestrator's drawing of a replication tree: a line per instance, `host:port` first, the root unmarked
    /// (or co-masters marked at the first level), each replica marked `+ ` or `- ` and indented two spaces per level
    /// below its master.
    case topologyTree
    /// A replication analysis entry: the instance's key, its cluster's name and the analysis; for `NoProblem`,
    /// the structure finding printed instead.
    case analysisEntry
    /// An object with at least these members, each of its shape (the others are not read); `name` says what it is.
    case object(String, [(String, ValueShape)])
    /// A list of values of one shape, or `null` (how Go encodes an empty list it never allocated).
    case list(String, ValueShape)
    /// A list of at least one value, each of one shape (a list printed whole, where `[]` would say nothing).
    case nonEmptyList(String, ValueShape)
    /// orchestrator's answer `{"Code": "OK", "Message": …, "Details": …}` with these members.
    case envelope([(String, ValueShape)])

    /// What the shape is, for "…, where X was expected".
    var expectation: String {
        switch self {
        case .anything: "anything"
        case .text: "a string"
        case .nonEmptyText: "a non-empty string"
        case .integer: "an integer"
        case .boolean: "true or false"
        case .instanceKey: "an instance key (a non-empty Hostname and a Port from 1 to 65535)"
        case .masterKey: "a master's instance key (a non-empty Hostname and a Port from 1 to 65535, or \"\" and 0 for none)"
        case .topologyTree: "a replication tree (a host:port line per instance, each replica indented below its master)"
        case .analysisEntry: "an analysis entry (an AnalyzedInstanceKey, a ClusterDetails.ClusterName and an Analysis)"
        case .object(let name, _), .list(let name, _), .nonEmptyList(let name, _): name
        case .envelope: "orchestrator's answer {\"Code\": \"OK\", \"Message\": …, \"Details\": …}"
        }
    }

    /// Where a value does not have the shape: the value's place in the answer (`Details[3].Key`, empty for the
    /// whole answer), the value (`nil` when missing) and the shape expected there.
    package struct Mismatch {
        package let place: String
        package let found: JSONNode?
        package let expected: String
    }

    /// The first place where `node` (at `place`) departs from the shape; `nil` when it has it.
    func mismatch(_ node: JSONNode?, at place: String) -> Mismatch? {
        // Where the value is not even of the shape's kind, the shape as a whole is what was expected.
        var fits = false
        switch self {
        case .anything:
            return nil
        case .text:
            fits = node?.kind == .string
        case .nonEmptyText:
            fits = node?.holdsNonEmptyText ?? false
        case .integer:
            fits = node.map { Self.isInteger($0) } ?? false
        case .boolean:
            fits = node?.kind == .bool
        case .instanceKey:
            fits = Self.key(node).map { !ValueSource.isEmptyValue($0.host) && (1...65_535).contains($0.port) } ?? false
        case .masterKey:
            fits = Self.key(node).map { ValueSource.isEmptyValue($0.host) ? $0.port == 0 : (1...65_535).contains($0.port) } ?? false
        case .topologyTree:
            fits = node?.stringValue.map(TopologyTree.isTree) ?? false
        case .analysisEntry:
            guard node?.kind == .object else { break }
            return Self.analysisEntryMembers.mismatch(node, at: place) ?? Self.structureFinding(node, at: place)
        case let .object(_, members):
            guard let node, node.kind == .object else { break }
            return Self.members(members, of: node, at: place)
        case let .list(_, element):
            guard let node, node.kind == .array || node.kind == .null else { break }
            return Self.elements(of: node, element, at: place)
        case let .nonEmptyList(_, element):
            guard let node, node.kind == .array, node.elementCount > 0 else { break }
            return Self.elements(of: node, element, at: place)
        case let .envelope(members):
            guard let node, node["Code"]?.stringValue == "OK" else { break }
            return Self.members(members, of: node, at: place)
        }
        return fits ? nil : Mismatch(place: place, found: node, expected: expectation)
    }

    private static func elements(of node: JSONNode, _ element: ValueShape, at place: String) -> Mismatch? {
        var index = 0
        var found: Mismatch?
        try? node.forEachElement { value throws(OrchestratorError) in
            guard found == nil else { return }
            found = element.mismatch(value, at: "\(place)[\(index)]")
            index += 1
        }
        return found
    }

    private static let analysisEntryMembers = ValueShape.object("an analysis entry", [
        ("AnalyzedInstanceKey", .instanceKey),
        ("ClusterDetails", .object("a cluster's details", [("ClusterName", .nonEmptyText)])),
        ("Analysis", .nonEmptyText),
    ])

    /// A `NoProblem` entry is printed with its first structure finding, which must be there.
    private static func structureFinding(_ entry: JSONNode?, at place: String) -> Mismatch? {
        guard let entry, entry["Analysis"]?.stringValue == "NoProblem" else { return nil }
        return ValueShape.nonEmptyList("a non-empty list of structure findings", .nonEmptyText)
            .mismatch(entry["StructureAnalysis"], at: place + ".StructureAnalysis")
    }

    private static func members(_ members: [(String, ValueShape)], of node: JSONNode, at place: String) -> Mismatch? {
        let values = node.members(named: members.map(\.0))
        for ((name, shape), value) in zip(members, values) {
            if let mismatch = shape.mismatch(value, at: place.isEmpty ? name : place + "." + name) { return mismatch }
        }
        return nil
    }

    /// An integer as Go writes one: digits, with a sign when negative; never a fraction or an exponent.
    private static func isInteger(_ node: JSONNode) -> Bool {
        guard let text = node.numberText?.utf8 else { return false }
        let digits = text.first == UInt8(ascii: "-") ? text.dropFirst() : text[...]
        return !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The host and port of `{"Hostname": "…", "Port": N}`, when both are there and the port is a whole number
    /// of at most five digits (`3306.5`, `1e400` or `"3306"` are not).
    private static func key(_ node: JSONNode?) -> (host: String, port: Int)? {
        guard let node, node.kind == .object else { return nil }
        let values = node.members(named: ["Hostname", "Port"])
        // No sign: `-0` is 0, but would be printed as written.
        guard let host = values[0]?.stringValue, let port = values[1], port.kind == .number, isInteger(port),
              port.numberText?.first != "-", port.byteCount <= 5, let number = port.intValue else { return nil }
        return (host, number)
    }
}

/// orchestrator's replication tree (``ValueShape/topologyTree``), as its `ASCIITopology` draws it.
enum TopologyTree {
    static func isTree(_ text: String) -> Bool {
        var previous: Int?
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            var rest = line.dropFirst(indent)
            let depth: Int
            if rest.count >= 2, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"),
               rest.dropFirst().first == UInt8(ascii: " "), indent % 2 == 0 {
                depth = indent / 2 + 1
                rest = rest.dropFirst(2)
            } else {
                guard indent == 0 else { return false }
                depth = 0
            }
            // Only the first line may be the root; each line is at most one level below the one before.
            if let previous {
                guard depth >= 1, depth <= previous + 1 else { return false }
            } else if depth > 1 {
                return false
            }
            guard isKey(rest.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "|") }) else { return false }
            previous = depth
        }
        return previous != nil
    }

    /// `host:port` as Go's `InstanceKey.DisplayString` writes it (an IPv6 host keeps its colons).
    private static func isKey(_ text: Substring.UTF8View) -> Bool {
        guard let colon = text.lastIndex(of: UInt8(ascii: ":")), colon != text.startIndex else { return false }
        let port = text[text.index(after: colon)...]
        guard (1...5).contains(port.count), port.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let number = Int(String(decoding: port, as: UTF8.self)) else { return false }
        return (1...65_535).contains(number)
    }
}

extension JSONNode {
    /// The members called `names` of an object (the last occurrence of each), found in one pass over it.
    func members(named names: [String]) -> [JSONNode?] {
        var found = [JSONNode?](repeating: nil, count: names.count)
        guard kind == .object else { return found }
        let wanted = names.map { Array($0.utf8) }
        _ = bytes.withUnsafeBufferPointer { buffer in
            JSONScan.forEachMember(buffer, start: start) { keyStart, keyEnd, valueStart, valueEnd in
                for (index, name) in wanted.enumerated() where JSONScan.keyEquals(buffer, keyStart, keyEnd, name) {
                    found[index] = JSONNode(bytes: bytes, start: valueStart, end: valueEnd)
                }
                return true
            }
        }
        return found
    }
}
