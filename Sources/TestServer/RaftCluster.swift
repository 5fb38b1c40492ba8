#if canImport(Glibc)
import Glibc
#endif

/// A value shared between a test and the handler threads of its servers, in a class so that closures can share it.
/// A pthread mutex rather than `Synchronization.Mutex`, whose futex ThreadSanitizer cannot see (CI runs the library's
/// tests, and these servers, under it).
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is read and written only while `mutex` is held.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func with<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// The same as ``with(_:)``, under `Mutex`'s name.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result { try with(body) }

    public var current: Value { with { $0 } }
}

/// Several loopback orchestrator nodes sharing one view of who leads. `leader-check` answers `200 "OK"` on the
/// leader and `404 "Not leader"` elsewhere; every other request goes to `call`, which may move the leadership.
public final class RaftCluster: @unchecked Sendable {
    public struct State: Sendable {
        /// The index of the node that leads.
        public var leader: Int
        /// How many `leader-check`s each node has received.
        public var leaderChecks: [Int: Int] = [:]

        public init(leader: Int) { self.leader = leader }
    }

    public let state: Locked<State>
    public private(set) var nodes: [TestServer] = []

    /// Nodes that fail to start stop the ones already started.
    /// - Parameters:
    ///   - probe: overrides the answer to a leader check (`/api/leader-check`, `/api/routed-leader-check`); `nil` = default.
    ///   - call: the answer of node `index` to any other request.
    public init(count: Int, leader: Int,
         probe: @escaping @Sendable (_ node: Int, _ target: String, _ state: inout State) -> Reply? = { _, _, _ in nil },
         observe: (@Sendable (_ node: Int, _ request: ReceivedRequest) -> Void)? = nil,
         call: @escaping @Sendable (_ node: Int, _ request: ReceivedRequest, _ state: inout State) -> Reply) throws {
        let state = Locked(State(leader: leader))
        self.state = state
        for index in 0..<count {
            let node: TestServer
            do {
                node = try TestServer { request in
                observe?(index, request)
                return state.with { current -> Reply in
                    if request.target.hasSuffix("leader-check") {
                        if request.target == "/api/leader-check" { current.leaderChecks[index, default: 0] += 1 }
                        if let reply = probe(index, request.target, &current) { return reply }
                        return (current.leader == index ? RaftRole.leader : RaftRole.follower).leaderCheckReply(request.target) ?? .notFound
                    }
                    return call(index, request, &current)
                }
                }
            } catch {
                nodes.forEach { $0.stop() }
                throw error
            }
            nodes.append(node)
        }
    }

    /// `ORCHESTRATOR_API` naming every node.
    public var api: String { nodes.map(\.apiURL).joined(separator: " ") }

    /// The targets node `index` received other than leader checks.
    public func calls(_ index: Int) -> [String] { nodes[index].targets.filter { !$0.hasSuffix("leader-check") } }

    /// Every target other than leader checks, on all nodes.
    public var allCalls: [String] { nodes.indices.flatMap(calls) }

    public func stop() { nodes.forEach { $0.stop() } }
}

