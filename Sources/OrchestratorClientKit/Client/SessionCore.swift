/// The rules of one invocation's conversation with orchestrator, written once for both ways of waiting: the blocking
/// ``OrchestratorSession`` (the command line) and the async ``AsyncOrchestratorSession`` (the library) drive the same
/// calls (``SessionCall``) over this state. Here are the state (the time bound, the leader, the warnings) and the
/// decisions: which probes, which leader, which request, and what an outcome means (the answer, another try after a
/// pause, the leader detected again, or the error).
///
/// No I/O here: what is sent and when it is waited for is the drivers'.
final class SessionCore {
    /// The configuration in use.
    let configuration: ClientConfiguration
    /// Requests and probes, logged (the library's; the command line's logs nothing).
    let log: RequestLog
    private let deadline: UInt64
    /// The leader found or given, if any yet.
    private(set) var leader: Endpoint?
    /// Things worth saying that are not errors (several endpoints claiming leadership), for standard error.
    private(set) var warnings: [String] = []

    /// Backoff between retries of a failed transport, in milliseconds.
    static let backoffMilliseconds = [100, 200, 500, 1_000, 2_000]

    /// A state whose time bound (`timeouts.totalMilliseconds`) starts at `startedAt` (``Clock``'s milliseconds), by
    /// default now: a call that did work of its own before (looking up this host's name) started its bound then,
    /// so that work is inside it. `knownLeader`, a leader found earlier, is used without probing (if it no longer
    /// leads, the leader is detected again as after any leader change).
    init(configuration: ClientConfiguration, knownLeader: Endpoint?, log: RequestLog, startedAt: UInt64? = nil) {
        self.configuration = configuration
        self.log = log
        self.deadline = (startedAt ?? Clock.nowMilliseconds()) + UInt64(max(1, configuration.timeouts.totalMilliseconds))
        self.leader = knownLeader.flatMap { configuration.endpoints.contains($0) ? $0 : nil }
    }

    var remainingMilliseconds: Int {
        let now = Clock.nowMilliseconds()
        return now >= deadline ? 0 : Int(deadline - now)
    }

    /// Milliseconds since the session started (its bound started with it).
    var elapsedMilliseconds: Int {
        let started = deadline - UInt64(max(1, configuration.timeouts.totalMilliseconds))
        return Int(Clock.nowMilliseconds() - started)
    }

    // MARK: Leader detection

    /// The leader already known, or the only endpoint.
    func knownLeader() -> Endpoint? {
        if let leader { return leader }
        if configuration.endpoints.count == 1 {
            leader = configuration.endpoints[0]
            return leader
        }
        return nil
    }

    /// One line per endpoint for the `noLeader` error, filled in by each probe.
    func leaderReportStart() -> [String] { configuration.endpoints.map { $0.url + ":" } }

    /// `check` sent to every endpoint at once; `nil` when no time is left for it.
    func leaderProbes(_ check: String) -> [HTTPRequest]? {
        let timeout = min(configuration.timeouts.leaderProbeMilliseconds, remainingMilliseconds)
        guard timeout > 0 else { return nil }
        return configuration.endpoints.map { HTTPRequest(endpoint: $0, path: check, timeoutMilliseconds: timeout) }
    }

    /// A probe answer that claims leadership: the first `200` ends the search (see ``OutcomeCollector``).
    static let isLeaderAnswer: @Sendable (HTTPOutcome) -> Bool = { outcome in
        if case .success(let answer) = outcome { return answer.status == 200 }
        return false
    }

