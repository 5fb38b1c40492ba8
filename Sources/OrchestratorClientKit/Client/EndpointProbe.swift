#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The probing behind ``OrchestratorClient/endpointReport()`` and the `endpoints` command: one exchange of every
/// probe with every endpoint, driven by either session, and the judgement of each endpoint's answers.
package final class EndpointProbe: SessionCall {
    /// The read-only paths asked of every endpoint, `leader-check` first (it carries the certificate request).
    package static let paths = [leaderCheck, "raft-state", "raft-leader", "raft-health", "status"]

    /// The leader probe, as leader detection sends it.
    static let leaderCheck = LeaderSearch.probePaths[0]

    /// The most a probe reads: orchestrator answers `leader-check` and the `raft-*` probes with a short JSON string,
    /// `status` with one small object (the node's health and the few orchestrator nodes). A larger answer is a
    /// finding of its own, and memory stays bounded whatever the endpoints send.
    static func answerLimit(for path: String) -> Int { path == "status" ? 1 << 20 : 64 << 10 }

    func start(_ core: SessionCore) -> SessionAction<EndpointReport> {
        .send(Exchange(requests: Self.requests(for: core.configuration), preferringEarlier: false, isEnough: { _ in false }))
    }

    func resume(_ event: SessionEvent, _ core: SessionCore) -> SessionAction<EndpointReport> {
        let outcomes: [HTTPOutcome?]
        if case .answered(let answered, _) = event { outcomes = answered } else { outcomes = [] }
        return .done(Self.report(configuration: core.configuration, outcomes: outcomes))
    }

    /// The probes: every path of ``paths`` for every endpoint, in that order.
    static func requests(for configuration: ClientConfiguration) -> [HTTPRequest] {
        let timeout = max(1, min(configuration.timeouts.leaderProbeMilliseconds, configuration.timeouts.totalMilliseconds))
        var requests: [HTTPRequest] = []
        for endpoint in configuration.endpoints {
            for path in paths {
                var request = HTTPRequest(endpoint: endpoint, path: path, timeoutMilliseconds: timeout)
                request.wantsCertificate = path == leaderCheck && endpoint.url.hasPrefix("https://")
                request.maximumAnswerBytes = answerLimit(for: path)
                requests.append(request)
            }
        }
        return requests
    }

    /// The report from the outcomes of ``requests(for:)``, in the same order.
    static func report(configuration: ClientConfiguration, outcomes: [HTTPOutcome?]) -> EndpointReport {
        let now = Int(time(nil))
        return EndpointReport(endpoints: configuration.endpoints.enumerated().map { index, endpoint in
            let proxy = configuration.proxy.describeProxy(for: endpoint.url)
            var results: [String: ProbeResult] = [:]
            for (offset, path) in paths.enumerated() {
                let position = index * paths.count + offset
                results[path] = result(outcomes.indices.contains(position) ? outcomes[position] : nil, path: path,
                                       endpoint: endpoint, proxy: proxy)
            }
            var status = EndpointStatus(endpoint: endpoint, credentialsSent: configuration.sendsCredentials(to: endpoint))
            status.proxy = proxy
            status.credentialsInCleartext = configuration.endpointsGettingCredentialsInCleartext.contains(endpoint)
            judge(&status, results: results, now: now)
            return status
        })
    }

    /// One probe as the report reads it: an HTTP answer from the endpoint itself, or why none came.
    enum ProbeResult {
        case answer(HTTPAnswer)
        /// No answer from the endpoint: the reason in words (the proxy named when the failure was the proxy's).
        case failed(String, milliseconds: Int?)
    }

    /// `outcome` as the report reads it, judged and worded as for every command (``SessionCore/judged(_:endpoint:proxy:)``,
    /// ``SessionCore/reason(_:proxy:offeringDirect:)``): a forwarding proxy's refusal is the proxy's, never the
    /// endpoint's answer; a failure at the proxy names it, others through a proxy say so.
    static func result(_ outcome: HTTPOutcome?, path: String, endpoint: Endpoint, proxy: String?) -> ProbeResult {
        switch SessionCore.judged(outcome, endpoint: endpoint, proxy: proxy) {
        case .success(let answer)?:
            return .answer(answer)
        case .failure(let failure)? where failure.kind == .tooLarge && failure.reason != CurlTransport.outOfMemoryReason:
            return .failed("answer too large for a probe (over \(CurlTransport.describeSize(answerLimit(for: path))))",
                           milliseconds: failure.elapsedMilliseconds)
        case .failure(let failure)?:
            return .failed(SessionCore.reason(failure, proxy: proxy), milliseconds: failure.elapsedMilliseconds)
        case nil:
            return .failed("no answer", milliseconds: nil)
        }
    }

    /// Fills `status` from one endpoint's probe results. Text from the server stays as sent (``EndpointStatus/problems``).
    static func judge(_ status: inout EndpointStatus, results: [String: ProbeResult], now: Int) {
        var problems: [String] = []
        defer { status.rawProblems = problems }
        var unreachable: String?
        switch results[leaderCheck] {
        case .answer(let answer)?:
            status.roundTripMilliseconds = answer.elapsedMilliseconds
            status.leaderCheckStatus = answer.status
            judgeCertificate(&status, answer.certificateExpiry, now: now, problems: &problems)
        case .failed(let reason, let milliseconds)?:
            status.roundTripMilliseconds = milliseconds
            unreachable = reason
        case nil:
            unreachable = "no answer"
        }
        status.rawUnreachableReason = unreachable
        // Any answer at all, from any probe, says whether the credentials pass.
        let statuses = results.values.compactMap { result -> Int? in
            if case .answer(let answer) = result { return answer.status }
            return nil
        }
        if let reason = unreachable, statuses.isEmpty {
            problems.append("unreachable: \(reason)")
            return
        }
        let refused = statuses.first { $0 == 401 || $0 == 403 }
        if let reason = unreachable { problems.append("leader-check failed: \(reason)") }

        let raftState = read(results["raft-state"])
        let health = read(results["status"])
        status.answersAsOrchestrator = answersAsOrchestrator(leaderCheck: read(results[leaderCheck]), raftState: raftState, status: health)
        status.credentials = .init(sent: status.credentialsSent, refusal: refused, answersAsOrchestrator: status.answersAsOrchestrator)
        if status.answersAsOrchestrator == false {
            problems.append(notOrchestrator(results, proxy: status.proxy))
            return
        }
        if case .answer(let answer)? = results[leaderCheck], NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body) {
            problems.append("not orchestrator's API: leader-check answered 404 page not found (check the URL's /api)")
        }

        // raft-state: the role. Only a raft state or a node without raft is a known role; anything else is a problem.
        var usesRaft: Bool?
        switch raftState {
        case _ where saysWithoutRaft(raftState):
            usesRaft = false
            status.role = status.leaderCheckStatus == 200 ? .active : .standby
        case .value(.string(let state)):
            usesRaft = true
            guard let role = EndpointStatus.Role(raftState: state) else {
                status.role = .unknown
                problems.append("raft-state answered \"\(state)\", which is not a raft state")
                break
            }
            status.role = role
            // Both come from the node's raft: a leader answers leader-check with 200, any other state does not.
            if refused == nil, let code = status.leaderCheckStatus, (role == .leader) != (code == 200) {
                problems.append((code == 200 ? "leader-check answered 200 but raft-state answered \(state)"
                                             : "raft-state answered \(state) but leader-check answered \(code)")
                                + ": the answers contradict each other (leadership changing, or a load balancer sending the probes to different nodes)")
            }
        case .failed(let reason):
            guard refused == nil else { break }
            problems.append("raft-state failed: \(reason)")
            if status.leaderCheckStatus != nil { status.role = status.leaderCheckStatus == 200 ? .leader : .unknown }
        case .refused:
            break
        case .value, .error, .errorAnswer, .foreign:
            status.role = .unknown
            if case .answer(let answer)? = results["raft-state"] {
                problems.append("raft-state answered \(describe(answer)), which is not a raft state")
            }
        }
        if usesRaft == true { judgeRaft(&status, results: results, problems: &problems) }
        judgeBackend(&status, health, judgedAlready: refused != nil || unreachable != nil, problems: &problems)
    }

    /// `raft-leader` and `raft-health` of a raft node.
    static func judgeRaft(_ status: inout EndpointStatus, results: [String: ProbeResult], problems: inout [String]) {
        if case .value(.string(let leader)) = read(results["raft-leader"]) { status.raftLeader = leader }
        switch read(results["raft-health"]) {
        case .value(.string(let health)):
            status.raftHealthy = health == "healthy"
        case .error(let message):
            status.raftHealthy = false
            problems.append("raft unhealthy (raft-health: \(message))")
        case .failed(let reason):
            problems.append("raft-health failed: \(reason)")
        default:
            break
        }
        if status.raftHealthy == false && !problems.contains(where: { $0.hasPrefix("raft unhealthy") }) {
            problems.append("raft unhealthy")
        }
    }

    /// `status`: the backend's health and the node's host name. `judgedAlready`: the endpoint's failure is said.
    static func judgeBackend(_ status: inout EndpointStatus, _ health: Reading, judgedAlready: Bool, problems: inout [String]) {
        switch health {
        case .value(let json), .errorAnswer(let json):
            // A failing status answers 500 with the HealthStatus in Details (Percona writes it without a prefix).
            status.hostname = json["Details"]?["Hostname"]?.stringValue
            let code = json["Code"]?.stringValue
            status.backendHealthy = json["Details"]?["Healthy"]?.boolValue ?? (code == "OK" ? true : code == "ERROR" ? false : nil)
            if status.backendHealthy == false {
                let message = ServerMessage.withoutIdentity(json["Message"]?.stringValue ?? "")
                problems.append("backend unhealthy" + (message.isEmpty ? "" : " (status: \(message))"))
            }
        case .error(let message):
            status.backendHealthy = false
            problems.append("backend unhealthy (status: \(message))")
        case .failed(let reason):
            if !judgedAlready { problems.append("status failed: \(reason)") }
        case .foreign(let answer):
            problems.append("status answered \(describe(answer)), not orchestrator's health")
        case .refused:
            break
        }
    }

    /// The earliest expiry of the server's certificate chain; expired, it is a problem.
    static func judgeCertificate(_ status: inout EndpointStatus, _ certificate: EarliestCertificate?, now: Int, problems: inout [String]) {
        guard let certificate else { return }
        status.certificateExpiry = certificate.expiry
        status.certificateSubject = certificate.subject
        status.certificateIsServers = certificate.isServers
        guard let date = CertificateDate(text: certificate.expiry) else { return }
        status.certificateExpiresAt = date.iso8601
        let daysLeft = (date.secondsSinceEpoch - now).dividedRoundingDown(by: 86_400)
        status.certificateDaysLeft = daysLeft
        if daysLeft < 0 {
            problems.append(certificate.isServers ? "certificate expired"
                            : "certificate \"\(certificate.subject)\" of the server's chain expired")
        }
    }
}

