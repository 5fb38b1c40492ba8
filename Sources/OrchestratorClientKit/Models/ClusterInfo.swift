/// A cluster as `/api/clusters-info` and `/api/cluster-info/…` describe it.
public struct ClusterInfo: Sendable, Equatable {
    /// The cluster's name.
    public let clusterName: String
    /// Its alias, empty when none.
    public let clusterAlias: String
    /// Its domain, empty when none.
    public let clusterDomain: String
    /// How many instances it has.
    public let countInstances: Int
    /// Whether automated master recovery applies to it.
    public let hasAutomatedMasterRecovery: Bool
    /// Whether automated intermediate-master recovery applies to it.
    public let hasAutomatedIntermediateMasterRecovery: Bool
    /// The whole object as the server sent it.
    public let json: JSONValue

    /// Decodes a cluster object; `nil` without a `ClusterName`.
    public init?(json: JSONValue) {
        guard let name = json["ClusterName"]?.stringValue else { return nil }
        clusterName = name
        clusterAlias = json["ClusterAlias"]?.stringValue ?? ""
        clusterDomain = json["ClusterDomain"]?.stringValue ?? ""
        countInstances = json["CountInstances"]?.intValue ?? 0
        hasAutomatedMasterRecovery = json["HasAutomatedMasterRecovery"]?.boolValue ?? false
        hasAutomatedIntermediateMasterRecovery = json["HasAutomatedIntermediateMasterRecovery"]?.boolValue ?? false
        self.json = json
    }
}
