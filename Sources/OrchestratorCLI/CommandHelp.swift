import OrchestratorClientKit

extension CommandID {
    /// The one-line help of the command as the command line shows it: where the library's summary names an input,
    /// the command line names the flag that gives it.
    package var helpSummary: String { CommandHelp.summaries[self] ?? summary }
}

/// The summaries that name a flag, in the command line's words.
enum CommandHelp {
    static let summaries: [CommandID: String] = [
        .api: "Call any API path (--path) and print its JSON answer",
        .search: "List instances whose name contains the -i text",
        .restartReplicaStatements: "Print the statements that apply -q with replication stopped and restored",
        .delayReplication: "Set a replica's delay (CHANGE MASTER TO MASTER_DELAY) to -S seconds",
        .canReplicateFrom: "Print the destination if the instance can replicate from it; else exit 1",
        .purgeBinaryLogs: "PURGE BINARY LOGS up to -n binlog",
        .gracefulMasterTakeover: "Promote a new master gracefully (the -d replica, or the single direct replica)",
        .forceMasterTakeover: "Replace the master by the -d direct replica now",
        .beginDowntime: "Mark an instance downtimed (-r reason, -u duration, -o owner)",
        .raftElectLeader: "Ask the raft group to elect the -H node as leader",
        .downtimed: "List downtimed instances (of a cluster with -a)",
        .recover: "Recover a failed instance, if orchestrator agrees it failed (-d: the preferred new master)",
        .registerCandidate: "Set an instance's promotion rule (-R)",
        .registerHostnameUnresolve: "Give an instance a virtual (unresolved) host name (-H)",
        .submitPoolInstances: "Set the instances (-i host:port,host:port) of a pool (-l)",
        .whichHeuristicClusterPoolInstances: "List a cluster's instances in any pool, or in pool -l",
    ]
}