// MARK: - Reading one probe's answer

extension EndpointProbe {
    /// One probe's answer, as far as the report cares.
    enum Reading {
        /// A JSON answer with a 2xx status.
        case value(JSONValue)
        /// A `{"Code":"ERROR"}` answer, its message without a Percona identity prefix.
        case error(String)
        /// Any other JSON answer with an error status.
        case errorAnswer(JSONValue)
        /// 401/403: nothing to read.
        case refused
        /// An answer that is not JSON: orchestrator never sends one (another server, a wrong path, a proxy's page).
        case foreign(HTTPAnswer)
        /// No answer: the transport failed, or the proxy refused.
        case failed(String)
    }

    static func read(_ result: ProbeResult?) -> Reading {
        switch result {
        case .answer(let answer)?:
            if answer.status == 401 || answer.status == 403 { return .refused }
            guard let json = try? JSONParser.parse(answer.body) else { return .foreign(answer) }
            if (200..<300).contains(answer.status) { return .value(json) }
            if json["Code"]?.stringValue == "ERROR", let message = json["Message"]?.stringValue, json["Details"]?.isNull != false {
                return .error(ServerMessage.withoutIdentity(message))
            }
            return .errorAnswer(json)
        case .failed(let reason, _)?:
            return .failed(reason)
        case nil:
            return .failed("no answer")
        }
    }

