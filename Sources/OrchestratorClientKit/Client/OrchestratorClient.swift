/// A typed, `Sendable` client of orchestrator's HTTP API.
///
/// ```swift
/// let client = try OrchestratorClient(environment: .current())      // ORCHESTRATOR_API etc.
/// for cluster in try await client.clusters() {
///     let master = try await client.master(of: .alias(cluster.clusterAlias))
///     print(cluster.clusterName, master.key)
/// }
/// ```
///
/// Every call finds the raft leader among the configured endpoints (one request per endpoint, at once),
/// validates and encodes its inputs, and is bounded by ``ClientConfiguration/timeouts``. Failures are thrown
/// as ``OrchestratorError``, which carries the endpoint, the HTTP status and the server's message.
///
/// A client and its copies share their connections: libcurl is loaded by the first call, one I/O thread then drives
/// every call's transfers (libcurl's multi interface) and keeps the connections, TLS sessions and DNS answers for
/// the next calls; dropping the last copy closes them and ends the thread. Calls never block a thread while they
/// wait, run concurrently (at most `maximumConcurrentRequestsPerEndpoint` in flight to one endpoint, the others
/// wait their turn), and stop at once when their task is cancelled (``OrchestratorError/Code/cancelled``, or
/// ``OrchestratorError/Code/outcomeUnknown`` for a change already sent).
public struct OrchestratorClient: Sendable {
    /// Where the API is and how to talk to it.
    public let configuration: ClientConfiguration
    /// The leader found by an earlier call, shared by copies of this client, so that later calls send one
    /// request rather than probing every endpoint again.
    private let leaderCache = LeaderCache()
    /// The connections and their I/O thread, shared by copies of this client; made by the first call.
    let connections: ClientConnections
    private let log: RequestLog

    /// A client for `configuration`. Cheap: nothing is loaded or started before the first call.
    ///
    /// `maximumConcurrentRequestsPerEndpoint`: requests in flight to one endpoint at most (each needs a
    /// connection); more wait, in order, within their time bound. To log each request through swift-log, use the
    /// initialiser with a `logger` of the `OrchestratorClientKitLogging` module.
    public init(configuration: ClientConfiguration, maximumConcurrentRequestsPerEndpoint: Int = 8) {
        self.init(configuration: configuration, maximumConcurrentRequestsPerEndpoint: maximumConcurrentRequestsPerEndpoint,
                  requestLog: RequestLog())
    }

    /// A client configured as the command line is: `ORCHESTRATOR_API`, `ORCHESTRATOR_AUTH_*`, timeouts, TLS;
    /// `maximumConcurrentRequestsPerEndpoint` as in ``init(configuration:maximumConcurrentRequestsPerEndpoint:)``.
    public init(environment: ClientEnvironment, maximumConcurrentRequestsPerEndpoint: Int = 8) throws(OrchestratorError) {
        self.init(configuration: try ClientConfiguration.fromEnvironment(environment),
                  maximumConcurrentRequestsPerEndpoint: maximumConcurrentRequestsPerEndpoint)
    }

    /// A client that logs its requests to `requestLog` (`OrchestratorClientKitLogging` passes swift-log's `Logger`).
    /// The configuration's warnings (``ClientConfiguration/warnings``) are logged once, here.
    package init(configuration: ClientConfiguration, maximumConcurrentRequestsPerEndpoint: Int, requestLog: RequestLog) {
        self.configuration = configuration
        self.connections = ClientConnections(maximumPerEndpoint: maximumConcurrentRequestsPerEndpoint)
        self.log = requestLog
        requestLog.warnings(configuration.warnings)
    }

    /// A client sending through `sender`: tests use a double.
    package init(configuration: ClientConfiguration, sender: AsyncHTTPSending, requestLog: RequestLog = RequestLog()) {
        self.configuration = configuration
        self.connections = ClientConnections(sender: sender)
        self.log = requestLog
        requestLog.warnings(configuration.warnings)
    }

    /// Runs `work` in a session that starts from the cached leader and leaves the leader it used in the cache; its
    /// time bound starts at `startedAt`, when the call began, by default now.
    func withSession<T: Sendable>(startedAt: UInt64? = nil,
                                  _ work: (AsyncOrchestratorSession) async throws(OrchestratorError) -> T) async throws(OrchestratorError) -> T {
        let known = leaderCache.endpoint
        let session = AsyncOrchestratorSession(configuration: configuration, sender: connections.sender(for: configuration),
                                               knownLeader: known, log: log, startedAt: startedAt)
        // Several nodes claiming leadership is said whatever the call's outcome.
        defer { log.warnings(session.warnings) }
        do throws(OrchestratorError) {
            let result = try await work(session)
            leaderCache.endpoint = session.currentLeader
            log.leaderChanged(from: known, to: session.currentLeader)
            return result
        } catch {
            // A leader that failed us is probed for afresh next time; a cancelled call says nothing about it.
            switch error.code {
            case .apiFailure: leaderCache.endpoint = session.currentLeader
            case .cancelled, .outcomeUnknown: break
            default: leaderCache.endpoint = nil
            }
            throw error
        }
    }

