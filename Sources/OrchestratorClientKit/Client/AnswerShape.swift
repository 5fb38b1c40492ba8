/// What each output rule needs the answer to hold, checked before anything is printed: a `2xx` answer of `{}`,
/// `null`, a bare string, a port of `3306.5` or a tree of `null` where the command prints an instance or a tree is
/// not success, whatever the status says. One table (``shape(of:for:)``), one check (``ValueShape``), for the
/// command line and the library alike.
///
/// The shapes accept every answer recorded from orchestrator 3.2.6 (Tests/Recordings) and refuse what would print
/// `:`, `null` or a value that is not what the rule says. Lists may be `null`: Go encodes an empty list that was
/// never allocated as `null`, and an empty list prints nothing, as the bash client's did.
package enum AnswerShape {
    /// `nil` when `answer` fits `rule`; otherwise the words that follow "answered HTTP 200 ": what came and what
    /// was expected.
    package static func problem(_ rule: OutputRule, _ answer: JSONNode) -> String? {
        guard let mismatch = shape(of: rule, for: answer).mismatch(answer, at: "") else { return nil }
        let what = mismatch.found.map(describe)
        let came = switch (mismatch.place.isEmpty, what) {
        case (true, let what?): what
        case (true, nil): "nothing"
        case (false, let what?): "\(mismatch.place) \(what)"
        case (false, nil): "no \(mismatch.place)"
        }
        return "with \(came), where \(mismatch.expected) was expected"
    }

    /// The shape of the whole answer that `rule` prints from: the one table of shapes.
    static func shape(of rule: OutputRule, for answer: JSONNode) -> ValueShape {
        switch rule {
        case .nothing, .requestedInstance:
            return .envelope([])
        case .key(let part):
            return select(part, .instanceKey)
        case .instanceKey(let part):
            return select(part, instance)
        case .masterKey(let part):
            return select(part, .object("an instance with a Key and a MasterKey",
                                        [("Key", .instanceKey), ("MasterKey", .masterKey)]))
        case .keys(let part):
            return select(part, .list("a list of instance keys", .instanceKey))
        case let .instanceKeys(part, filter):
            // move-replicas-gtid answers the destination's key in Details, not the replicas moved.
            if part == .details, ValueShape.instanceKey.mismatch(answer["Details"], at: "") == nil {
                return .envelope([("Details", .instanceKey)])
            }
            return select(part, .list("a list of instances", filtered(filter)))
        case let .raw(part, shape), let .inline(part, shape):
            return select(part, shape)
        case .lines(let part):
            return select(part, .list("a list of strings", .nonEmptyText))
        case let .field(name, part, shape):
            return select(part, .object("an object with a \(name)", [(name, shape)]))
        case .relocation:
            return .envelope([("Details", .object("the instance moved (with a Key and a MasterKey)",
                                                  [("Key", .instanceKey), ("MasterKey", .masterKey)]))])
        case .successor:
            return .envelope([("Details", .object("a recovery with a SuccessorKey", [("SuccessorKey", .instanceKey)]))])
        case .replicationAnalysis:
            return .envelope([("Details", .list("a list of analysis entries", .analysisEntry))])
        case .keyValuePairs:
            return .envelope([("Details", .list("a list of Key/Value pairs",
                                                .object("a Key/Value pair", [("Key", .nonEmptyText), ("Value", .text)])))])
        case .dominantDataCenter:
            return .list("a list of masters",
                         .object("a master with a DataCenter", [("Key", .instanceKey), ("DataCenter", .text)]))
        case .clusterNames:
            return .list("a list of clusters", .object("a cluster with a ClusterName", [("ClusterName", .nonEmptyText)]))
        case .clusterAliases:
            return .list("a list of clusters", .object("a cluster with a ClusterName and a ClusterAlias",
                                                        [("ClusterName", .nonEmptyText), ("ClusterAlias", .text)]))
        case .replicationState:
            return .object("an instance with a Key and its replication threads' states", [
                ("Key", .instanceKey), ("ReplicationSQLThreadState", .integer), ("ReplicationIOThreadState", .integer),
            ])
        case .yesNo:
            // A yes prints the destination, which must be there; a no prints nothing.
            let message = answer["Message"]
            let yes = OutputFormatter.saysYes(message?.stringValue)
            return .envelope([("Message", .text), ("Details", yes ? .instanceKey : .anything)])
        }
    }

    /// An instance: an object whose `Key` is an instance key.
    static let instance = ValueShape.object("an instance (an object with a Key)", [("Key", .instanceKey)])

    /// An instance with what `filter` judges it by.
    static func filtered(_ filter: InstanceFilter?) -> ValueShape {
        switch filter {
        case nil:
            return instance
        case .running?:
            return .object("an instance with a Key and its replication threads' states", [
                ("Key", .instanceKey), ("ReplicationSQLThreadRuning", .boolean), ("ReplicationIOThreadRuning", .boolean),
            ])
        case .broken?:
            return .object("an instance with a Key, its replication threads' states and errors", [
                ("Key", .instanceKey), ("ReplicationSQLThreadRuning", .boolean), ("ReplicationIOThreadRuning", .boolean),
                ("LastSQLError", .text), ("LastIOError", .text),
            ])
        }
    }

    /// `shape` as the answer itself, or as its `Details` in orchestrator's envelope.
    static func select(_ part: AnswerPart, _ shape: ValueShape) -> ValueShape {
        part == .response ? shape : .envelope([("Details", shape)])
    }

    /// A short, terminal-safe description of a value: its text when short, else its type.
    static func describe(_ node: JSONNode) -> String {
        if node.byteCount <= 60 {
            return OrchestratorError.shown(String(decoding: node.bytes[node.start..<node.end], as: UTF8.self))
        }
        switch node.kind {
        case .object:
            let start = String(decoding: node.bytes[node.start..<(node.start + 50)], as: UTF8.self)
            return "an object (\(OrchestratorError.shown(start))…)"
        case .array: return "an array"
        case .string: return "a string"
        default: return node.typeName
        }
    }
}