    /// Whether `raft-state`'s answer says the node runs without raft: orchestrator's "not running with raft setup"
    /// (after the identity Percona may put first), or its router's `404 page not found` from an orchestrator older
    /// than raft.
    static func saysWithoutRaft(_ raftState: Reading) -> Bool {
        switch raftState {
        case .error(let message): message.hasPrefix("raft-state: not running with raft setup")
        case .foreign(let answer): NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body)
        default: false
        }
    }

    /// Whether the answers are orchestrator's: `leader-check` or `raft-state` answering a JSON string, or any of
    /// them in orchestrator's `{"Code": "OK" or "ERROR", "Message": …}` shape. `false` when `raft-state` or `status`
    /// answered something else and nothing answered as orchestrator; `nil` when nothing told (no answer, refused).
    static func answersAsOrchestrator(leaderCheck: Reading, raftState: Reading, status: Reading) -> Bool? {
        func isOrchestrators(_ reading: Reading, stringExpected: Bool) -> Bool {
            switch reading {
            case .value(.string): return stringExpected
            case .value(let json), .errorAnswer(let json):
                return OrchestratorAnswer.isEnvelope(json)
            case .error: return true
            case .refused, .foreign, .failed: return false
            }
        }
        if isOrchestrators(leaderCheck, stringExpected: true) || isOrchestrators(raftState, stringExpected: true)
            || isOrchestrators(status, stringExpected: false) {
            return true
        }
        let answered = [raftState, status].contains { reading in
            switch reading {
            case .refused, .failed: false
            default: true
            }
        }
        return answered ? false : nil
    }

    /// The problem of an endpoint whose answers are not orchestrator's: what `raft-state` and `status` answered.
    static func notOrchestrator(_ results: [String: ProbeResult], proxy: String?) -> String {
        // Each answer once, with the probes that got it (a web server answers every path alike).
        var said: [(answer: String, paths: [String])] = []
        var routerPage = false
        for path in ["raft-state", "status"] {
            guard case .answer(let answer)? = results[path] else { continue }
            let described = describe(answer)
            if let index = said.firstIndex(where: { $0.answer == described }) { said[index].paths.append(path) } else { said.append((described, [path])) }
            routerPage = routerPage || NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body)
        }
        return "answers, but not as orchestrator" + (proxy.map { " (through the proxy \($0))" } ?? "") + ": "
            + said.map { "\($0.answer) to " + $0.paths.joined(separator: " and ") }.joined(separator: ", ")
            + (routerPage ? "; this is the page of a web server without that path: check the URL's /api" : "")
    }

    /// An answer in a few words: `HTTP 200 text/html "<html><head>…"`; the server's text as sent.
    static func describe(_ answer: HTTPAnswer) -> String {
        var text = "HTTP \(answer.status) " + (answer.contentType ?? "without a content type")
        let excerpt = OrchestratorError.lineStart(of: answer.body, limit: 40)
        if !excerpt.isEmpty { text += " \"\(excerpt)\"" }
        return text
    }
}

extension EndpointStatus.Role {
    /// The role of a raft node as `raft-state` words it; `nil` for any other text.
    init?(raftState: String) {
        switch raftState {
        case "Leader": self = .leader
        case "Follower": self = .follower
        case "Candidate": self = .candidate
        case "Shutdown": self = .shutdown
        default: return nil
        }
    }
}