    // MARK: Raw access

    /// The endpoint requests go to: the only one configured, or the current raft leader.
    public func leader() async throws(OrchestratorError) -> Endpoint {
        try await withSession { session throws(OrchestratorError) in try await session.leaderEndpoint() }
    }

    /// GETs any API path, e.g. `"clusters-info"` or `"instance/db1/3306"`, and returns the decoded answer.
    ///
    /// The path is validated as the `api` command's path input is: characters outside the URL alphabet are
    /// encoded, `.`/`..` segments and fragments are refused. Treated as read-only for retries; use
    /// ``change(path:)`` for a path that changes something.
    public func get(path: String) async throws(OrchestratorError) -> JSONValue {
        try await send(try APIPath(validating: path, source: "path"), safety: .readOnly)
    }

    /// GETs an API path that changes something (orchestrator's API changes state with GETs), validated as
    /// ``get(path:)``'s; it is sent again only when it provably never reached a server. `Code: ERROR` answers are
    /// thrown with code ``OrchestratorError/Code/apiFailure``.
    public func change(path: String) async throws(OrchestratorError) -> JSONValue {
        try await send(try APIPath(validating: path, source: "path"), safety: .changes)
    }

    /// Sends a GET for `path` to the leader; `Code: ERROR` answers are thrown with code ``OrchestratorError/Code/apiFailure``.
    package func send(_ path: APIPath, safety: RequestSafety) async throws(OrchestratorError) -> JSONValue {
        try await withSession { session throws(OrchestratorError) in try await session.get(path, safety: safety).json }
    }

    private static func shapeError(_ what: String) -> OrchestratorError {
        .unreadableAnswer(endpoint: "", path: what, status: 200, excerpt: "the answer is not the expected \(what)")
    }

    private static func instance(from json: JSONValue?, _ what: String) throws(OrchestratorError) -> Instance {
        guard let json, let instance = Instance(json: json) else { throw shapeError(what) }
        return instance
    }

    private static func instances(from json: JSONValue?) -> [Instance] {
        (json?.arrayValue ?? []).compactMap(Instance.init(json:))
    }

    private static func key(from json: JSONValue?, _ what: String) throws(OrchestratorError) -> InstanceKey {
        guard let key = InstanceKey(json: json) else { throw shapeError(what) }
        return key
    }

    // MARK: Instances and clusters

    /// Looks up `key` and investigates it now (`discover`).
    public func discover(_ key: InstanceKey) async throws(OrchestratorError) -> Instance {
        try Self.instance(from: try await command(.discover, [.instance: .key(key)])["Details"], "instance")
    }

    /// Makes orchestrator forget `key`.
    public func forget(_ key: InstanceKey) async throws(OrchestratorError) {
        _ = try await command(.forget, [.instance: .key(key)])
    }

    /// What orchestrator knows of `key`.
    public func instance(_ key: InstanceKey) async throws(OrchestratorError) -> Instance {
        try Self.instance(from: try await command(.instance, [.instance: .key(key)]), "instance")
    }

    /// The direct replicas of `key`.
    public func replicas(of key: InstanceKey) async throws(OrchestratorError) -> [Instance] {
        Self.instances(from: try await command(.whichReplicas, [.instance: .key(key)]))
    }

    /// Every known instance.
    public func allInstances() async throws(OrchestratorError) -> [Instance] {
        Self.instances(from: try await command(.allInstances))
    }

    /// Instances whose name contains `text`.
    public func search(_ text: String) async throws(OrchestratorError) -> [Instance] {
        Self.instances(from: try await command(.search, [.search: .text(text)]))
    }

    /// Every known cluster.
    public func clusters() async throws(OrchestratorError) -> [ClusterInfo] {
        (try await command(.clusters).arrayValue ?? []).compactMap(ClusterInfo.init(json:))
    }

    /// One cluster's description.
    public func clusterInfo(_ cluster: ClusterReference) async throws(OrchestratorError) -> ClusterInfo {
        guard let info = ClusterInfo(json: try await command(.whichCluster, [.cluster: .cluster(cluster)])) else {
            throw Self.shapeError("cluster")
        }
        return info
    }

    /// The instances of a cluster.
    public func clusterInstances(_ cluster: ClusterReference) async throws(OrchestratorError) -> [Instance] {
        Self.instances(from: try await command(.whichClusterInstances, [.cluster: .cluster(cluster)]))
    }

    /// The writable master of a cluster.
    public func master(of cluster: ClusterReference) async throws(OrchestratorError) -> Instance {
        try Self.instance(from: try await command(.whichClusterMaster, [.cluster: .cluster(cluster)]), "instance")
    }

    /// The writable master of every cluster.
    public func masters() async throws(OrchestratorError) -> [Instance] {
        Self.instances(from: try await command(.allClustersMasters))
    }

