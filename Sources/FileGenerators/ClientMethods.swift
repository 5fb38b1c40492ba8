import OrchestratorClientKit

/// The typed methods of `OrchestratorClient` for every command that sends a request, generated from
/// ``CommandTable`` (as swift-openapi-generator generates a client from its document): a command added to the
/// table gets its method from `make generate`, and a test fails until the checked-in file is current.
///
/// Commands with a hand-written method (typed results, e.g. `discover(_:) -> Instance`) are listed in
/// ``handWritten``; a command sending the same request as an earlier one (`which-master` and `instance` both GET
/// `instance/{instance}`, they print different parts of the answer) shares that command's method.
package enum ClientMethods {
    /// The folder the generated methods are written to, relative to the repository root; it holds nothing else.
    package static let directory = "Sources/OrchestratorClientKit/Client/Generated"

    /// The method that sends one command's request.
    package struct Method: Sendable, Equatable {
        /// The command.
        package let command: CommandID
        /// The method's Swift name, e.g. `moveBelow(_:sibling:)`.
        package let signature: String
        /// Whether the generator writes it (else it is hand-written in `OrchestratorClient.swift`).
        package let isGenerated: Bool
    }

    /// Commands whose method is written by hand, with its name.
    package static let handWritten: [CommandID: String] = [
        .discover: "discover(_:)", .forget: "forget(_:)", .instance: "instance(_:)", .whichReplicas: "replicas(of:)",
        .allInstances: "allInstances()", .search: "search(_:)", .clusters: "clusters()", .whichCluster: "clusterInfo(_:)",
        .whichClusterInstances: "clusterInstances(_:)", .whichClusterMaster: "master(of:)", .allClustersMasters: "masters()",
        .topology: "topology(_:)", .downtimed: "downtimed(in:)", .replicationAnalysis: "replicationAnalysis()",
        .relocate: "relocate(_:below:)", .gracefulMasterTakeover: "gracefulMasterTakeover(_:designated:)",
        .forceMasterFailover: "forceMasterFailover(_:)", .ackClusterRecoveries: "acknowledgeRecoveries(_:comment:)",
        .beginDowntime: "beginDowntime(_:owner:reason:duration:)", .endDowntime: "endDowntime(_:)",
        .beginMaintenance: "beginMaintenance(_:owner:reason:)", .endMaintenance: "endMaintenance(_:)",
        .registerCandidate: "registerCandidate(_:rule:)", .raftLeader: "raftLeader()", .raftHealth: "raftHealth()",
    ]

    /// Argument labels that read better than the value's name (`moveBelow(_:sibling:)`).
    static let labels: [CommandID: [RouteValue: String]] = [
        .relocateReplicas: [.destination: "below"], .match: [.destination: "below"], .moveBelow: [.destination: "sibling"],
        .moveEquivalent: [.destination: "below"], .moveGTID: [.destination: "below"],
        .moveReplicasGTID: [.destination: "below"], .repoint: [.destination: "onto"],
        .canReplicateFrom: [.destination: "from"], .canReplicateFromGTID: [.destination: "from"],
        .recover: [.destination: "designated"], .gracefulMasterTakeoverAuto: [.destination: "designated"],
        .forceMasterTakeover: [.destination: "designated"], .ackAllRecoveries: [.reason: "comment"],
        .purgeBinaryLogs: [.binlog: "upTo"],
    ]

    /// Summaries that name a command-line flag or exit status, said in the method's terms.
    static let summaries: [CommandID: String] = [
        .restartReplicaStatements: "The statements that apply `query` with replication stopped and restored",
        .delayReplication: "Set a replica's delay (CHANGE MASTER TO MASTER_DELAY) to `seconds`",
        .canReplicateFrom: "Whether the instance can replicate from `destination`: the answer's `Message` is `true`",
        .canReplicateFromGTID: "Whether the instance can replicate from `destination`, assuming GTID",
        .purgeBinaryLogs: "PURGE BINARY LOGS up to the binary log `binlog`",
        .recover: "Recover a failed instance, if orchestrator agrees it failed (`designated`: the preferred new master)",
        .forceMasterTakeover: "Replace the master by its direct replica `designated` now",
        .registerHostnameUnresolve: "Give an instance a virtual (unresolved) host name",
        .submitPoolInstances: "Set the instances of a pool",
        .whichHeuristicClusterPoolInstances: "List a cluster's instances in any pool, or in `pool`",
        .raftElectLeader: "Ask the raft group to elect the node `hostname` as leader",
    ]

    /// Values a method takes without a label when they come first: the method's name says what they are.
    static let unlabelledFirst: Set<RouteValue> = [.instance, .cluster, .pool, .hostname, .search, .tags]

    /// One method per command that sends a request, in table order.
    package static var methods: [Method] {
        var byRequest: [String: Method] = [:]
        var result: [Method] = []
        for spec in CommandTable.all {
            guard let route = spec.route else { continue }
            let request = "\(route) \(spec.safety) \(String(describing: spec.precheck))"
            let method: Method
            if let signature = handWritten[spec.id] {
                method = Method(command: spec.id, signature: signature, isGenerated: false)
            } else if let earlier = byRequest[request] {
                method = Method(command: spec.id, signature: earlier.signature, isGenerated: false)
            } else {
                let labels = parameters(spec).map(\.label)
                method = Method(command: spec.id, signature: "\(name(spec))(\(labels.map { $0 + ":" }.joined()))", isGenerated: true)
            }
            if byRequest[request] == nil { byRequest[request] = method }
            result.append(method)
        }
        return result
    }

    /// A parameter of a generated method.
    struct Parameter {
        let value: RouteValue
        let label: String
        let name: String
        let type: String
        let optional: Bool
        /// The `CommandArgument` case wrapping it.
        let argument: String
    }

    static func name(_ spec: CommandSpec) -> String { String(describing: spec.id) }

    static func parameters(_ spec: CommandSpec) -> [Parameter] {
        let values = spec.template?.values ?? []
        return values.enumerated().map { index, entry in
            let (type, argument) = swiftType(entry.value)
            let name = entry.value.rawValue
            let label = labels[spec.id]?[entry.value] ?? (index == 0 && unlabelledFirst.contains(entry.value) ? "_" : name)
            return Parameter(value: entry.value, label: label, name: name, type: type, optional: !entry.required, argument: argument)
        }
    }

    /// The Swift type of a route value, and the `CommandArgument` case carrying it.
    static func swiftType(_ value: RouteValue) -> (type: String, argument: String) {
        switch value {
        case .instance, .destination: ("InstanceKey", "key")
        case .instances: ("[InstanceKey]", "keys")
        case .cluster: ("ClusterReference", "cluster")
        case .rule: ("PromotionRule", "rule")
        case .duration: ("DowntimeDuration", "duration")
        case .seconds: ("Int", "seconds")
        case .alias, .owner, .reason, .hostname, .binlog, .pool, .tag, .tags, .search, .query: ("String", "text")
        }
    }

    /// The doc comment's first line: the table's summary, said of a method rather than of printed output.
    static func summary(_ spec: CommandSpec) -> String {
        var text = summaries[spec.id] ?? spec.summary
        if text.hasPrefix("Print ") {
            text.removeFirst("Print ".count)
            text = text.prefix(1).uppercased() + text.dropFirst()
        }
        return text + "."
    }

    static func method(_ spec: CommandSpec) -> [String] {
        let parameters = parameters(spec)
        let changes = spec.safety == .changes
        var doc = ["    /// \(summary(spec))", "    ///",
                   "    /// The command line's `\(spec.name)`; " + (changes ? "a change: retried only when it provably never reached a server."
                                                                     : "reads only: retried on a transport failure while time remains.")]
        if spec.precheck != nil { doc.append("    /// Sent only after the endpoint confirms that it is the raft leader.") }
        let declared = parameters.map { parameter in
            let head = parameter.label == parameter.name ? parameter.name : "\(parameter.label) \(parameter.name)"
            return "\(head): \(parameter.type)" + (parameter.optional ? "? = nil" : "")
        }
        let arguments = parameters.map { parameter in
            let value = parameter.optional ? "\(parameter.name).map(CommandArgument.\(parameter.argument))"
                                           : ".\(parameter.argument)(\(parameter.name))"
            return ".\(parameter.value.rawValue): \(value)"
        }
        let call = arguments.isEmpty ? "try await command(.\(name(spec)))"
                                     : "try await command(.\(name(spec)), [\(arguments.joined(separator: ", "))])"
        return doc + (changes ? ["    @discardableResult"] : [])
            + ["    public func \(name(spec))(\(declared.joined(separator: ", "))) async throws(OrchestratorError) -> JSONValue {",
               "        \(call)",
               "    }"]
    }

    /// The generated files, one per command group with generated methods (one file would pass 400 lines),
    /// e.g. `OrchestratorClient+Relocation.swift`.
    static func files() -> [(path: String, contents: String)] {
        let generated = Set(methods.filter(\.isGenerated).map(\.command))
        return CommandGroup.allCases.compactMap { group in
            let specs = CommandTable.all.filter { $0.group == group && generated.contains($0.id) }
            guard !specs.isEmpty else { return nil }
            let name = group.rawValue.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            var lines = [
                "// Generated by `make generate` (the generate-files tool) from the command table: do not edit.",
                "// Each method sends its command's request as the command line does; see `command(_:_:)`.",
                "",
                "/// \(group.rawValue): the commands without a hand-written method.",
                "extension OrchestratorClient {",
            ]
            for (index, spec) in specs.enumerated() { lines += (index == 0 ? [] : [""]) + method(spec) }
            return (path: "\(directory)/OrchestratorClient+\(name).swift", contents: (lines + ["}", ""]).joined(separator: "\n"))
        }
    }
}
