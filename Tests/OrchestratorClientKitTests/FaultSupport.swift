import Foundation
import TestServer

/// A value shared between a test and the handler threads of its servers.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func with<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var current: Value { with { $0 } }
}

/// A handler answering the n-th request with `replies[n]`, and every later one with the last reply.
func scripted(_ replies: [Reply]) -> @Sendable (ReceivedRequest) -> Reply {
    let next = Locked(0)
    return { _ in
        let index = next.with { count -> Int in
            defer { count += 1 }
            return count
        }
        return replies[min(index, replies.count - 1)]
    }
}

extension Reply {
    /// This reply, cut off after half of its body (the length announced in full).
    var cutInHalf: Reply {
        var reply = self
        reply.closeAfterBodyBytes = body.count / 2
        return reply
    }

    /// This reply, sent only after `milliseconds`.
    func delayed(_ milliseconds: Int) -> Reply {
        var reply = self
        reply.delayMilliseconds = milliseconds
        return reply
    }
}

/// Several loopback orchestrator nodes sharing one view of who leads. `leader-check` answers `200 "OK"` on the
/// leader and `404 "Not leader"` elsewhere; every other request goes to `call`, which may move the leadership.
final class RaftCluster: @unchecked Sendable {
    struct State {
        /// The index of the node that leads.
        var leader: Int
        /// How many `leader-check`s each node has received.
        var leaderChecks: [Int: Int] = [:]
    }

    let state: Locked<State>
    private(set) var nodes: [TestServer] = []

    /// - Parameters:
    ///   - probe: overrides the answer to a leader check (`/api/leader-check`, `/api/routed-leader-check`); `nil` = default.
    ///   - call: the answer of node `index` to any other request.
    init(count: Int, leader: Int,
         probe: @escaping @Sendable (_ node: Int, _ target: String, _ state: inout State) -> Reply? = { _, _, _ in nil },
         call: @escaping @Sendable (_ node: Int, _ request: ReceivedRequest, _ state: inout State) -> Reply) throws {
        let state = Locked(State(leader: leader))
        self.state = state
        for index in 0..<count {
            nodes.append(try TestServer { request in
                state.with { current -> Reply in
                    if request.target.hasSuffix("leader-check") {
                        if request.target == "/api/leader-check" { current.leaderChecks[index, default: 0] += 1 }
                        if let reply = probe(index, request.target, &current) { return reply }
                        return (current.leader == index ? RaftRole.leader : RaftRole.follower).leaderCheckReply(request.target) ?? .notFound
                    }
                    return call(index, request, &current)
                }
            })
        }
    }

    /// `ORCHESTRATOR_API` naming every node.
    var api: String { nodes.map(\.apiURL).joined(separator: " ") }

    /// The targets node `index` received other than leader checks.
    func calls(_ index: Int) -> [String] { nodes[index].targets.filter { !$0.hasSuffix("leader-check") } }

    /// Every target other than leader checks, on all nodes.
    var allCalls: [String] { nodes.indices.flatMap(calls) }

    func stop() { nodes.forEach { $0.stop() } }
}

/// orchestrator's answer when a node that is not the raft leader is asked to act.
let unauthorizedFollowerAnswer = Reply.json(#"{"Code":"ERROR","Message":"Unauthorized","Details":null}"#)