    /// The leader among the answers to `check` (the first claimant in configured order, with a warning when several
    /// claim it), or `nil` to go on; what each endpoint said is added to `report`.
    func leader(among outcomes: [HTTPOutcome?], check: String, report: inout [String]) throws(OrchestratorError) -> Endpoint? {
        let endpoints = configuration.endpoints
        // Our own side cannot send (TLS files, libcurl): the same for every endpoint, said once, as a usage error.
        for case .failure(let failure)? in outcomes where failure.kind == .configuration {
            throw error(for: failure, endpoint: endpoints[0], path: APIPath(segments: [check]), safety: .readOnly)
        }
        let outcomes = outcomes.indices.map { judged(outcomes[$0], endpoint: endpoints[$0]) }
        let claimants = outcomes.indices.filter { outcomes[$0].map(Self.isLeaderAnswer) ?? false }
        if let first = claimants.first {
            let chosen = endpoints[first]
            // A split brain is told by leader-check; routed-leader-check is answered by followers too.
            if check == LeaderSearch.probePaths[0] && claimants.count > 1 {
                warnings.append("several endpoints claim to be the raft leader (split brain?): "
                                + claimants.map { endpoints[$0].url }.joined(separator: ", ")
                                + "; using \(chosen.url), the first of them in the configured order")
            }
            leader = chosen
            return chosen
        }
        for (index, outcome) in outcomes.enumerated() {
            report[index] += " \(check) " + describeProbe(outcome, endpoint: endpoints[index])
        }
        // Every node that answered refused our credentials: say so, rather than "no leader".
        let answered = outcomes.enumerated().compactMap { index, outcome -> (index: Int, answer: HTTPAnswer)? in
            if case .success(let answer)? = outcome { return (index, answer) }
            return nil
        }
        if let first = answered.first, answered.allSatisfy({ $0.answer.status == 401 || $0.answer.status == 403 }) {
            throw authorizationError(endpoint: endpoints[first.index], status: first.answer.status)
        }
        return nil
    }

    /// No endpoint led: the operation's bound ended the search (e.g. `totalMilliseconds` shorter than
    /// `leaderProbeMilliseconds`), or
    /// the endpoints said so, one line each.
    func noLeaderError(_ report: [String]) -> OrchestratorError {
        if remainingMilliseconds == 0 {
            return .leaderTimedOut(endpoints: report, milliseconds: configuration.timeouts.totalMilliseconds)
        }
        return .noLeader(endpoints: report)
    }

    private func describeProbe(_ outcome: HTTPOutcome?, endpoint: Endpoint) -> String {
        switch outcome {
        case .success(let answer)?: "answered \(answer.status) \(Self.excerpt(answer.body, limit: 60));"
        case .failure(let failure)?: "failed: \(reason(failure, endpoint: endpoint));"
        case nil: "not awaited;"
        }
    }

    /// A transport failure in words, naming the proxy when one was used (errors would otherwise blame the endpoint).
    func reason(_ failure: TransportFailure, endpoint: Endpoint) -> String {
        Self.reason(failure, proxy: proxy(endpoint))
    }

    /// A transport failure in words, through `proxy` (as ``ProxySettings/describeProxy(for:)`` names it) when one was
    /// used: a failure at the proxy names it already; another says it went through it. Both offer the way around the
    /// proxy (``TransferFacts/goDirect``), unless `offeringDirect` is false. The one wording for every command and
    /// `-c endpoints`.
    static func reason(_ failure: TransportFailure, proxy: String?, offeringDirect: Bool = true) -> String {
        if failure.failedAtProxy {
            // A refusal or a TLS failure at the proxy has a hint of its own.
            let offered = offeringDirect && failure.kind != .proxyRefused && failure.kind != .tls
            return failure.reason + (offered ? " (\(TransferFacts.goDirect))" : "")
        }
        guard let proxy else { return failure.reason }
        return failure.reason + " (through the proxy \(proxy)\(offeringDirect ? "; " + TransferFacts.goDirect : ""))"
    }

    // MARK: Requests

    /// What a request has tried so far.
    struct RetryState {
        var redetected = false
        var attempt = 0
    }

    /// What to do after an outcome.
    enum NextStep {
        /// Done: the decoded answer.
        case answer(APIAnswer)
        /// Send again now (the leader changed).
        case again
        /// Send again after this pause.
        case pause(milliseconds: Int)
    }

