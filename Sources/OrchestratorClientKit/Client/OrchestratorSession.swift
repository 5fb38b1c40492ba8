/// An answer the API gave successfully.
package struct APIAnswer: Sendable, Equatable {
    /// The endpoint that answered.
    package let endpoint: Endpoint
    /// The HTTP status.
    package let status: Int
    /// The decoded body.
    package let json: JSONValue
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
/// A session is used from one thread at a time; create one per task.
package final class OrchestratorSession {
    /// The configuration in use.
    package let configuration: ClientConfiguration
    private let sender: HTTPSending
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
        self.sender = sender ?? CurlTransport(configuration: configuration)
        self.deadline = Clock.nowMilliseconds() + UInt64(max(1, configuration.timeouts.totalMilliseconds))
        self.leader = knownLeader.flatMap { configuration.endpoints.contains($0) ? $0 : nil }
    }

    /// The leader this session found or was given, if any yet.
    package var currentLeader: Endpoint? { leader }

    private var remainingMilliseconds: Int {
        let now = Clock.nowMilliseconds()
        return now >= deadline ? 0 : Int(deadline - now)
    }

    // MARK: Leader detection

    /// The endpoint requests go to: the only one configured, or the raft leader among several.
    ///
    /// All endpoints are asked `leader-check` at once and the first `200` wins without waiting for the
    /// others; failing that, `routed-leader-check` the same way (a follower that can route to the leader).
    package func leaderEndpoint() throws(OrchestratorError) -> Endpoint {
        if let leader { return leader }
        let endpoints = configuration.endpoints
        if endpoints.count == 1 {
            leader = endpoints[0]
            return endpoints[0]
        }
        var report = endpoints.map { $0.url + ":" }
        for check in ["leader-check", "routed-leader-check"] {
            let timeout = min(configuration.timeouts.leaderProbeMilliseconds, remainingMilliseconds)
            guard timeout > 0 else { break }
            let requests = endpoints.map { HTTPRequest(endpoint: $0, path: check, timeoutMilliseconds: timeout) }
            let outcomes = sender.send(requests) { outcome in
                if case .success(let answer) = outcome { return answer.status == 200 }
                return false
            }
            for (index, outcome) in outcomes.enumerated() {
                if case .success(let answer)? = outcome, answer.status == 200 {
                    leader = endpoints[index]
                    return endpoints[index]
                }
                report[index] += " \(check) " + Self.describeProbe(outcome)
            }
            // Every node that answered refused our credentials: say so, rather than "no leader".
            let answered = outcomes.enumerated().compactMap { index, outcome -> (index: Int, answer: HTTPAnswer)? in
                if case .success(let answer)? = outcome { return (index, answer) }
                return nil
            }
            if let first = answered.first, answered.allSatisfy({ $0.answer.status == 401 || $0.answer.status == 403 }) {
                throw .notAuthorized(endpoint: endpoints[first.index].url, status: first.answer.status)
            }
        }
        throw .noLeader(endpoints: report)
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
            return try get(path, safety: spec.safety)
        } catch {
            throw error.naming(spec)
        }
    }

    /// The bash client's check before raft commands: the node asked must say it leads.
    func confirmRaftLeader() throws(OrchestratorError) {
        let state = try get(APIPath(segments: ["raft-state"]), safety: .readOnly)
        guard let text = state.json.stringValue, text.contains("Leader") else {
            throw .apiFailure(APIFailure(endpoint: state.endpoint.url, status: state.status,
                                         message: "Cannot determine raft state: \(state.endpoint.url) answered raft-state "
                                             + JSONPrinter.render(state.json, style: .inline),
                                         details: nil))
        }
    }

    /// Sends a GET for `path` to the leader and returns the decoded answer.
    ///
    /// Transport failures are retried with backoff within the time bound, for `.changes` only when the
    /// request never reached a server. When another node turns out to lead (`"Not leader"`, or
    /// `Unauthorized` from a node that just lost an election), the leader is detected again, once.
    package func get(_ path: APIPath, safety: RequestSafety) throws(OrchestratorError) -> APIAnswer {
        var redetected = false
        var attempt = 0
        while true {
            let endpoint = try leaderEndpoint()
            let remaining = remainingMilliseconds
            guard remaining > 0 else {
                throw .timedOut(endpoint: endpoint.url, waitedFor: "the answer to GET /api/\(path.encoded)",
                                milliseconds: configuration.timeouts.totalMilliseconds)
            }
            let request = HTTPRequest(endpoint: endpoint, path: path.encoded, timeoutMilliseconds: remaining)
            let outcome = sender.send([request], isEnough: { _ in true })[0]
            switch outcome {
            case .success(let answer)?:
                do {
                    return try interpret(answer, endpoint: endpoint, path: path)
                } catch let error where !redetected && configuration.endpoints.count > 1 && Self.showsLeaderChange(error) {
                    // The node did not act on the request; the new leader can.
                    redetected = true
                    leader = nil
                    continue
                }
            case .failure(let failure)?:
                let retryable = safety == .readOnly ? failure.kind != .tooLarge && failure.kind != .tls : failure.requestNeverSent
                if retryable && attempt < Self.backoffMilliseconds.count {
                    let pause = Self.backoffMilliseconds[attempt]
                    if remainingMilliseconds > pause {
                        attempt += 1
                        if configuration.endpoints.count > 1 && failure.requestNeverSent { leader = nil }
                        Clock.sleep(milliseconds: pause)
                        continue
                    }
                }
                throw Self.error(for: failure, endpoint: endpoint, path: path)
            case nil:
                throw .unreachable(endpoint: endpoint.url, reason: "no answer")
            }
        }
    }

    static func showsLeaderChange(_ error: OrchestratorError) -> Bool {
        guard let failure = error.failure else { return false }
        // A Percona server may prefix the message with its identity (`Orchestrator <host> says: Unauthorized`).
        let text = failure.messageWithoutIdentity
        return text == "Unauthorized" || text == "Not leader"
    }

    static func error(for failure: TransportFailure, endpoint: Endpoint, path: APIPath) -> OrchestratorError {
        switch failure.kind {
        case .timeout:
            return .timedOut(endpoint: endpoint.url, waitedFor: "the answer to GET /api/\(path.encoded)",
                             milliseconds: failure.elapsedMilliseconds)
        case .connectTimeout:
            return .timedOut(endpoint: endpoint.url, waitedFor: "a connection", milliseconds: failure.elapsedMilliseconds)
        default:
            return .unreachable(endpoint: endpoint.url, reason: failure.reason)
        }
    }

    /// Turns an HTTP answer into a result: `Code: ERROR` and HTTP errors become ``OrchestratorError``.
    func interpret(_ answer: HTTPAnswer, endpoint: Endpoint, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        if answer.status == 401 || answer.status == 403 {
            throw .notAuthorized(endpoint: endpoint.url, status: answer.status)
        }
        if NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body) {
            throw .noSuchRoute(NoSuchRoute(endpoint: endpoint.url, path: path.encoded))
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(answer.body)
        } catch {
            throw .unreadableAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    excerpt: Self.excerpt(answer.body, limit: 120))
        }
        if json["Code"]?.stringValue == "ERROR" {
            let details = json["Details"].flatMap { $0.isNull ? nil : $0 }
            throw .apiFailure(APIFailure(endpoint: endpoint.url, status: answer.status,
                                         message: json["Message"]?.stringValue ?? "", details: details, answer: json))
        }
        if answer.status >= 400 {
            let message = json.stringValue ?? json["Message"]?.stringValue ?? "HTTP \(answer.status)"
            throw .apiFailure(APIFailure(endpoint: endpoint.url, status: answer.status, message: message, details: nil, answer: json))
        }
        return APIAnswer(endpoint: endpoint, status: answer.status, json: json)
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
            case 0x00..<0x20, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                line += scalar.escaped(asASCII: true)
            default:
                line.unicodeScalars.append(scalar)
            }
            count += 1
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
