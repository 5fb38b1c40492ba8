/// A GET for `path` to the leader, decoded.
///
/// Transport failures are retried with backoff within the time bound, for `.changes` only when the request never
/// reached a server. When another node turns out to lead (`"Not leader"`, or `Unauthorized` from a node that just
/// lost an election), the leader is detected again, once.
final class RequestCall: SessionCall {
    let path: APIPath
    let safety: RequestSafety
    private var retry = SessionCore.RetryState()
    private var search: LeaderSearch?
    private var sent: (endpoint: Endpoint, request: HTTPRequest, at: UInt64)?

    init(_ path: APIPath, safety: RequestSafety) {
        self.path = path
        self.safety = safety
    }

    func start(_ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        let search = LeaderSearch()
        self.search = search
        return try search.start(core).then { endpoint throws(OrchestratorError) in try send(to: endpoint, core) }
    }

    func resume(_ event: SessionEvent, _ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        if let search {
            return try search.resume(event, core).then { endpoint throws(OrchestratorError) in try send(to: endpoint, core) }
        }
        guard let sent else { return try start(core) }
        switch event {
        case .answered(let outcomes, _):
            let outcome = outcomes.first ?? nil
            let next: SessionCore.NextStep
            do {
                next = try core.next(after: outcome, endpoint: sent.endpoint, path: path, safety: safety, retry: &retry)
            } catch {
                core.log.request(sent.request, outcome: outcome, started: sent.at, attempt: retry.attempt, error: error)
                throw error
            }
            core.log.request(sent.request, outcome: outcome, started: sent.at, attempt: retry.attempt, error: nil)
            switch next {
            case .answer(let answer): return .done(answer)
            case .again:
                core.log.leaderLost(sent.endpoint)
                return try start(core)
            case .pause(let milliseconds): return .sleep(milliseconds: milliseconds)
            }
        case .slept:
            return try start(core)
        case .sleepCancelled:
            throw .cancelled(waitingFor: "the next try of GET /api/\(path.encoded)")
        }
    }

    private func send(to endpoint: Endpoint, _ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        search = nil
        let request = try core.request(to: endpoint, path: path, safety: safety, attempts: retry.attempt)
        sent = (endpoint, request, Clock.nowMilliseconds())
        return .send(Exchange(requests: [request], preferringEarlier: false, isEnough: { _ in true }))
    }
}
