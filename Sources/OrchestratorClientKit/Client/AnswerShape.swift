/// What each output rule needs the answer to hold, checked before anything is printed: a `2xx` answer of `{}`,
/// `null`, a bare string or a list where an instance is due is not success, whatever the status says.
///
/// The rules accept every answer recorded from orchestrator 3.2.6 (Tests/Recordings) and refuse what would print
/// `:` or `null`. Lists may be `null`: Go encodes an empty list that was never allocated as `null`.
package enum AnswerShape {
    /// `nil` when `answer` fits `rule`; otherwise the words that follow "answered HTTP 200 ": what came and what
    /// was expected.
    package static func problem(_ rule: OutputRule, _ answer: JSONNode) -> String? {
        var details: JSONNode? { answer["Details"] }
        func selected(_ part: AnswerPart) -> JSONNode? { part == .response ? answer : details }
        // Every rule that reads Details reads it from orchestrator's envelope.
        let readsDetails: Bool
        switch rule {
        case .key(let part), .instanceKey(let part), .masterKey(let part), .keys(let part), .instanceKeys(let part, _),
             .raw(let part), .lines(let part), .inline(let part), .field(_, let part):
            readsDetails = part == .details
        case .nothing, .relocation, .successor, .replicationAnalysis, .keyValuePairs, .yesNo, .requestedInstance:
            readsDetails = true
        case .dominantDataCenter, .clusterNames, .clusterAliases, .replicationState:
            readsDetails = false
        }
        if readsDetails, answer["Code"]?.stringValue != "OK" {
            return mismatch(answer, "orchestrator's answer {\"Code\": \"OK\", \"Message\": …, \"Details\": …}")
        }
        switch rule {
        case .nothing, .requestedInstance, .inline:
            return nil
        case .raw(let part):
            return part == .response && answer.kind != .string ? mismatch(answer, "a string") : nil
        case .key(let part):
            return isKey(selected(part)) ? nil : mismatch(selected(part), part, "an instance key (a non-empty Hostname and a Port)")
        case .instanceKey(let part):
            let value = selected(part)
            return isInstance(value) ? nil : mismatch(value, part, "an instance (an object with a non-empty Key)")
        case .replicationState:
            return isInstance(answer) ? nil : mismatch(answer, "an instance (an object with a non-empty Key)")
        case .masterKey(let part):
            let value = selected(part)
            guard isInstance(value), let master = value?["MasterKey"], master.kind == .object,
                  master["Hostname"]?.kind == .string, master["Port"]?.kind == .number else {
                return mismatch(value, part, "an instance with a Key and a MasterKey")
            }
            return nil
        case .keys(let part):
            return list(selected(part), part, "a list of instance keys", isKey)
        case .instanceKeys(let part, _):
            // move-replicas-gtid answers the destination's key in Details, not the replicas moved.
            if part == .details, isKey(details) { return nil }
            return list(selected(part), part, "a list of instances", isInstance)
        case .lines(let part):
            return list(selected(part), part, "a list", { _ in true })
        case let .field(name, part):
            let value = selected(part)
            return value?[name]?.kind == .string ? nil : mismatch(value, part, "an object with a string \(name)")
        case .relocation:
            return isInstance(details) ? nil : mismatch(details, .details, "the instance moved (an object with a non-empty Key)")
        case .successor:
            return isKey(details?["SuccessorKey"]) ? nil : mismatch(details, .details, "a recovery with a SuccessorKey")
        case .replicationAnalysis:
            return list(details, .details, "a list of analysis entries", { $0?.kind == .object })
        case .keyValuePairs:
            return list(details, .details, "a list of Key/Value pairs", { $0?.kind == .object })
        case .dominantDataCenter:
            return list(answer, .response, "a list of instances", { $0?.kind == .object })
        case .clusterNames, .clusterAliases:
            return list(answer, .response, "a list of clusters", { $0?["ClusterName"]?.kind == .string })
        case .yesNo:
            return answer["Message"]?.kind == .string ? nil : mismatch(answer, "an answer with a Message")
        }
    }

    /// An instance key: `{"Hostname": "db1", "Port": 3306}` with a non-empty host name.
    static func isKey(_ node: JSONNode?) -> Bool {
        guard let node, node.kind == .object, let host = node["Hostname"]?.stringValue, !ValueSource.isEmptyValue(host) else { return false }
        return node["Port"]?.kind == .number
    }

    /// An instance: an object whose `Key` is an instance key.
    static func isInstance(_ node: JSONNode?) -> Bool {
        isKey(node?["Key"])
    }

    /// Checks a list (or `null`, an empty list in Go) element by element.
    static func list(_ node: JSONNode?, _ part: AnswerPart, _ expected: String, _ fits: (JSONNode?) -> Bool) -> String? {
        guard let node, node.kind == .array || node.kind == .null else { return mismatch(node, part, expected) }
        var index = 0
        var bad: JSONNode?
        try? node.forEachElement { element throws(OrchestratorError) in
            if bad == nil, !fits(element) { bad = element }
            if bad == nil { index += 1 }
        }
        guard let bad else { return nil }
        let place = part == .details ? "a Details list" : "a list"
        return "with \(place) whose element \(index) is \(describe(bad)), where \(expected) was expected"
    }

    static func mismatch(_ node: JSONNode?, _ expected: String) -> String {
        mismatch(node, .response, expected)
    }

    static func mismatch(_ node: JSONNode?, _ part: AnswerPart, _ expected: String) -> String {
        let what = node.map(describe) ?? "nothing"
        if part == .details { return "with Details \(what), where \(expected) was expected" }
        return "with \(what), where \(expected) was expected"
    }

    /// A short, terminal-safe description of a value: its text when short, else its type.
    static func describe(_ node: JSONNode) -> String {
        if node.byteCount <= 60 {
            return OrchestratorError.shown(String(decoding: node.bytes[node.start..<node.end], as: UTF8.self))
        }
        switch node.kind {
        case .object: return "an object (\(OrchestratorError.shown(String(decoding: node.bytes[node.start..<(node.start + 50)], as: UTF8.self)))…)"
        case .array: return "an array"
        case .string: return "a string"
        default: return node.typeName
        }
    }
}
