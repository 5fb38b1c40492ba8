/// Finds the endpoint requests go to: the only one configured, or the raft leader among several.
///
/// All endpoints are asked `leader-check` at once; slow or dead nodes are not waited for. The choice does not depend
/// on who answers first: when one endpoint answers 200, those listed before it that have not answered yet are waited
/// for, for twice the time the first took (at least 10 ms), and the first endpoint in configured order that answered
/// 200 is used. When several claim leadership (a split brain), a warning names them. Failing any 200,
/// `routed-leader-check` the same way (a follower that can route to the leader). When the whole operation's bound runs
/// out first, the error is a timeout.
package final class LeaderSearch: SessionCall {
    /// The probes, in order: a follower that can route to the leader answers the second. One list, for the search
    /// and for showing what it would send.
    package static let probePaths = ["leader-check", "routed-leader-check"]

    private var checkIndex = 0
    private var report: [String] = []
    private var sent: (requests: [HTTPRequest], at: UInt64) = ([], 0)

    func start(_ core: SessionCore) throws(OrchestratorError) -> SessionAction<Endpoint> {
        if let known = core.knownLeader() { return .done(known) }
        report = core.leaderReportStart()
        return try probe(core)
    }

    func resume(_ event: SessionEvent, _ core: SessionCore) throws(OrchestratorError) -> SessionAction<Endpoint> {
        guard case .answered(let outcomes, cancelled: false) = event else { throw .cancelled(waitingFor: "the raft leader") }
        let check = Self.probePaths[checkIndex]
        let found = try core.leader(among: outcomes, check: check, report: &report)
        core.log.probes(check, requests: sent.requests, outcomes: outcomes, leader: found, started: sent.at)
        if let found { return .done(found) }
        checkIndex += 1
        return try probe(core)
    }

    /// The next probe sent to every endpoint at once, while there is one and time for it.
    private func probe(_ core: SessionCore) throws(OrchestratorError) -> SessionAction<Endpoint> {
        guard checkIndex < Self.probePaths.count, let requests = core.leaderProbes(Self.probePaths[checkIndex]) else {
            throw core.noLeaderError(report)
        }
        sent = (requests, Clock.nowMilliseconds())
        // The choice must not depend on which node happened to answer first; where the transport keeps connections
        // (the library's I/O thread), the probes keep theirs.
        return .send(Exchange(requests: requests, preferringEarlier: true, isEnough: SessionCore.isLeaderAnswer))
    }
}
