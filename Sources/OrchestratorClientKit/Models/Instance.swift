/// A MySQL server as orchestrator sees it (`/api/instance/…`, `/api/all-instances`, …).
///
/// The commonly used fields are typed; everything else the server sent stays available in ``json``.
public struct Instance: Sendable, Equatable {
    /// The instance's key.
    public let key: InstanceKey
    /// Its master's key; `nil` for a master (orchestrator sends an empty key).
    public let masterKey: InstanceKey?
    /// The cluster's name (usually the master's `host:port` when the cluster was first seen).
    public let clusterName: String
    /// The cluster alias orchestrator suggests.
    public let suggestedClusterAlias: String
    /// Data center, as orchestrator detected it.
    public let dataCenter: String
    /// Region, as orchestrator detected it.
    public let region: String
    /// Physical environment, as orchestrator detected it.
    public let physicalEnvironment: String
    /// Server version string.
    public let version: String
    /// Whether `read_only` is on.
    public let readOnly: Bool
    /// Whether the replication SQL thread runs.
    public let replicationSQLThreadRunning: Bool
    /// Whether the replication IO thread runs.
    public let replicationIOThreadRunning: Bool
    /// The last SQL thread error, empty when none.
    public let lastSQLError: String
    /// The last IO thread error, empty when none.
    public let lastIOError: String
    /// Replication lag, when known.
    public let secondsBehindMaster: Int?
    /// Direct replicas.
    public let replicas: [InstanceKey]
    /// Whether the instance is downtimed.
    public let isDowntimed: Bool
    /// Who downtimed it.
    public let downtimeOwner: String
    /// Why it is downtimed.
    public let downtimeReason: String
    /// When the downtime ends.
    public let downtimeEndTimestamp: String
    /// The promotion rule registered for it.
    public let promotionRule: String
    /// Errant GTID set, empty when none.
    public let gtidErrant: String
    /// Whether the last check of the instance succeeded.
    public let isLastCheckValid: Bool
    /// The whole object as the server sent it.
    public let json: JSONValue

    /// Decodes an instance object; `nil` when `json` has no valid `Key`.
    public init?(json: JSONValue) {
        guard let key = InstanceKey(json: json["Key"]) else { return nil }
        self.key = key
        let master = InstanceKey(json: json["MasterKey"])
        self.masterKey = (master.map { ValueSource.isEmptyValue($0.hostname) } ?? true) ? nil : master
        clusterName = json["ClusterName"]?.stringValue ?? ""
        suggestedClusterAlias = json["SuggestedClusterAlias"]?.stringValue ?? ""
        dataCenter = json["DataCenter"]?.stringValue ?? ""
        region = json["Region"]?.stringValue ?? ""
        physicalEnvironment = json["PhysicalEnvironment"]?.stringValue ?? ""
        version = json["Version"]?.stringValue ?? ""
        readOnly = json["ReadOnly"]?.boolValue ?? false
        replicationSQLThreadRunning = json["ReplicationSQLThreadRuning"]?.boolValue ?? false
        replicationIOThreadRunning = json["ReplicationIOThreadRuning"]?.boolValue ?? false
        lastSQLError = json["LastSQLError"]?.stringValue ?? ""
        lastIOError = json["LastIOError"]?.stringValue ?? ""
        let lag = json["SecondsBehindMaster"]
        secondsBehindMaster = lag?["Valid"]?.boolValue == true ? lag?["Int64"]?.intValue : nil
        replicas = (json["Replicas"]?.arrayValue ?? []).compactMap { InstanceKey(json: $0) }
        isDowntimed = json["IsDowntimed"]?.boolValue ?? false
        downtimeOwner = json["DowntimeOwner"]?.stringValue ?? ""
        downtimeReason = json["DowntimeReason"]?.stringValue ?? ""
        downtimeEndTimestamp = json["DowntimeEndTimestamp"]?.stringValue ?? ""
        promotionRule = json["PromotionRule"]?.stringValue ?? ""
        gtidErrant = json["GtidErrant"]?.stringValue ?? ""
        isLastCheckValid = json["IsLastCheckValid"]?.boolValue ?? false
        self.json = json
    }

    /// True when both replication threads run.
    public var isReplicating: Bool { replicationSQLThreadRunning && replicationIOThreadRunning }
}
