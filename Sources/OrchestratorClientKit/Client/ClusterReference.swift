/// A cluster, named by its alias (or name), or by any of its instances.
public enum ClusterReference: Sendable, Hashable, CustomStringConvertible {
    /// A cluster alias or cluster name, e.g. `"mycluster"`.
    case alias(String)
    /// Any instance of the cluster.
    case instance(InstanceKey)

    /// The text sent as the API's cluster hint.
    public var description: String {
        switch self {
        case .alias(let alias): return alias
        case .instance(let key): return key.description
        }
    }
}

/// A downtime duration in the form orchestrator accepts: a number and a unit.
public struct DowntimeDuration: Sendable, Hashable, CustomStringConvertible {
    /// The text sent, e.g. `5m`.
    public let description: String

    /// Parses `5m`, `2h`, `1d`, `30s`, `1w`.
    public init(parsing text: String) throws(OrchestratorError) {
        description = try ValueRules.duration(text)
    }

    private init(_ value: Int, _ unit: String) { description = "\(max(0, value))\(unit)" }

    /// `value` seconds.
    public static func seconds(_ value: Int) -> DowntimeDuration { DowntimeDuration(value, "s") }
    /// `value` minutes.
    public static func minutes(_ value: Int) -> DowntimeDuration { DowntimeDuration(value, "m") }
    /// `value` hours.
    public static func hours(_ value: Int) -> DowntimeDuration { DowntimeDuration(value, "h") }
    /// `value` days.
    public static func days(_ value: Int) -> DowntimeDuration { DowntimeDuration(value, "d") }
}
