/// The one table of commands. Parsing, validation, dispatch, help, completions and the man page read it;
/// adding a command means adding a row here.
package enum CommandTable {
    // Short names keep the rows on one line each.
    private typealias C = CommandSpec
    private static let read = RequestSafety.readOnly
    private static let write = RequestSafety.changes

    /// Every command, in help order within each group.
    package static let all: [CommandSpec] = [
        // Meta
        C(.help, .meta, .help, .nothing, read, "List commands, or show one command's help (help COMMAND)"),
        C(.whichAPI, .meta, .whichAPI, .nothing, read, "Print the API endpoint in use (the raft leader among several)"),
        // Any path may change something (`begin-downtime/…`): sent as a change, never again once it may have arrived.
        C(.api, .meta, .rawAPI, .nothing, write, "Call any API path (the path input) and print its JSON answer"),
        C(.endpoints, .meta, .endpointReport, .nothing, read,
          "Probe every configured endpoint: reachable, raft role and health, credentials, certificate expiry"),

        // Discovery
        C(.discover, .discovery, "discover/{instance}", .instanceKey(.details), write, thisHost: true,
          "Look up an instance and investigate it now"),
        C(.asyncDiscover, .discovery, "async-discover/{instance}", .requestedInstance, write, thisHost: true,
          "Queue an instance for investigation; for bulk loads"),
        C(.forget, .discovery, "forget/{instance}", .nothing, write, "Forget an instance"),
        C(.forgetCluster, .discovery, "forget-cluster/{cluster}", .nothing, write, "Forget a whole cluster"),
        C(.submitMastersToKVStores, .discovery, "submit-masters-to-kv-stores/{alias?}", .keyValuePairs, write,
          "Write a cluster's master (or all masters) to the KV stores"),

        // Topology views
        C(.topology, .topology, "topology/{cluster}", .raw(.details, .topologyTree), read,
          "Show the replication tree of a cluster"),
        C(.topologyTabulated, .topology, "topology-tabulated/{cluster}", .raw(.details, .topologyTree), read,
          "Show the replication tree, tabulated"),
        C(.topologyTags, .topology, "topology-tags/{cluster}", .raw(.details, .topologyTree), read,
          "Show the replication tree with instance tags"),
        C(.snapshotTopologies, .topology, "snapshot-topologies", .raw(.details, .nonEmptyText), write,
          "Record a snapshot of all topologies"),
        C(.clusters, .topology, "clusters-info", .clusterNames, read, "List all clusters"),
        C(.clustersAlias, .topology, "clusters-info", .clusterAliases, read, "List all clusters as name,alias"),
        C(.search, .topology, "search?s={search}", .instanceKeys(.response, nil), read,
          "List instances whose name contains the instance text"),
        C(.instance, .topology, "instance/{instance}", .instanceKey(.response), read, aliases: ["which-instance"],
          thisHost: true, "Print an instance's key, or fail when orchestrator does not know it"),
        C(.whichMaster, .topology, "instance/{instance}", .masterKey(.response), read, thisHost: true,
          "Print an instance's master"),
        C(.whichReplicas, .topology, "instance-replicas/{instance}", .instanceKeys(.response, nil), read, thisHost: true,
          "List an instance's replicas"),
        C(.whichBrokenReplicas, .topology, "instance-replicas/{instance}", .instanceKeys(.response, .broken), read,
          thisHost: true, "List an instance's replicas whose replication stopped with an error"),
        C(.whichClusterInstances, .topology, "cluster/{cluster}", .instanceKeys(.response, nil), read, thisHost: true,
          "List the instances of a cluster"),
        C(.whichCluster, .topology, "cluster-info/{cluster}", .field("ClusterName", .response, .nonEmptyText), read,
          thisHost: true, "Print the name of an instance's cluster"),
        C(.whichClusterAlias, .topology, "cluster-info/{cluster}", .field("ClusterAlias", .response, .nonEmptyText), read,
          thisHost: true, "Print the alias of an instance's cluster"),
        // The writable master's Key, as orchestrator's own CLI prints it for which-cluster-master. The bash
        // client prints its ClusterName (copied from which-cluster): in a co-master pair that names the read-only
        // co-master when the other one writes (Tests/Recordings/upstream/cases.json, "which-cluster-master-co-master").
        C(.whichClusterMaster, .topology, "master/{cluster}", .instanceKey(.response), read, thisHost: true,
          "Print the writable master of a cluster"),
        C(.allClustersMasters, .topology, "masters", .instanceKeys(.response, nil), read,
          "List the writable master of every cluster"),
        C(.allInstances, .topology, "all-instances", .instanceKeys(.response, nil), read, "List every known instance"),
        C(.whichClusterOSCReplicas, .topology, "cluster-osc-replicas/{cluster}", .instanceKeys(.response, nil), read,
          thisHost: true, "List replicas fit to control a pt-online-schema-change"),
        C(.whichClusterOSCRunningReplicas, .topology, "cluster-osc-replicas/{cluster}",
          .instanceKeys(.response, .running), read, thisHost: true,
          "List replicating replicas fit to control a pt-online-schema-change"),
        C(.downtimed, .topology, "downtimed/{cluster?}", .instanceKeys(.response, nil), read,
          "List downtimed instances (of a cluster, given its alias)"),
        C(.dominantDC, .topology, "masters", .dominantDataCenter, read, "Print the data center holding most masters"),
        C(.replicationAnalysis, .topology, "replication-analysis", .replicationAnalysis, read,
          "Print the analysis of problems in all topologies"),

        // Relocation
        C(.relocate, .relocation, "relocate/{instance}/{destination}", .relocation, write,
          "Move a replica below another instance, by any means"),
        C(.relocateReplicas, .relocation, "relocate-replicas/{instance}/{destination}", .instanceKeys(.details, nil), write,
          "Move an instance's replicas below another instance"),
        C(.match, .relocation, "match/{instance}/{destination}", .relocation, write,
          "Move a replica below another instance using Pseudo-GTID"),
        C(.matchUp, .relocation, "match-up/{instance}", .relocation, write,
          "Move a replica up one level using Pseudo-GTID"),
        C(.matchUpReplicas, .relocation, "match-up-replicas/{instance}/{destination?}", .instanceKeys(.details, nil), write,
          "Move an instance's replicas up one level using Pseudo-GTID"),
        C(.moveUp, .relocation, "move-up/{instance}", .relocation, write, "Move a replica up one level"),
        C(.moveBelow, .relocation, "move-below/{instance}/{destination}", .relocation, write,
          "Move a replica below its sibling"),
        C(.moveEquivalent, .relocation, "move-equivalent/{instance}/{destination}", .relocation, write,
          "Move a replica below another by recorded equivalence coordinates"),
        C(.moveUpReplicas, .relocation, "move-up-replicas/{instance}/{destination?}", .instanceKeys(.details, nil), write,
          "Move an instance's replicas up one level"),
        C(.makeCoMaster, .relocation, "make-co-master/{instance}", .relocation, write,
          "Make a master's direct replica its co-master"),
        C(.takeMaster, .relocation, "take-master/{instance}", .relocation, write,
          "Swap a replica with its master"),
        // The bash client sent this to /api/move-gtid, which does not exist; the route is move-below-gtid.
        C(.moveGTID, .relocation, "move-below-gtid/{instance}/{destination}", .relocation, write,
          "Move a replica below another instance using GTID"),
        C(.moveReplicasGTID, .relocation, "move-replicas-gtid/{instance}/{destination}", .instanceKeys(.details, nil), write,
          "Move an instance's replicas below another instance using GTID"),
        C(.repoint, .relocation, "repoint/{instance}/{destination}", .relocation, write,
          "Point a replica at another master, keeping coordinates; use with care"),
        C(.repointReplicas, .relocation, "repoint-replicas/{instance}/{destination?}", .instanceKeys(.details, nil), write,
          "Point an instance's replicas back at it; use with care"),
        C(.takeSiblings, .relocation, "take-siblings/{instance}", .relocation, write,
          "Make a replica's siblings its replicas"),

        // Replication control
        C(.stopReplica, .replication, "stop-replica/{instance}", .instanceKey(.details), write, "STOP SLAVE"),
        C(.stopReplicaNice, .replication, "stop-replica-nice/{instance}", .instanceKey(.details), write,
          "STOP SLAVE, letting the SQL thread catch up with the IO thread first"),
        C(.startReplica, .replication, "start-replica/{instance}", .instanceKey(.details), write, "START SLAVE"),
        C(.restartReplica, .replication, "restart-replica/{instance}", .instanceKey(.details), write,
          "STOP SLAVE then START SLAVE"),
        C(.resetReplica, .replication, "reset-replica/{instance}", .instanceKey(.details), write,
          "RESET SLAVE; use with care"),
        C(.detachReplica, .replication, "detach-replica/{instance}", .instanceKey(.details), write,
          "Stop replication and make Master_Host impossible but reversible"),
        C(.reattachReplica, .replication, "reattach-replica/{instance}", .instanceKey(.details), write,
          "Undo detach-replica"),
        C(.detachReplicaMasterHost, .replication, "detach-replica-master-host/{instance}", .instanceKey(.details), write,
          "Stop replication and make Master_Host impossible but reversible"),
        C(.reattachReplicaMasterHost, .replication, "reattach-replica-master-host/{instance}", .instanceKey(.details), write,
          "Undo detach-replica-master-host"),
        C(.skipQuery, .replication, "skip-query/{instance}", .instanceKey(.details), write,
          "Skip one statement on a replica"),
        C(.whichGTIDErrant, .replication, "instance/{instance}", .field("GtidErrant", .response, .text), read, thisHost: true,
          "Print an instance's errant GTID set (empty when none)"),
        C(.locateGTIDErrant, .replication, "locate-gtid-errant/{instance}", .lines(.details), read,
          "List the binary logs holding errant GTIDs"),
        C(.gtidErrantResetMaster, .replication, "gtid-errant-reset-master/{instance}", .instanceKey(.details), write,
          "Remove errant GTIDs by RESET MASTER"),
        C(.gtidErrantInjectEmpty, .replication, "gtid-errant-inject-empty/{instance}", .instanceKey(.details), write,
          "Inject errant GTIDs as empty transactions on the master"),
        C(.enableSemiSyncMaster, .replication, "enable-semi-sync-master/{instance}", .instanceKey(.details), write,
          "Enable semi-sync on the master side"),
        C(.disableSemiSyncMaster, .replication, "disable-semi-sync-master/{instance}", .instanceKey(.details), write,
          "Disable semi-sync on the master side"),
        C(.enableSemiSyncReplica, .replication, "enable-semi-sync-replica/{instance}", .instanceKey(.details), write,
          "Enable semi-sync on the replica side"),
        C(.disableSemiSyncReplica, .replication, "disable-semi-sync-replica/{instance}", .instanceKey(.details), write,
          "Disable semi-sync on the replica side"),
        C(.restartReplicaStatements, .replication, "restart-replica-statements/{instance}?q={query}",
          .inline(.details, .nonEmptyList("a list of statements", .nonEmptyText)), read,
          "Print the statements that apply the query with replication stopped and restored"),
        C(.delayReplication, .replication, "delay-replication/{instance}/{seconds}", .inline(.details, .integer), write,
          "Set a replica's delay (CHANGE MASTER TO MASTER_DELAY) to the given seconds"),
        C(.canReplicateFrom, .replication, "can-replicate-from/{instance}/{destination}", .yesNo, read,
          "Print the destination if the instance can replicate from it; else answer no"),
        C(.canReplicateFromGTID, .replication, "can-replicate-from-gtid/{instance}/{destination}", .yesNo, read,
          "Like can-replicate-from, assuming GTID"),
        C(.isReplicating, .replication, "instance/{instance}", .replicationState(running: true), read, thisHost: true,
          "Print the instance if both replication threads run; else nothing"),
        C(.isReplicationStopped, .replication, "instance/{instance}", .replicationState(running: false), read,
          thisHost: true, "Print the instance if both replication threads are stopped; else nothing"),
        C(.setReadOnly, .replication, "set-read-only/{instance}", .instanceKey(.details), write, "SET GLOBAL read_only=1"),
        C(.setWriteable, .replication, "set-writeable/{instance}", .instanceKey(.details), write, "SET GLOBAL read_only=0"),
        C(.flushBinaryLogs, .replication, "flush-binary-logs/{instance}", .instanceKey(.details), write, "FLUSH BINARY LOGS"),
        C(.purgeBinaryLogs, .replication, "purge-binary-logs/{instance}/{binlog}", .instanceKey(.details), write,
          "PURGE BINARY LOGS up to the binlog given"),
        C(.lastPseudoGTID, .replication, "last-pseudo-gtid/{instance}", .raw(.details, .nonEmptyText), read,
          "Print the last Pseudo-GTID entry of an instance"),
        C(.changeMasterCredentials, .replication, "change-master-credentials/{instance}", .instanceKey(.details), write,
          requires: .perconaAfter3_2_6_20,
          "Re-apply a replica's replication user and password, keeping its TLS settings (Percona only)"),

        // Recovery and takeover
        // One request, with the destination hint when given. Percona's bash client (v3.2.6-20) first sends recover/{instance}
        // unconditionally and then the hinted one: two recovery attempts, and the hint ignored (research: percona-fork).
        C(.recover, .recovery, "recover/{instance}{/destination?}", .key(.details), write,
          "Recover a failed instance, if orchestrator agrees it failed (destination: the preferred new master)"),
        C(.gracefulMasterTakeover, .recovery, "graceful-master-takeover/{cluster}{/destination?}", .successor, write,
          "Promote a new master gracefully (the destination replica, or the single direct replica)"),
        C(.gracefulMasterTakeoverAuto, .recovery, "graceful-master-takeover-auto/{cluster}{/destination?}", .successor,
          write, "Promote a new master gracefully, letting orchestrator pick it"),
        C(.forceMasterFailover, .recovery, "force-master-failover/{cluster}", .successor, write,
          "Fail over the master now, letting orchestrator pick the successor"),
        C(.forceMasterTakeover, .recovery, "force-master-takeover/{cluster}/{destination}", .successor, write,
          "Replace the master by the destination direct replica now"),
        C(.ackClusterRecoveries, .recovery, "ack-recovery/cluster/{cluster}?comment={reason}", .raw(.details, .nonEmptyText),
          write,
          "Acknowledge a cluster's recoveries, unblocking future ones"),
        C(.ackAllRecoveries, .recovery, "ack-all-recoveries?comment={reason}", .raw(.details, .nonEmptyText), write,
          "Acknowledge all recoveries"),
        C(.disableGlobalRecoveries, .recovery, "disable-global-recoveries", .raw(.details, .nonEmptyText), write,
          "Stop orchestrator from running any recovery"),
        C(.enableGlobalRecoveries, .recovery, "enable-global-recoveries", .raw(.details, .nonEmptyText), write,
          "Allow orchestrator to run recoveries"),
        C(.checkGlobalRecoveries, .recovery, "check-global-recoveries", .raw(.details, .nonEmptyText), read,
          "Print whether recoveries are enabled"),

        // Downtime and maintenance
        C(.beginDowntime, .downtime, "begin-downtime/{instance}/{owner}/{reason}/{duration}", .key(.details), write,
          thisHost: true, "Mark an instance downtimed (reason, duration, owner)"),
        C(.endDowntime, .downtime, "end-downtime/{instance}", .key(.details), write, thisHost: true,
          "End an instance's downtime"),
        C(.beginMaintenance, .downtime, "begin-maintenance/{instance}/{owner}/{reason}", .key(.details), write,
          thisHost: true, "Take a maintenance lock on an instance"),
        C(.endMaintenance, .downtime, "end-maintenance/{instance}", .key(.details), write, thisHost: true,
          "Release an instance's maintenance lock"),
        C(.registerCandidate, .downtime, "register-candidate/{instance}/{rule}", .key(.details), write, thisHost: true,
          "Set an instance's promotion rule"),
        C(.registerHostnameUnresolve, .downtime, "register-hostname-unresolve/{instance}/{hostname}", .key(.details),
          write, "Give an instance a virtual (unresolved) host name (the hostname input)"),
        C(.deregisterHostnameUnresolve, .downtime, "deregister-hostname-unresolve/{instance}", .key(.details), write,
          "Remove an instance's virtual host name"),

        // Tags and pools
        C(.tags, .tags, "tags/{instance}", .lines(.response), read, thisHost: true, "List an instance's tags"),
        C(.tagValue, .tags, "tag-value/{instance}?tag={tag}", .raw(.response, .text), read, thisHost: true,
          "Print the value of an instance's tag"),
        C(.tag, .tags, "tag/{instance}?tag={tag}", .key(.details), write, "Tag an instance (name or name=value)"),
        C(.untag, .tags, "untag/{instance}?tag={tag}", .keys(.details), write, "Remove a tag from an instance"),
        C(.untagAll, .tags, "untag-all?tag={tag}", .keys(.details), write, "Remove a tag from all instances"),
        C(.tagged, .tags, "tagged/?tag={tags}", .keys(.response), read,
          "List instances having all the given tags (tag,tag=value,...)"),
        C(.submitPoolInstances, .tags, "submit-pool-instances/{pool}?instances={instances}", .raw(.details, .nonEmptyText),
          write,
          "Set the instances (host:port,host:port) of a pool"),
        C(.whichHeuristicClusterPoolInstances, .tags, "heuristic-cluster-pool-instances/{cluster}/{pool?}",
          .instanceKeys(.details, nil), read, "List a cluster's instances in any pool, or in the pool given"),

        // Raft
        C(.raftLeader, .raft, "raft-leader", .raw(.response, .nonEmptyText), read, precheck: .raftLeader,
          "Print the raft leader"),
        C(.raftHealth, .raft, "raft-health", .raw(.response, .nonEmptyText), read,
          "Print whether the node is in a healthy raft group"),
        C(.raftLeaderHostname, .raft, "status", .field("Hostname", .details, .nonEmptyText), read, precheck: .raftLeader,
          "Print the host name of the raft leader"),
        C(.raftElectLeader, .raft, "raft-yield-hint/{hostname}", .raw(.details, .nonEmptyText), write, precheck: .raftLeader,
          "Ask the raft group to elect the hostname node as leader"),
    ]

    /// Every spelling, `slave` ones included; built only when a name is not found as written (see ``find(_:)``).
    private static let byName: [String: CommandSpec] = {
        var table: [String: CommandSpec] = [:]
        for spec in all {
            for name in spec.allNames where table[name] == nil { table[name] = spec }
        }
        return table
    }()

    private static let byID: [CommandID: CommandSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The command called `name`, or one of its `slave` spellings.
    package static func find(_ name: String) -> CommandSpec? {
        // A scan of ~110 rows compares a few hundred short strings; building the table of every spelling costs the
        // command line 1.6 M instructions at start (bench/profile-notes.md), so it is built for `slave` names only.
        // Same answers: no command's `slave` spelling is another command's name (a test checks every spelling).
        for spec in all where spec.name == name || spec.aliases.contains(name) { return spec }
        return byName[name]
    }

    /// The row of `id`; every identity has exactly one row (a test checks it).
    package static subscript(id: CommandID) -> CommandSpec {
        byID[id]!
    }
}
