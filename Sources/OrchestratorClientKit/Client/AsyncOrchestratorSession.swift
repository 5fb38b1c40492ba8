/// The library's session: the steps of ``OrchestratorSession`` (leader detection, retries, the time bound) driven
/// with `await` over an ``AsyncHTTPSending`` (the client's ``TransferLoop``), so a call holds no thread while it
/// waits, and cancelling its task abandons its transfer at once.
///
/// Used by one task at a time; create one per call.
package final class AsyncOrchestratorSession {
    /// The state and the decisions, shared with the command line's blocking session.
    private let steps: OrchestratorSession
    private let sender: AsyncHTTPSending
    private let log: RequestLog

    /// A session for one call; the time bound starts now.
    package init(configuration: ClientConfiguration, sender: AsyncHTTPSending, knownLeader: Endpoint? = nil,
                 log: RequestLog = RequestLog()) {
        self.steps = OrchestratorSession(configuration: configuration, knownLeader: knownLeader)
        self.sender = sender
        self.log = log
    }

    /// The leader this session found or was given, if any yet.
    package var currentLeader: Endpoint? { steps.currentLeader }

    /// See ``OrchestratorSession/leaderEndpoint()``.
    package func leaderEndpoint() async throws(OrchestratorError) -> Endpoint {
        if let known = steps.knownLeaderStep() { return known }
        var report = steps.leaderReportStart()
        for check in OrchestratorSession.leaderChecks {
            guard let requests = steps.leaderProbesStep(check) else { break }
            let started = Clock.nowMilliseconds()
            // The I/O thread waits briefly for endpoints listed before the first claimant (their probes keep their
            // connections), where the blocking session asks them again.
            let outcomes = await sender.send(requests, safety: .readOnly, preferringEarlier: true,
                                             isEnough: OrchestratorSession.isLeaderAnswer)
            if Task.isCancelled { throw .cancelled(waitingFor: "the raft leader") }
            let found = try steps.leaderProbeOutcomesStep(outcomes, check: check, report: &report)
            log.probes(check, requests: requests, outcomes: outcomes, leader: found, started: started)
            if let found { return found }
        }
        throw steps.noLeaderError(report)
    }

    /// See ``OrchestratorSession/perform(_:path:)``.
    package func perform(_ spec: CommandSpec, path: APIPath) async throws(OrchestratorError) -> APIAnswer {
        if spec.precheck == .raftLeader {
            try OrchestratorSession.checkRaftState(try await get(OrchestratorSession.raftStatePath, safety: .readOnly))
        }
        do {
            return try OrchestratorSession.checkShape(of: try await get(path, safety: spec.safety), for: spec, path: path)
        } catch {
            throw error.naming(spec)
        }
    }

    /// See ``OrchestratorSession/get(_:safety:)``.
    package func get(_ path: APIPath, safety: RequestSafety) async throws(OrchestratorError) -> APIAnswer {
        var retry = OrchestratorSession.RetryState()
        while true {
            let endpoint = try await leaderEndpoint()
            let request = try steps.requestStep(to: endpoint, path: path, safety: safety, attempts: retry.attempt)
            let started = Clock.nowMilliseconds()
            let outcome = await sender.send([request], safety: safety, isEnough: { _ in true })[0]
            let next: OrchestratorSession.NextStep
            do {
                next = try steps.outcomeStep(outcome, endpoint: endpoint, path: path, safety: safety, retry: &retry)
            } catch {
                log.request(request, outcome: outcome, started: started, attempt: retry.attempt, error: error)
                throw error
            }
            log.request(request, outcome: outcome, started: started, attempt: retry.attempt, error: nil)
            switch next {
            case .answer(let answer): return answer
            case .again:
                log.leaderLost(endpoint)
                continue
            case .pause(let milliseconds):
                do {
                    try await Task.sleep(for: .milliseconds(milliseconds))
                } catch {
                    throw .cancelled(waitingFor: "the next try of GET /api/\(path.encoded)")
                }
            }
        }
    }
}
