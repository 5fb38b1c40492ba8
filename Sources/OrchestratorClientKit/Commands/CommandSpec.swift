/// What a group of commands touches; help and the man page list commands by group.
package enum CommandGroup: String, Sendable, CaseIterable {
    case discovery = "Discovery"
    case topology = "Topology views"
    case relocation = "Relocation"
    case replication = "Replication control"
    case recovery = "Recovery and takeover"
    case downtime = "Downtime and maintenance"
    case tags = "Tags and pools"
    case raft = "Raft"
    case meta = "Meta"
}

/// Where a value of the answer is taken from.
package enum AnswerPart: Sendable {
    /// The whole answer.
    case response
    /// The answer's `Details` member.
    case details
}

/// Which instances of a list to keep.
package enum InstanceFilter: Sendable {
    /// Replication stopped with an error (`which-broken-replicas`).
    case broken
    /// Both replication threads running (`which-cluster-osc-running-replicas`).
    case running
}

/// How standard output is produced from an answer; each rule reproduces one of the bash client's outputs.
package enum OutputRule: Sendable {
    /// Nothing.
    case nothing
    /// `host:port` of the selected instance key object.
    case key(AnswerPart)
    /// `host:port` of the selected instance's `Key`.
    case instanceKey(AnswerPart)
    /// `host:port` of the selected instance's `MasterKey`.
    case masterKey(AnswerPart)
    /// One `host:port` per element of the selected list of keys.
    case keys(AnswerPart)
    /// One `host:port` per element (its `Key`) of the selected list of instances, optionally filtered.
    case instanceKeys(AnswerPart, InstanceFilter?)
    /// The selected value, of the shape given, as `jq -r .` prints it.
    case raw(AnswerPart, ValueShape)
    /// Each element (a non-empty string) of the selected list as `jq -r '.[]'` prints it.
    case lines(AnswerPart)
    /// The selected value, of the shape given, on one line, as the bash client's `echo $value` prints it.
    case inline(AnswerPart, ValueShape)
    /// A member, of the shape given, of the selected object as `jq -r .Name` prints it.
    case field(String, AnswerPart, ValueShape)
    /// `instance<master` from `Details`.
    case relocation
    /// `Details.SuccessorKey` of a takeover or failover.
    case successor
    /// `host:port (cluster NAME): Analysis` per entry of `Details`.
    case replicationAnalysis
    /// The data center holding most masters.
    case dominantDataCenter
    /// `Key:Value` per element of `Details`.
    case keyValuePairs
    /// `ClusterName` of each cluster.
    case clusterNames
    /// `ClusterName,ClusterAlias` of each cluster.
    case clusterAliases
    /// The instance key when both replication threads are running (`true`) / stopped (`false`); else nothing.
    case replicationState(running: Bool)
    /// The destination when `Message` says `true`; otherwise the answer is no (``OrchestratorError/Code/answeredNo``).
    case yesNo
    /// The instance the command was given (`async-discover`, whose answer carries none).
    case requestedInstance
}

/// A check made before the command's request.
package enum Precheck: Sendable {
    /// `raft-state` must answer `Leader`, as the bash client confirms before raft commands.
    case raftLeader
}

/// How a command is carried out.
package enum CommandKind: Sendable, ExpressibleByStringLiteral {
    /// A GET of the API route the template renders (written in the table as a string, e.g. `discover/{instance}`).
    case route(RouteTemplate)
    /// A GET of any API path given (the `api` command's path input); the answer is printed as JSON.
    case rawAPI
    /// Prints the endpoint in use; sends only leader probes.
    case whichAPI
    /// Help, answered locally.
    case help
    /// Probes every configured endpoint at once (leader checks, raft state and health, status) and reports on
    /// each; see ``OrchestratorClient/endpointReport()``. Sends no change.
    case endpointReport

    package init(stringLiteral route: String) {
        self = .route(RouteTemplate(route))
    }

    /// The route template, for `.route` commands.
    package var template: RouteTemplate? {
        if case .route(let template) = self { return template }
        return nil
    }
}

/// One row of the command table: everything parsing, validation, dispatch, help, completions and the man page
/// need to know about a command.
package struct CommandSpec: Sendable {
    /// The command's identity; its raw value is the name, e.g. `discover`.
    package let id: CommandID
    /// Other names it answers to (besides the automatic `slave` ↔ `replica` synonyms).
    package let aliases: [String]
    /// What it touches.
    package let group: CommandGroup
    /// One line of help.
    package let summary: String
    /// How it is carried out: an API route, or answered locally.
    package let kind: CommandKind
    /// How stdout is produced.
    package let output: OutputRule
    /// Whether the command changes anything; decides retries.
    package let safety: RequestSafety
    /// A check made first, if any.
    package let precheck: Precheck?
    /// Whether a missing instance input defaults to this host (commands a host runs about itself, and read-only queries).
    package let defaultsToThisHost: Bool
    /// The servers that have the command's route, when not every server does (`nil`: openark 3.2.6 and Percona).
    package let requires: ServerRequirement?

    init(_ id: CommandID, _ group: CommandGroup, _ kind: CommandKind, _ output: OutputRule, _ safety: RequestSafety,
         aliases: [String] = [], precheck: Precheck? = nil, thisHost: Bool = false, requires: ServerRequirement? = nil,
         _ summary: String) {
        self.id = id
        self.aliases = aliases
        self.group = group
        self.summary = summary
        self.kind = kind
        self.output = output
        self.safety = safety
        self.precheck = precheck
        self.defaultsToThisHost = thisHost
        self.requires = requires
    }

    /// The command's name, e.g. `discover`.
    package var name: String { id.rawValue }

    /// The API route template, e.g. `discover/{instance}`; `nil` for commands answered locally.
    package var template: RouteTemplate? { kind.template }

    /// The route as written in the table; `nil` for commands answered locally.
    package var route: String? { template?.text }

    /// All names this command answers to, including `slave` spellings (`which-slaves`, `stop-slave`); only the
    /// words `replica`/`replicas` have one, so `replication-analysis` has none.
    package var allNames: [String] {
        var names = [name] + aliases
        for existing in names {
            let words = existing.split(separator: "-").map { word -> String in
                word == "replica" ? "slave" : word == "replicas" ? "slaves" : String(word)
            }
            let synonym = words.joined(separator: "-")
            if synonym != existing { names.append(synonym) }
        }
        return names
    }
}
