import OrchestratorClientKit

/// Produces the text the bash client prints for an answer, rule by rule (see ``OutputRule``).
///
/// Every line ends in `\n`; an empty result prints nothing.
package enum OutputFormatter {
    /// The stdout text of `rule` for `answer`; `requested` is the instance the command was given, if any.
    /// Throws ``OrchestratorError/answeredNo`` for a "no" to a yes/no question.
    package static func render(_ rule: OutputRule, answer: JSONValue, requested: InstanceKey?) throws(OrchestratorError) -> String {
        var lines: [String] = []
        switch rule {
        case .nothing:
            break
        case .key(let part):
            lines.append(keyText(select(part, answer)))
        case .instanceKey(let part):
            lines.append(keyText(select(part, answer)?["Key"]))
        case .masterKey(let part):
            lines.append(keyText(select(part, answer)?["MasterKey"]))
        case .keys(let part):
            lines += (select(part, answer)?.arrayValue ?? []).map { keyText($0) }
        case let .instanceKeys(part, filter):
            let instances = (select(part, answer)?.arrayValue ?? []).filter { matches($0, filter) }
            lines += instances.map { keyText($0["Key"]) }
        case .raw(let part):
            lines.append(JSONPrinter.render(select(part, answer) ?? .null, style: .raw))
        case .lines(let part):
            lines += (select(part, answer)?.arrayValue ?? []).map { JSONPrinter.render($0, style: .raw) }
        case .inline(let part):
            lines.append(JSONPrinter.render(select(part, answer) ?? .null, style: .inline))
        case let .field(name, part):
            lines.append(JSONPrinter.render(select(part, answer)?[name] ?? .null, style: .raw))
        case .relocation:
            let details = answer["Details"]
            lines.append(keyText(details?["Key"]) + "<" + keyText(details?["MasterKey"]))
        case .successor:
            lines.append(keyText(answer["Details"]?["SuccessorKey"]))
        case .replicationAnalysis:
            lines += (answer["Details"]?.arrayValue ?? []).map(analysisLine)
        case .dominantDataCenter:
            if let center = dominantDataCenter(answer.arrayValue ?? []) { lines.append(center) }
        case .keyValuePairs:
            lines += (answer["Details"]?.arrayValue ?? []).map { pair in
                rawText(pair["Key"]) + ":" + rawText(pair["Value"])
            }
        case .clusterNames:
            lines += (answer.arrayValue ?? []).map { rawText($0["ClusterName"]) }
        case .clusterAliases:
            lines += (answer.arrayValue ?? []).map { rawText($0["ClusterName"]) + "," + rawText($0["ClusterAlias"]) }
        case .replicationState(let running):
            let wanted = running ? "1" : "0"
            if answer["ReplicationSQLThreadState"] == .number(wanted), answer["ReplicationIOThreadState"] == .number(wanted) {
                lines.append(keyText(answer["Key"]))
            }
        case .yesNo:
            // Only the answer itself counts: a Percona server's identity prefix (`Orchestrator truenas says: false`)
            // may hold the word too.
            guard let message = answer["Message"]?.stringValue, ServerMessage.withoutIdentity(message).contains("true") else {
                throw OrchestratorError.answeredNo
            }
            lines.append(keyText(answer["Details"]))
        case .requestedInstance:
            if let requested { lines.append(requested.description) }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    static func select(_ part: AnswerPart, _ answer: JSONValue) -> JSONValue? {
        switch part {
        case .response: return answer
        case .details: return answer["Details"]
        }
    }

    /// `Hostname:Port` as the bash client's `print_key` builds it.
    static func keyText(_ value: JSONValue?) -> String {
        rawText(value?["Hostname"]) + ":" + rawText(value?["Port"])
    }

    /// A value as `jq -r` prints it inside a string concatenation.
    static func rawText(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case nil, .null?: return ""
        case let other?: return JSONPrinter.render(other, style: .raw)
        }
    }

    static func matches(_ instance: JSONValue, _ filter: InstanceFilter?) -> Bool {
        switch filter {
        case nil:
            return true
        case .broken?:
            let stopped = instance["ReplicationSQLThreadRuning"] == .bool(false) || instance["ReplicationIOThreadRuning"] == .bool(false)
            let failed = rawText(instance["LastSQLError"]) != "" || rawText(instance["LastIOError"]) != ""
            return stopped && failed
        case .running?:
            return instance["ReplicationSQLThreadRuning"] == .bool(true) && instance["ReplicationIOThreadRuning"] == .bool(true)
        }
    }

    static func analysisLine(_ entry: JSONValue) -> String {
        let key = entry["AnalyzedInstanceKey"]
        let prefix = keyText(key) + " (cluster " + rawText(entry["ClusterDetails"]?["ClusterName"]) + "): "
        if entry["Analysis"]?.stringValue == "NoProblem" {
            return prefix + rawText(entry["StructureAnalysis"]?.arrayValue?.first)
        }
        return prefix + rawText(entry["Analysis"])
    }

    /// The most frequent `DataCenter`; ties go to the name that sorts last, as `sort | uniq -c | sort -nr` does.
    static func dominantDataCenter(_ masters: [JSONValue]) -> String? {
        var counts: [String: Int] = [:]
        for master in masters { counts[rawText(master["DataCenter"]), default: 0] += 1 }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }
}
