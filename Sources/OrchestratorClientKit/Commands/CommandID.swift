/// The identity of every command of the bash client: code names a command by this, never by a string, so a
/// misspelt name cannot compile. The raw value is the name the command line takes; ``init(named:)``, ``summary``
/// and ``inputs`` are the catalogue a tool needs for help, parsing and dispatch.
public enum CommandID: String, Sendable, CaseIterable {
    case help
    case whichAPI = "which-api"
    case api
    case endpoints
    case discover
    case asyncDiscover = "async-discover"
    case forget
    case forgetCluster = "forget-cluster"
    case submitMastersToKVStores = "submit-masters-to-kv-stores"
    case topology
    case topologyTabulated = "topology-tabulated"
    case topologyTags = "topology-tags"
    case snapshotTopologies = "snapshot-topologies"
    case clusters
    case clustersAlias = "clusters-alias"
    case search
    case instance
    case whichMaster = "which-master"
    case whichReplicas = "which-replicas"
    case whichBrokenReplicas = "which-broken-replicas"
    case whichClusterInstances = "which-cluster-instances"
    case whichCluster = "which-cluster"
    case whichClusterAlias = "which-cluster-alias"
    case whichClusterMaster = "which-cluster-master"
    case allClustersMasters = "all-clusters-masters"
    case allInstances = "all-instances"
    case whichClusterOSCReplicas = "which-cluster-osc-replicas"
    case whichClusterOSCRunningReplicas = "which-cluster-osc-running-replicas"
    case downtimed
    case dominantDC = "dominant-dc"
    case replicationAnalysis = "replication-analysis"
    case relocate
    case relocateReplicas = "relocate-replicas"
    case match
    case matchUp = "match-up"
    case matchUpReplicas = "match-up-replicas"
    case moveUp = "move-up"
    case moveBelow = "move-below"
    case moveEquivalent = "move-equivalent"
    case moveUpReplicas = "move-up-replicas"
    case makeCoMaster = "make-co-master"
    case takeMaster = "take-master"
    case moveGTID = "move-gtid"
    case moveReplicasGTID = "move-replicas-gtid"
    case repoint
    case repointReplicas = "repoint-replicas"
    case takeSiblings = "take-siblings"
    case stopReplica = "stop-replica"
    case stopReplicaNice = "stop-replica-nice"
    case startReplica = "start-replica"
    case restartReplica = "restart-replica"
    case resetReplica = "reset-replica"
    case detachReplica = "detach-replica"
    case reattachReplica = "reattach-replica"
    case detachReplicaMasterHost = "detach-replica-master-host"
    case reattachReplicaMasterHost = "reattach-replica-master-host"
    case skipQuery = "skip-query"
    case whichGTIDErrant = "which-gtid-errant"
    case locateGTIDErrant = "locate-gtid-errant"
    case gtidErrantResetMaster = "gtid-errant-reset-master"
    case gtidErrantInjectEmpty = "gtid-errant-inject-empty"
    case enableSemiSyncMaster = "enable-semi-sync-master"
    case disableSemiSyncMaster = "disable-semi-sync-master"
    case enableSemiSyncReplica = "enable-semi-sync-replica"
    case disableSemiSyncReplica = "disable-semi-sync-replica"
    case restartReplicaStatements = "restart-replica-statements"
    case delayReplication = "delay-replication"
    case canReplicateFrom = "can-replicate-from"
    case canReplicateFromGTID = "can-replicate-from-gtid"
    case isReplicating = "is-replicating"
    case isReplicationStopped = "is-replication-stopped"
    case setReadOnly = "set-read-only"
    case setWriteable = "set-writeable"
    case flushBinaryLogs = "flush-binary-logs"
    case purgeBinaryLogs = "purge-binary-logs"
    case lastPseudoGTID = "last-pseudo-gtid"
    case changeMasterCredentials = "change-master-credentials"
    case recover
    case gracefulMasterTakeover = "graceful-master-takeover"
    case gracefulMasterTakeoverAuto = "graceful-master-takeover-auto"
    case forceMasterFailover = "force-master-failover"
    case forceMasterTakeover = "force-master-takeover"
    case ackClusterRecoveries = "ack-cluster-recoveries"
    case ackAllRecoveries = "ack-all-recoveries"
    case disableGlobalRecoveries = "disable-global-recoveries"
    case enableGlobalRecoveries = "enable-global-recoveries"
    case checkGlobalRecoveries = "check-global-recoveries"
    case beginDowntime = "begin-downtime"
    case endDowntime = "end-downtime"
    case beginMaintenance = "begin-maintenance"
    case endMaintenance = "end-maintenance"
    case registerCandidate = "register-candidate"
    case registerHostnameUnresolve = "register-hostname-unresolve"
    case deregisterHostnameUnresolve = "deregister-hostname-unresolve"
    case tags
    case tagValue = "tag-value"
    case tag
    case untag
    case untagAll = "untag-all"
    case tagged
    case submitPoolInstances = "submit-pool-instances"
    case whichHeuristicClusterPoolInstances = "which-heuristic-cluster-pool-instances"
    case raftLeader = "raft-leader"
    case raftHealth = "raft-health"
    case raftLeaderHostname = "raft-leader-hostname"
    case raftElectLeader = "raft-elect-leader"
}