    /// The request for `path` to `endpoint`, bounded by the time left.
    func request(to endpoint: Endpoint, path: APIPath, safety: RequestSafety, attempts: Int) throws(OrchestratorError) -> HTTPRequest {
        let remaining = remainingMilliseconds
        guard remaining > 0 else {
            throw .timedOut(endpoint: endpoint.url, waitedFor: "the answer to GET /api/\(OrchestratorError.shown(path.encoded, limit: 200))"
                                + Self.attemptsText(attempts),
                            milliseconds: elapsedMilliseconds)
        }
        return HTTPRequest(endpoint: endpoint, path: path.encoded, timeoutMilliseconds: remaining, safety: safety)
    }

    /// Decides on the outcome of the request for `path`: the answer, another try, or the error to throw. What may be
    /// tried again follows the request's safety: a read after any transport failure, a change only when it
    /// provably never reached a server.
    func next(after outcome: HTTPOutcome?, endpoint: Endpoint, path: APIPath, safety: RequestSafety,
              retry: inout RetryState) throws(OrchestratorError) -> NextStep {
        switch judged(outcome, endpoint: endpoint) {
        case .success(let answer)?:
            if safety == .changes, let status = Self.gatewayStatus(of: answer) {
                throw .outcomeUnknown(endpoint: endpoint.url, path: path.encoded,
                                      what: "HTTP \(status) came back from a gateway or proxy in front of orchestrator, not from "
                                        + "orchestrator itself (\(answer.body.isEmpty ? "an empty body" : Self.excerpt(answer.body, limit: 60)))"
                                        + ": the change may have reached it")
            }
            do {
                return .answer(try interpret(answer, endpoint: endpoint, path: path))
            } catch let error where safety == .changes && answer.endedByClose && (200..<300).contains(answer.status) && error.isNotJSON {
                // Without a length or chunks, a body cut short by a closing connection looks like a whole one; a
                // refusal (Go's "Client sent an HTTP request to an HTTPS server", a 4xx) applied nothing either way.
                throw .outcomeUnknown(endpoint: endpoint.url, path: path.encoded,
                                      what: "the answer ended when the connection closed, and is not whole JSON: it may have been cut short")
            } catch let error where !retry.redetected && configuration.endpoints.count > 1 && Self.showsLeaderChange(error) {
                // The node did not act on the request; the new leader can.
                retry.redetected = true
                leader = nil
                return .again
            }
        case .failure(let failure)? where failure.isCancellation:
            // The caller gave up (library only): a change that may have been sent may also have been made.
            if safety == .changes && failure.delivery == .maybeSent {
                throw .outcomeUnknown(endpoint: endpoint.url, path: path.encoded,
                                      what: "the call was cancelled before the answer came")
            }
            throw .cancelled(waitingFor: "the answer to GET /api/\(path.encoded) from \(endpoint.url)")
        case .failure(let failure)?:
            let retryable = !failure.isPermanent && (safety == .readOnly || failure.requestNeverSent)
            if retryable && retry.attempt < Self.backoffMilliseconds.count {
                let pause = Self.backoffMilliseconds[retry.attempt]
                if remainingMilliseconds > pause {
                    retry.attempt += 1
                    if configuration.endpoints.count > 1 && failure.requestNeverSent { leader = nil }
                    return .pause(milliseconds: pause)
                }
            }
            throw error(for: failure, endpoint: endpoint, path: path, safety: safety, attempts: retry.attempt + 1,
                        elapsed: elapsedMilliseconds)
        case nil:
            throw .unreachable(endpoint: endpoint.url, reason: "no answer")
        }
    }

    /// `Not leader`, or `Unauthorized` from a node that just lost an election: another node leads now.
    static func showsLeaderChange(_ error: OrchestratorError) -> Bool {
        guard let failure = error.failure else { return false }
        // A Percona server may prefix the message with its identity (`Orchestrator <host> says: Unauthorized`).
        let text = failure.messageWithoutIdentity
        return text == "Unauthorized" || text == "Not leader"
    }

    static func attemptsText(_ attempts: Int) -> String {
        attempts > 1 ? ", over \(attempts) attempts" : ""
    }
}
