#if canImport(Glibc)
import Glibc
#endif

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

    package let state: Locked<State>
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

