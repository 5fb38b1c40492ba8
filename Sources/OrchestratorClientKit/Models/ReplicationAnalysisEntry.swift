/// One entry of `/api/replication-analysis`: a problem (or `NoProblem`) orchestrator sees at an instance.
public struct ReplicationAnalysisEntry: Sendable, Equatable {
    /// The analyzed instance.
    public let analyzedInstanceKey: InstanceKey
    /// The analyzed instance's master; `nil` for a master.
    public let analyzedInstanceMasterKey: InstanceKey?
    /// The name of the cluster it belongs to.
    public let clusterName: String
    /// The alias of that cluster, empty when none.
    public let clusterAlias: String
    /// The analysis code, e.g. `DeadMaster`, `NoProblem`.
    public let analysis: String
    /// Structure warnings, e.g. `NoFailoverSupportStructureWarning`.
    public let structureAnalysis: [String]
    /// Whether the instance is downtimed.
    public let isDowntimed: Bool
    /// The whole object as the server sent it.
    public let json: JSONValue

    /// Decodes an analysis entry; `nil` without an `AnalyzedInstanceKey`.
    public init?(json: JSONValue) {
        guard let key = InstanceKey(json: json["AnalyzedInstanceKey"]) else { return nil }
        analyzedInstanceKey = key
        let master = InstanceKey(json: json["AnalyzedInstanceMasterKey"])
        analyzedInstanceMasterKey = (master.map { ValueSource.isEmptyValue($0.hostname) } ?? true) ? nil : master
        clusterName = json["ClusterDetails"]?["ClusterName"]?.stringValue ?? ""
        clusterAlias = json["ClusterDetails"]?["ClusterAlias"]?.stringValue ?? ""
        analysis = json["Analysis"]?.stringValue ?? ""
        structureAnalysis = (json["StructureAnalysis"]?.arrayValue ?? []).compactMap(\.stringValue)
        isDowntimed = json["IsDowntimed"]?.boolValue ?? false
        self.json = json
    }
}
