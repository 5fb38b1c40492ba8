/// The outcome of a recovery, failover or takeover (`force-master-failover`, `graceful-master-takeover`, …).
public struct TopologyRecovery: Sendable, Equatable {
    /// The instance promoted, if any.
    public let successorKey: InstanceKey?
    /// Whether the recovery succeeded.
    public let isSuccessful: Bool
    /// The analysis that led to it.
    public let analysis: ReplicationAnalysisEntry?
    /// Replicas lost in the process.
    public let lostReplicas: [InstanceKey]
    /// Errors collected along the way.
    public let errors: [String]
    /// The whole object as the server sent it.
    public let json: JSONValue

    /// Decodes a recovery object.
    public init(json: JSONValue) {
        successorKey = InstanceKey(json: json["SuccessorKey"])
        isSuccessful = json["IsSuccessful"]?.boolValue ?? false
        analysis = json["AnalysisEntry"].flatMap(ReplicationAnalysisEntry.init(json:))
        lostReplicas = (json["LostReplicas"]?.arrayValue ?? []).compactMap { InstanceKey(json: $0) }
        errors = (json["AllErrors"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.json = json
    }
}
