/// An answer the API gave successfully.
package struct APIAnswer: Sendable {
    /// The endpoint that answered.
    package let endpoint: Endpoint
    /// The HTTP status.
    package let status: Int
    /// The body, validated as JSON and read in place (bounded memory, see ``JSONDocument``).
    package let document: JSONDocument

    /// The body as a tree; built on each use, for the library's typed answers.
    package var json: JSONValue { document.root.value }
}

/// Whether sending a request again could apply a change twice.
public enum RequestSafety: Sendable {
    /// The request only reads: retried on any transport failure while time remains.
    case readOnly
    /// The request changes something: retried only when it provably never reached a server.
    case changes
}

/// One invocation's conversation with orchestrator: finds the raft leader once, then sends requests to it,
/// all within the configuration's time bound.
///
/// A session is used from one thread at a time; create one per task. Its methods here block (the command line);
/// ``AsyncOrchestratorSession`` drives the same steps (the `…Step` methods below) with `await` for the library.
package final class OrchestratorSession {
    /// The configuration in use.
    package let configuration: ClientConfiguration
    private let givenSender: HTTPSending?
    /// libcurl, made on first use: an ``AsyncOrchestratorSession`` uses only the steps and never makes one.
    private lazy var sender: HTTPSending = givenSender ?? CurlTransport(configuration: configuration)
    private let deadline: UInt64
    private var leader: Endpoint?

    /// Backoff between retries of a failed transport, in milliseconds.
    static let backoffMilliseconds = [100, 200, 500, 1_000, 2_000]

    /// Creates a session; the time bound (`timeouts.totalMilliseconds`) starts now.
    /// - Parameters:
    ///   - configuration: endpoints, credentials, timeouts and TLS settings.
    ///   - sender: how requests are sent; libcurl when `nil`.
    ///   - knownLeader: a leader found earlier, used without probing; if it no longer leads, the leader is
    ///     detected again as after any leader change.
    package init(configuration: ClientConfiguration, sender: HTTPSending? = nil, knownLeader: Endpoint? = nil) {
        self.configuration = configuration
        self.givenSender = sender
        self.deadline = Clock.nowMilliseconds() + UInt64(max(1, configuration.timeouts.totalMilliseconds))
        self.leader = knownLeader.flatMap { configuration.endpoints.contains($0) ? $0 : nil }
    }

    /// The leader this session found or was given, if any yet.
    package var currentLeader: Endpoint? { leader }

    /// Things worth saying that are not errors (several endpoints claiming leadership), for standard error.
    package private(set) var warnings: [String] = []

    var remainingMilliseconds: Int {
        let now = Clock.nowMilliseconds()
        return now >= deadline ? 0 : Int(deadline - now)
    }

    // MARK: Leader detection

    /// The endpoint requests go to: the only one configured, or the raft leader among several.
    ///
    /// All endpoints are asked `leader-check` at once; slow or dead nodes are not waited for. The choice does not
    /// depend on who answers first: when one endpoint answers 200, the transport waits for those listed before it
    /// that have not answered yet, for twice the time the first took (at least 10 ms), and the first endpoint in
    /// configured order that answered 200 is used. When several claim leadership (a split
    /// brain), a warning names them. Failing any 200, `routed-leader-check` the same way (a follower that can route
    /// to the leader). When the whole operation's bound runs out first, the error is a timeout.
    package func leaderEndpoint() throws(OrchestratorError) -> Endpoint {
        if let known = knownLeaderStep() { return known }
        var report = leaderReportStart()
        for check in Self.leaderChecks {
            guard let requests = leaderProbesStep(check) else { break }
            // The transport waits briefly for endpoints listed before the first claimant: the choice must not depend
            // on which node happened to answer first, and their probes keep their connections.
            let outcomes = sender.send(requests, preferringEarlier: true, isEnough: Self.isLeaderAnswer)
            if let found = try leaderProbeOutcomesStep(outcomes, check: check, report: &report) { return found }
        }
        throw noLeaderError(report)
    }

    func describeProbe(_ outcome: HTTPOutcome?, endpoint: Endpoint) -> String {
        if case .failure(let failure)? = outcome { return "failed: \(reason(failure, endpoint: endpoint));" }
        return Self.describeProbe(outcome)
    }

    /// A transport failure in words, naming the proxy when one was used (errors would otherwise blame the endpoint).
    func reason(_ failure: TransportFailure, endpoint: Endpoint) -> String {
        guard let proxy = configuration.proxy.describeProxy(for: endpoint.url) else { return failure.reason }
        return failure.reason + " (through the proxy \(proxy); \(configuration.name(of: .noProxy)) or ORCHESTRATOR_NO_PROXY=1 goes direct)"
    }

    // MARK: Steps of leader detection, shared with AsyncOrchestratorSession

    /// The probes, in order: a follower that can route to the leader answers the second.
    static let leaderChecks = ["leader-check", "routed-leader-check"]

    /// The leader already known, or the only endpoint.
    func knownLeaderStep() -> Endpoint? {
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
    func leaderProbesStep(_ check: String) -> [HTTPRequest]? {
        let timeout = min(configuration.timeouts.leaderProbeMilliseconds, remainingMilliseconds)
        guard timeout > 0 else { return nil }
        return configuration.endpoints.map { HTTPRequest(endpoint: $0, path: check, timeoutMilliseconds: timeout) }
    }

    /// A probe answer that ends the search: the first `200` wins without waiting for the others.
    static let isLeaderAnswer: @Sendable (HTTPOutcome) -> Bool = { outcome in
        if case .success(let answer) = outcome { return answer.status == 200 }
        return false
    }

    static func claims(_ outcome: HTTPOutcome?) -> Bool {
        if case .success(let answer)? = outcome { return answer.status == 200 }
        return false
    }

    /// The leader among the answers to `check` (the first claimant in configured order, with a warning when several
    /// claim it), or `nil` to go on; what each endpoint said is added to `report`.
    func leaderProbeOutcomesStep(_ outcomes: [HTTPOutcome?], check: String, report: inout [String]) throws(OrchestratorError) -> Endpoint? {
        let endpoints = configuration.endpoints
        // Our own side cannot send (TLS files, libcurl): the same for every endpoint, said once (exit 2).
        for case .failure(let failure)? in outcomes where failure.kind == .configuration {
            throw error(for: failure, endpoint: endpoints[0], path: APIPath(segments: [check]), safety: .readOnly)
        }
        let claimants = outcomes.indices.filter { Self.claims(outcomes[$0]) }
        if let first = claimants.first {
            let chosen = endpoints[first]
            if check == "leader-check" && claimants.count > 1 {
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

    /// No endpoint led: the operation's bound ended the search (e.g. --timeout shorter than --leader-timeout), or
    /// the endpoints said so, one line each.
    func noLeaderError(_ report: [String]) -> OrchestratorError {
        if remainingMilliseconds == 0 {
            return .leaderTimedOut(endpoints: report, milliseconds: configuration.timeouts.totalMilliseconds)
        }
        return .noLeader(endpoints: report)
    }

    static func describeProbe(_ outcome: HTTPOutcome?) -> String {
        switch outcome {
        case .success(let answer)?:
            return "answered \(answer.status) \(excerpt(answer.body, limit: 60));"
        case .failure(let failure)?:
            return "failed: \(failure.reason);"
        case nil:
            return "not awaited;"
        }
    }

    // MARK: Requests

    /// Sends the request of command `spec` for `path`, after the check the table asks for (`raft-state` for raft
    /// commands), with the retry rule of the command's safety.
    package func perform(_ spec: CommandSpec, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        if spec.precheck == .raftLeader { try confirmRaftLeader() }
        do {
            return try Self.checkShape(of: try get(path, safety: spec.safety), for: spec, path: path)
        } catch {
            throw error.naming(spec)
        }
    }

    /// A 2xx answer is success only when it holds what the command prints (`-c api` prints anything).
    static func checkShape(of answer: APIAnswer, for spec: CommandSpec, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        if case .route = spec.kind, let problem = AnswerShape.problem(spec.output, answer.document.root) {
            throw .unexpectedAnswer(endpoint: answer.endpoint.url, path: path.encoded, status: answer.status, problem: problem)
        }
        return answer
    }

    /// The bash client's check before raft commands: the node asked must say it leads.
    func confirmRaftLeader() throws(OrchestratorError) {
        try Self.checkRaftState(try get(Self.raftStatePath, safety: .readOnly))
    }

    static let raftStatePath = APIPath(segments: ["raft-state"])

    /// Refuses a `raft-state` answer that does not say `Leader`.
    static func checkRaftState(_ state: APIAnswer) throws(OrchestratorError) {
        guard let text = state.document.root.stringValue, text.contains("Leader") else {
            let shown = state.document.root.byteCount > 200 ? "a \(state.document.root.typeName)"
                : TerminalText.value(JSONPrinter.render(state.json, style: .inline))
            throw .apiFailure(APIFailure(endpoint: state.endpoint.url, status: state.status,
                                         message: "Cannot determine raft state: \(state.endpoint.url) answered raft-state " + shown,
                                         details: nil))
        }
    }

    /// Sends a GET for `path` to the leader and returns the decoded answer.
    ///
    /// Transport failures are retried with backoff within the time bound, for `.changes` only when the
    /// request never reached a server. When another node turns out to lead (`"Not leader"`, or
    /// `Unauthorized` from a node that just lost an election), the leader is detected again, once.
    package func get(_ path: APIPath, safety: RequestSafety) throws(OrchestratorError) -> APIAnswer {
        var retry = RetryState()
        while true {
            let endpoint = try leaderEndpoint()
            let request = try requestStep(to: endpoint, path: path, safety: safety, attempts: retry.attempt)
            let outcome = sender.send([request], isEnough: { _ in true })[0]
            switch try outcomeStep(outcome, endpoint: endpoint, path: path, safety: safety, retry: &retry) {
            case .answer(let answer): return answer
            case .again: continue
            case .pause(let milliseconds): Clock.sleep(milliseconds: milliseconds)
            }
        }
    }

    // MARK: Steps of a request, shared with AsyncOrchestratorSession

    /// What ``get(_:safety:)`` has tried so far.
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
    func requestStep(to endpoint: Endpoint, path: APIPath, safety: RequestSafety = .readOnly,
                     attempts: Int = 1) throws(OrchestratorError) -> HTTPRequest {
        let remaining = remainingMilliseconds
        guard remaining > 0 else {
            throw .timedOut(endpoint: endpoint.url, waitedFor: "the answer to GET /api/\(TerminalText.value(path.encoded, limit: 200))"
                                + Self.attemptsText(attempts),
                            milliseconds: elapsedMilliseconds)
        }
        var request = HTTPRequest(endpoint: endpoint, path: path.encoded, timeoutMilliseconds: remaining)
        request.changes = safety == .changes
        return request
    }

    /// Decides on the outcome of the request for `path`: the answer, another try, or the error to throw.
    func outcomeStep(_ outcome: HTTPOutcome?, endpoint: Endpoint, path: APIPath, safety: RequestSafety,
                     retry: inout RetryState) throws(OrchestratorError) -> NextStep {
        switch outcome {
        case .success(let answer)?:
            do {
                return .answer(try interpret(answer, endpoint: endpoint, path: path))
            } catch let error where !retry.redetected && configuration.endpoints.count > 1 && Self.showsLeaderChange(error) {
                // The node did not act on the request; the new leader can.
                retry.redetected = true
                leader = nil
                return .again
            }
        case .failure(let failure)? where failure.isCancellation:
            // The caller gave up (library only): a change that may have been sent may also have been made.
            if safety == .changes && failure.kind == .cancelledAfterSending {
                throw .outcomeUnknown(endpoint: endpoint.url, path: path.encoded,
                                      what: "the call was cancelled before the answer came")
            }
            throw .cancelled(waitingFor: "the answer to GET /api/\(path.encoded) from \(endpoint.url)")
        case .failure(let failure)?:
            let retryable = failure.kind == .configuration ? false
                : safety == .readOnly ? failure.kind != .tooLarge && failure.kind != .tls : failure.requestNeverSent
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

    static func showsLeaderChange(_ error: OrchestratorError) -> Bool {
        guard let failure = error.failure else { return false }
        // A Percona server may prefix the message with its identity (`Orchestrator <host> says: Unauthorized`).
        let text = failure.messageWithoutIdentity
        return text == "Unauthorized" || text == "Not leader"
    }

    /// Milliseconds since the session started (its bound started with it).
    private var elapsedMilliseconds: Int {
        let started = deadline - UInt64(max(1, configuration.timeouts.totalMilliseconds))
        return Int(Clock.nowMilliseconds() - started)
    }

    static func attemptsText(_ attempts: Int) -> String {
        attempts > 1 ? ", over \(attempts) attempts" : ""
    }

    /// The error for a request that got no usable answer. A change whose request went out is never reported as
    /// "cannot reach": a broken or oversized answer leaves its outcome unknown. A timeout says how long the whole
    /// invocation waited and how many attempts it made (`elapsed`, `attempts`), not only the last attempt's time.
    func error(for failure: TransportFailure, endpoint: Endpoint, path: APIPath, safety: RequestSafety, attempts: Int = 1,
               elapsed: Int? = nil) -> OrchestratorError {
        let sentChange = safety == .changes && !failure.requestNeverSent
        let total = max(elapsed ?? 0, failure.elapsedMilliseconds)
        switch failure.kind {
        case .timeout:
            return .timedOut(endpoint: endpoint.url,
                             waitedFor: "the answer to GET /api/\(TerminalText.value(path.encoded, limit: 200))"
                                 + Self.attemptsText(attempts)
                                 + (sentChange ? " (the change was sent and may or may not have been applied)" : ""),
                             milliseconds: total)
        case .connectTimeout:
            let what = failure.reason.contains("not resolved") ? "its host name to resolve" : "a connection"
            return .timedOut(endpoint: endpoint.url, waitedFor: what + proxyNote(endpoint) + Self.attemptsText(attempts),
                             milliseconds: total)
        case .configuration:
            return .usage(failure.reason)
        case .tooLarge where failure.reason == CurlTransport.outOfMemoryReason:
            return .outOfMemory(endpoint: endpoint.url, path: path.encoded, bytes: nil)
        case .broken where sentChange, .tooLarge where sentChange:
            return .outcomeUnknown(endpoint: endpoint.url, path: path.encoded, what: "no complete answer came back: \(failure.reason)")
        case .tooLarge:
            return .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: nil,
                                     problem: "with something the client does not read: \(failure.reason)")
        case .broken:
            return .unreachable(endpoint: endpoint.url, reason: "no complete answer: \(reason(failure, endpoint: endpoint))")
        default:
            return .unreachable(endpoint: endpoint.url, reason: reason(failure, endpoint: endpoint))
        }
    }

    /// 401/403: "refused our credentials" only when some were sent; else the server needs some.
    func authorizationError(endpoint: Endpoint, status: Int) -> OrchestratorError {
        let sentSome = configuration.credentials != nil || endpoint.credentials != nil || configuration.authHeader != nil
        return sentSome ? .notAuthorized(endpoint: endpoint.url, status: status) : .credentialsNeeded(endpoint: endpoint.url, status: status)
    }

    private func proxyNote(_ endpoint: Endpoint) -> String {
        configuration.proxy.describeProxy(for: endpoint.url).map { " through the proxy \($0)" } ?? ""
    }

    /// Turns an HTTP answer into a result: `Code: ERROR` and HTTP errors become ``OrchestratorError``; a redirect
    /// (never followed) or a status outside 2xx–5xx is never success.
    func interpret(_ answer: HTTPAnswer, endpoint: Endpoint, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        if answer.status == 401 || answer.status == 403 {
            throw authorizationError(endpoint: endpoint, status: answer.status)
        }
        guard MemoryHeadroom.available(answer.body.count * MemoryHeadroom.bytesPerAnswerByte) else {
            throw .outOfMemory(endpoint: endpoint.url, path: path.encoded, bytes: answer.body.count)
        }
        if (300..<400).contains(answer.status) {
            let target = answer.location.map { "a redirect to \(TerminalText.value($0))" } ?? "a redirect without a Location"
            throw .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    problem: "with \(target), which the client does not follow: point ORCHESTRATOR_API "
                                        + "or \(configuration.name(of: .endpoints)) at the API itself (check http or https, host and path)")
        }
        guard (200..<600).contains(answer.status) else {
            throw .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    problem: "which is not an answer status the API uses")
        }
        if NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body) {
            throw .noSuchRoute(NoSuchRoute(endpoint: endpoint.url, path: path.encoded))
        }
        let document: JSONDocument
        do {
            document = try JSONDocument(answer.body)
        } catch {
            if JSONDocument.isNestingError(error) {
                throw .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                        problem: "with JSON nested deeper than \(JSONParser.maximumDepth) levels, "
                                            + "which the client does not read")
            }
            throw .unreadableAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    excerpt: Self.excerpt(answer.body, limit: 120))
        }
        let root = document.root
        if root["Code"]?.stringValue == "ERROR" {
            let details = root["Details"].flatMap { $0.isNull ? nil : $0 }
            throw .apiFailure(APIFailure(endpoint: endpoint.url, status: answer.status, message: root["Message"]?.stringValue ?? "",
                                         details: details.flatMap(Self.tree), answer: Self.tree(root)))
        }
        if answer.status >= 400 {
            let message = root.stringValue ?? root["Message"]?.stringValue ?? "HTTP \(answer.status)"
            throw .apiFailure(APIFailure(endpoint: endpoint.url, status: answer.status, message: message, details: nil,
                                         answer: Self.tree(root)))
        }
        return APIAnswer(endpoint: endpoint, status: answer.status, document: document)
    }

    /// A tree of a value in an error answer; `nil` past 16 MiB, so that a huge error answer costs no more than a
    /// huge answer (it is then not printed).
    static func tree(_ node: JSONNode) -> JSONValue? {
        node.byteCount <= 16 << 20 ? node.value : nil
    }

    /// The start of a body as one printable line: line breaks become spaces; control characters (a proxy's
    /// page may hold terminal escapes) and bidirectional overrides are shown escaped, never sent to the terminal.
    static func excerpt(_ body: [UInt8], limit: Int) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        var line = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { line += "…"; break }
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029:
                line += " "
            default:
                if TerminalText.isUnsafe(scalar) { line += scalar.escaped(asASCII: true) } else { line.unicodeScalars.append(scalar) }
            }
            count += 1
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