    /// The ASCII replication tree of a cluster, as `topology` prints it.
    public func topology(_ cluster: ClusterReference) async throws(OrchestratorError) -> String {
        let answer = try await command(.topology, [.cluster: .cluster(cluster)])
        guard let tree = answer["Details"]?.stringValue else { throw Self.shapeError("topology") }
        return tree
    }

    // MARK: Downtime, maintenance, candidates

    /// Instances in downtime: every one, or those of `cluster`.
    public func downtimed(in cluster: ClusterReference? = nil) async throws(OrchestratorError) -> [Instance] {
        Self.instances(from: try await command(.downtimed, [.cluster: cluster.map(CommandArgument.cluster)]))
    }

    /// Marks `key` downtimed; `owner` and `reason` must each travel as one path segment (no `/`).
    @discardableResult
    public func beginDowntime(_ key: InstanceKey, owner: String, reason: String, duration: DowntimeDuration) async throws(OrchestratorError) -> InstanceKey {
        let answer = try await command(.beginDowntime, [.instance: .key(key), .owner: .text(owner), .reason: .text(reason),
                                                        .duration: .duration(duration)])
        return try Self.key(from: answer["Details"], "instance key")
    }

    /// Ends the downtime of `key`.
    @discardableResult
    public func endDowntime(_ key: InstanceKey) async throws(OrchestratorError) -> InstanceKey {
        try Self.key(from: try await command(.endDowntime, [.instance: .key(key)])["Details"], "instance key")
    }

    /// Takes a maintenance lock on `key`.
    @discardableResult
    public func beginMaintenance(_ key: InstanceKey, owner: String, reason: String) async throws(OrchestratorError) -> InstanceKey {
        let answer = try await command(.beginMaintenance, [.instance: .key(key), .owner: .text(owner), .reason: .text(reason)])
        return try Self.key(from: answer["Details"], "instance key")
    }

    /// Releases the maintenance lock on `key`.
    @discardableResult
    public func endMaintenance(_ key: InstanceKey) async throws(OrchestratorError) -> InstanceKey {
        try Self.key(from: try await command(.endMaintenance, [.instance: .key(key)])["Details"], "instance key")
    }

    /// Sets the promotion rule of `key`.
    @discardableResult
    public func registerCandidate(_ key: InstanceKey, rule: PromotionRule) async throws(OrchestratorError) -> InstanceKey {
        let answer = try await command(.registerCandidate, [.instance: .key(key), .rule: .rule(rule)])
        return try Self.key(from: answer["Details"], "instance key")
    }

    // MARK: Relocation and recovery

    /// Moves `key` below `destination` by whatever means work; returns the moved instance.
    public func relocate(_ key: InstanceKey, below destination: InstanceKey) async throws(OrchestratorError) -> Instance {
        let answer = try await command(.relocate, [.instance: .key(key), .destination: .key(destination)])
        return try Self.instance(from: answer["Details"], "instance")
    }

    /// The current analysis of problems in all topologies.
    public func replicationAnalysis() async throws(OrchestratorError) -> [ReplicationAnalysisEntry] {
        let answer = try await command(.replicationAnalysis)
        return (answer["Details"]?.arrayValue ?? []).compactMap(ReplicationAnalysisEntry.init(json:))
    }

    /// Promotes a new master gracefully: `designated`, or the cluster's single direct replica.
    public func gracefulMasterTakeover(_ cluster: ClusterReference, designated: InstanceKey? = nil) async throws(OrchestratorError) -> TopologyRecovery {
        let answer = try await command(.gracefulMasterTakeover, [.cluster: .cluster(cluster), .destination: designated.map(CommandArgument.key)])
        return TopologyRecovery(json: answer["Details"] ?? .null)
    }

    /// Fails the master over now, letting orchestrator pick the successor.
    public func forceMasterFailover(_ cluster: ClusterReference) async throws(OrchestratorError) -> TopologyRecovery {
        let answer = try await command(.forceMasterFailover, [.cluster: .cluster(cluster)])
        return TopologyRecovery(json: answer["Details"] ?? .null)
    }

    /// Acknowledges a cluster's recoveries with `comment`, unblocking future ones.
    public func acknowledgeRecoveries(_ cluster: ClusterReference, comment: String) async throws(OrchestratorError) {
        _ = try await command(.ackClusterRecoveries, [.cluster: .cluster(cluster), .reason: .text(comment)])
    }

    // MARK: Raft

    /// The raft leader's address, as the node asked reports it.
    public func raftLeader() async throws(OrchestratorError) -> String {
        guard let leader = try await command(.raftLeader).stringValue else { throw Self.shapeError("raft leader") }
        return leader
    }

    /// Whether the node asked is part of a healthy raft group (`"healthy"`).
    public func raftHealth() async throws(OrchestratorError) -> String {
        guard let health = try await command(.raftHealth).stringValue else { throw Self.shapeError("raft health") }
        return health
    }
}
