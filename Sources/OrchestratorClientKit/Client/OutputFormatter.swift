/// Produces the text the bash client prints for an answer, rule by rule (see ``OutputRule``).
///
/// Works on the answer in place (``JSONNode``) and writes as it goes, so that a list of 100,000 instances costs
/// its bytes and not a tree of them. Every line ends in `\n`; an empty result prints nothing. The answer's shape
/// has been checked before (``AnswerShape``); here, what is missing prints as the bash client printed it.
package enum OutputFormatter {
    /// The stdout text of `rule` for `answer`; `requested` is the instance the command was given, if any.
    /// Throws ``OrchestratorError/answeredNo`` for a "no" to a yes/no question.
    package static func render(_ rule: OutputRule, answer: JSONValue, requested: InstanceKey?) throws(OrchestratorError) -> String {
        guard let document = try? JSONDocument(Array(JSONPrinter.render(answer, style: .inline).utf8)) else { return "" }
        let sink = TextSink()
        try write(rule, answer: document.root, requested: requested, to: sink)
        return sink.text
    }

    /// Writes the stdout text of `rule` for `answer` to `sink`.
    package static func write(_ rule: OutputRule, answer: JSONNode, requested: InstanceKey?, to sink: ByteSink) throws(OrchestratorError) {
        func line(_ text: String) { sink.write(text); sink.write("\n") }
        // `rawText`, written as it is decoded: a long name is not copied whole.
        func raw(_ node: JSONNode?) { if let node, !node.isNull { JSONStreamPrinter.write(node, style: .raw, to: sink) } }
        func printed(_ node: JSONNode?, _ style: JSONPrinter.Style) {
            if let node { JSONStreamPrinter.write(node, style: style, to: sink) } else { sink.write("null") }
            sink.write("\n")
        }
        switch rule {
        case .nothing:
            break
        case .key(let part):
            line(keyText(select(part, answer)))
        case .instanceKey(let part):
            line(keyText(select(part, answer)?["Key"]))
        case .masterKey(let part):
            line(keyText(select(part, answer)?["MasterKey"]))
        case .keys(let part):
            try select(part, answer)?.forEachElement { line(keyText($0)) }
        case let .instanceKeys(part, filter):
            try select(part, answer)?.forEachElement { instance in
                if matches(instance, filter) { line(keyText(instance["Key"])) }
            }
        case .raw(let part, _):
            printed(select(part, answer), .raw)
        case .lines(let part):
            try select(part, answer)?.forEachElement { printed($0, .raw) }
        case .inline(let part, _):
            printed(select(part, answer), .inline)
        case let .field(name, part, _):
            printed(select(part, answer)?[name], .raw)
        case .relocation:
            let details = answer["Details"]
            line(keyText(details?["Key"]) + "<" + keyText(details?["MasterKey"]))
        case .successor:
            line(keyText(answer["Details"]?["SuccessorKey"]))
        case .replicationAnalysis:
            try answer["Details"]?.forEachElement { line(analysisLine($0)) }
        case .dominantDataCenter:
            if let center = dominantDataCenter(answer) { line(center) }
        case .keyValuePairs:
            try answer["Details"]?.forEachElement { pair in line(rawText(pair["Key"]) + ":" + rawText(pair["Value"])) }
        case .clusterNames:
            try answer.forEachElement { raw($0["ClusterName"]); sink.write("\n") }
        case .clusterAliases:
            try answer.forEachElement { raw($0["ClusterName"]); sink.write(","); raw($0["ClusterAlias"]); sink.write("\n") }
        case .replicationState(let running):
            let wanted = running ? "1" : "0"
            if answer["ReplicationSQLThreadState"]?.numberText == wanted, answer["ReplicationIOThreadState"]?.numberText == wanted {
                line(keyText(answer["Key"]))
            }
        case .yesNo:
            guard saysYes(answer["Message"]?.stringValue) else { throw OrchestratorError.answeredNo }
            line(keyText(answer["Details"]))
        case .requestedInstance:
            if let requested { line(requested.description) }
        }
    }

    static func select(_ part: AnswerPart, _ answer: JSONNode) -> JSONNode? {
        switch part {
        case .response: return answer
        case .details: return answer["Details"]
        }
    }

    /// `Hostname:Port` as the bash client's `print_key` builds it.
    static func keyText(_ value: JSONNode?) -> String {
        rawText(value?["Hostname"]) + ":" + rawText(value?["Port"])
    }

    /// A value as `jq -r` prints it inside a string concatenation.
    static func rawText(_ value: JSONNode?) -> String {
        guard let value, !value.isNull else { return "" }
        if let text = value.stringValue { return text }
        let sink = TextSink()
        JSONStreamPrinter.write(value, style: .raw, to: sink)
        return sink.text
    }

    static func matches(_ instance: JSONNode, _ filter: InstanceFilter?) -> Bool {
        switch filter {
        case nil:
            return true
        case .broken?:
            let stopped = instance["ReplicationSQLThreadRuning"]?.boolValue == false || instance["ReplicationIOThreadRuning"]?.boolValue == false
            let failed = rawText(instance["LastSQLError"]) != "" || rawText(instance["LastIOError"]) != ""
            return stopped && failed
        case .running?:
            return instance["ReplicationSQLThreadRuning"]?.boolValue == true && instance["ReplicationIOThreadRuning"]?.boolValue == true
        }
    }

    static func analysisLine(_ entry: JSONNode) -> String {
        let key = entry["AnalyzedInstanceKey"]
        let prefix = keyText(key) + " (cluster " + rawText(entry["ClusterDetails"]?["ClusterName"]) + "): "
        if entry["Analysis"]?.stringValue == "NoProblem" {
            var first: JSONNode?
            try? entry["StructureAnalysis"]?.forEachElement { element in if first == nil { first = element } }
            return prefix + rawText(first)
        }
        return prefix + rawText(entry["Analysis"])
    }

    /// The most frequent `DataCenter`; ties go to the name that sorts last, as `sort | uniq -c | sort -nr` does.
    static func dominantDataCenter(_ masters: JSONNode) -> String? {
        var counts: [String: Int] = [:]
        try? masters.forEachElement { master in counts[rawText(master["DataCenter"]), default: 0] += 1 }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }

    /// Whether a yes/no answer (`can-replicate-from`) says yes. Only the answer itself counts: a Percona server's
    /// identity prefix (`Orchestrator truenas says: false`) may hold the word too.
    package static func saysYes(_ message: String?) -> Bool {
        guard let message else { return false }
        return ServerMessage.withoutIdentity(message).contains("true")
    }
}

/// Text collected in memory, for the formatter's pieces that are strings.
final class TextSink: ByteSink {
    private var bytes: [UInt8] = []

    func write(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes.append(contentsOf: bytes) }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
