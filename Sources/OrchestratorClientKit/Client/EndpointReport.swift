#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one configured endpoint answered when every endpoint was probed at once (``OrchestratorClient/endpointReport()``).
public struct EndpointStatus: Sendable, Equatable {
    /// What the node is, as it says itself.
    public enum Role: String, Sendable {
        /// The raft leader (`raft-state` `Leader`).
        case leader
        /// A raft follower.
        case follower
        /// A raft node without a leader: electing, or cut off from its peers.
        case candidate
        /// A raft node shutting down.
        case shutdown
        /// Without raft (one shared backend database): the elected, active node.
        case active
        /// Without raft: a node that is not the active one.
        case standby
        /// The node answered, but not in a way that tells its role.
        case unknown
    }

    /// The endpoint, as configured.
    public let endpoint: Endpoint
    /// Why the endpoint could not be asked (`connection refused`, `TLS failed: …`); `nil` when it answered.
    /// Settings it names are named as ``OrchestratorError/message`` names them; ``unreachableReason(naming:)`` words them.
    public var unreachableReason: String? { unreachableReason(naming: SettingMention.libraryName) }
    /// ``unreachableReason`` with each setting it names worded by `naming` (see ``OrchestratorError/message(naming:)``).
    public func unreachableReason(naming: (Setting) -> String) -> String? {
        rawUnreachableReason.map { SettingMention.word($0, naming: naming) }
    }
    let rawUnreachableReason: String?
    /// The HTTP status of `leader-check`: `200` on the node requests go to, `404` elsewhere.
    public let leaderCheckStatus: Int?
    /// The node's role; `nil` when it did not answer or refused our credentials.
    public let role: Role?
    /// The raft leader this node names (`raft-leader`): `host:raft-port`, empty when it knows none; `nil` without raft.
    public let raftLeader: String?
    /// Whether the node is part of a healthy raft group (`raft-health`); `nil` without raft or when unknown.
    public let raftHealthy: Bool?
    /// Whether the node can write to its backend database (`status`); `nil` when unknown.
    public let backendHealthy: Bool?
    /// The node's host name, as `status` reports it.
    public let hostname: String?
    /// Whether credentials (basic auth or the auth header) were sent.
    public let credentialsSent: Bool
    /// `false` when the node refused our credentials (HTTP 401 or 403), `true` when it answered otherwise,
    /// `nil` when it did not answer.
    public let credentialsAccepted: Bool?
    /// The round trip of `leader-check`, connecting (and the TLS handshake) included; also set when it failed.
    public let roundTripMilliseconds: Int?
    /// The server certificate's expiry as the TLS library words it (https only), e.g. `Nov 27 15:44:00 2027 GMT`.
    public let certificateExpiry: String?
    /// The expiry in UTC, as `2027-11-27T15:44:00Z`, when the text could be read.
    public let certificateExpiresAt: String?
    /// Whole days until the certificate expires (negative once expired), when the text could be read.
    public let certificateDaysLeft: Int?
    /// What is wrong with this endpoint; empty when it is healthy. Settings named as in ``unreachableReason``.
    public var problems: [String] { problems(naming: SettingMention.libraryName) }
    /// ``problems`` with each setting they name worded by `naming` (see ``OrchestratorError/message(naming:)``).
    public func problems(naming: (Setting) -> String) -> [String] { rawProblems.map { SettingMention.word($0, naming: naming) } }
    let rawProblems: [String]

    /// True when the node answered `leader-check` with `200`: it is the one requests would go to.
    public var claimsLeadership: Bool { leaderCheckStatus == 200 }

    /// True when nothing is wrong with this endpoint.
    public var isHealthy: Bool { rawProblems.isEmpty }
}

/// Every configured endpoint, probed at once, and the verdict on the whole: exactly one leader and every endpoint
/// healthy, or degraded, or no leader at all.
public struct EndpointReport: Sendable, Equatable {
    /// The verdict on the configured API as a whole.
    public enum Verdict: String, Sendable {
        /// Exactly one endpoint leads and every endpoint is healthy.
        case healthy
        /// One endpoint or more leads, but something is wrong: a node down, two nodes claiming leadership,
        /// credentials refused somewhere, raft or backend unhealthy.
        case degraded
        /// No endpoint answers `leader-check` with `200`: no request could be served.
        case noLeader = "no-leader"
    }

    /// The read-only paths asked of every endpoint, all at once.
    public static var probePaths: [String] { EndpointProbe.paths }

    /// One status per configured endpoint, in `ORCHESTRATOR_API` order.
    public let endpoints: [EndpointStatus]
    /// What is wrong with the group as a whole (two leaders, nodes naming different leaders), besides the
    /// problems of single endpoints.
    public let problems: [String]
    /// The verdict.
    public let verdict: Verdict

    /// The endpoints that answer `leader-check` with `200`.
    public var leaders: [EndpointStatus] { endpoints.filter(\.claimsLeadership) }

    /// Judges `endpoints`.
    public init(endpoints: [EndpointStatus]) {
        self.endpoints = endpoints
        var problems: [String] = []
        let leaders = endpoints.filter(\.claimsLeadership)
        if leaders.isEmpty {
            problems.append("no endpoint answers leader-check with 200")
        } else if leaders.count > 1 {
            problems.append("\(leaders.count) endpoints claim leadership: " + leaders.map(\.endpoint.url).joined(separator: ", "))
        }
        // Raft nodes that know a leader should all name the same one.
        var named: [String] = []
        for status in endpoints {
            if let leader = status.raftLeader, !leader.isEmpty, !named.contains(leader) { named.append(leader) }
        }
        if named.count > 1 { problems.append("the nodes name different raft leaders: " + named.joined(separator: ", ")) }
        self.problems = problems
        if leaders.isEmpty {
            verdict = .noLeader
        } else if problems.isEmpty && endpoints.allSatisfy(\.isHealthy) {
            verdict = .healthy
        } else {
            verdict = .degraded
        }
    }
}

extension OrchestratorClient {
    /// Probes every configured endpoint at once — `leader-check`, `raft-state`, `raft-leader`, `raft-health` and
    /// `status`, each bounded by the leader-probe timeout and all within the total timeout — and reports on each:
    /// reachable or why not, its role, raft and backend health, whether our credentials are accepted, the round
    /// trip, and for https the certificate's expiry. Sends no change and never throws: an endpoint that cannot be
    /// asked is reported as such.
    public func endpointReport() async -> EndpointReport {
        await AsyncOrchestratorSession(configuration: configuration, sender: connections.sender(for: configuration)).endpointReport()
    }
}

/// The probing behind ``OrchestratorClient/endpointReport()`` and the `endpoints` command: one exchange of every
/// probe with every endpoint, driven by either session.
package final class EndpointProbe: SessionCall {
    /// The read-only paths asked of every endpoint, `leader-check` first (it carries the certificate request).
    package static let paths = [leaderCheck, "raft-state", "raft-leader", "raft-health", "status"]

    /// The leader probe, as leader detection sends it.
    static let leaderCheck = LeaderSearch.probePaths[0]

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
                requests.append(request)
            }
        }
        return requests
    }

    /// The report from the outcomes of ``requests(for:)``, in the same order.
    static func report(configuration: ClientConfiguration, outcomes: [HTTPOutcome?]) -> EndpointReport {
        let now = time(nil)
        return EndpointReport(endpoints: configuration.endpoints.enumerated().map { index, endpoint in
            let answers = Dictionary(uniqueKeysWithValues: paths.enumerated().map { offset, path in
                (path, outcomes.indices.contains(index * paths.count + offset) ? outcomes[index * paths.count + offset] : nil)
            })
            return status(of: endpoint, answers: answers, credentialsSent: configuration.sendsCredentials(to: endpoint), now: Int(now))
        })
    }

    /// Reads one endpoint's answers.
    static func status(of endpoint: Endpoint, answers: [String: HTTPOutcome?], credentialsSent: Bool, now: Int) -> EndpointStatus {
        var problems: [String] = []
        let check = answers[leaderCheck] ?? nil
        var roundTrip: Int?
        var unreachable: String?
        var leaderCheckStatus: Int?
        var expiry: String?
        switch check {
        case .success(let answer)?:
            roundTrip = answer.elapsedMilliseconds
            leaderCheckStatus = answer.status
            expiry = answer.certificateExpiry
        case .failure(let failure)?:
            roundTrip = failure.elapsedMilliseconds
            unreachable = failure.reason
        case nil:
            unreachable = "no answer"
        }
        // Any answer at all, from any probe, says whether the credentials pass.
        let statuses = answers.values.compactMap { outcome -> Int? in
            if case .success(let answer)? = outcome { return answer.status }
            return nil
        }
        let refused = statuses.first { $0 == 401 || $0 == 403 }
        let credentialsAccepted: Bool? = statuses.isEmpty ? nil : refused == nil
        if let reason = unreachable, statuses.isEmpty {
            problems.append("unreachable: \(reason)")
            return EndpointStatus(endpoint: endpoint, rawUnreachableReason: reason, leaderCheckStatus: nil, role: nil, raftLeader: nil,
                                  raftHealthy: nil, backendHealthy: nil, hostname: nil, credentialsSent: credentialsSent,
                                  credentialsAccepted: nil, roundTripMilliseconds: roundTrip, certificateExpiry: nil,
                                  certificateExpiresAt: nil, certificateDaysLeft: nil, rawProblems: problems)
        }
        if let refused {
            problems.append(credentialsSent ? "credentials refused (HTTP \(refused))" : "credentials required (HTTP \(refused)); none sent")
        }
        if case .success(let answer)?? = answers[leaderCheck], NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body) {
            problems.append("not orchestrator's API: leader-check answered 404 page not found (check the URL's /api)")
        } else if let reason = unreachable {
            problems.append("leader-check failed: \(reason)")
        }

        // raft-state: the role, or "not running with raft setup" without raft.
        var role: EndpointStatus.Role?
        var usesRaft: Bool?
        switch read(answers["raft-state"] ?? nil) {
        case .value(.string(let state)):
            usesRaft = true
            switch state {
            case "Leader": role = .leader
            case "Follower": role = .follower
            case "Candidate": role = .candidate
            case "Shutdown": role = .shutdown
            default: role = .unknown
            }
        case .error(let message) where message.hasPrefix("raft-state: not running with raft setup"):
            usesRaft = false
            role = leaderCheckStatus == 200 ? .active : .standby
        case .failed(let reason):
            if refused == nil { problems.append("raft-state failed: \(reason)") }
        default:
            break
        }
        if role == nil && refused == nil && leaderCheckStatus != nil {
            role = leaderCheckStatus == 200 ? .leader : .unknown
        }

        var raftLeader: String?
        var raftHealthy: Bool?
        if usesRaft == true {
            if case .value(.string(let leader)) = read(answers["raft-leader"] ?? nil) { raftLeader = leader }
            switch read(answers["raft-health"] ?? nil) {
            case .value(.string(let health)):
                raftHealthy = health == "healthy"
            case .error(let message):
                raftHealthy = false
                problems.append("raft unhealthy (raft-health: \(message))")
            case .failed(let reason):
                problems.append("raft-health failed: \(reason)")
            default:
                break
            }
            if raftHealthy == false && !problems.contains(where: { $0.hasPrefix("raft unhealthy") }) {
                problems.append("raft unhealthy")
            }
        }

        var backendHealthy: Bool?
        var hostname: String?
        switch read(answers["status"] ?? nil) {
        case .value(let json), .errorAnswer(let json):
            // A failing status answers 500 with the HealthStatus in Details (Percona writes it without a prefix).
            hostname = json["Details"]?["Hostname"]?.stringValue
            let code = json["Code"]?.stringValue
            backendHealthy = json["Details"]?["Healthy"]?.boolValue ?? (code == "OK" ? true : code == "ERROR" ? false : nil)
            if backendHealthy == false {
                let message = ServerMessage.withoutIdentity(json["Message"]?.stringValue ?? "")
                problems.append("backend unhealthy" + (message.isEmpty ? "" : " (status: \(message))"))
            }
        case .error(let message):
            backendHealthy = false
            problems.append("backend unhealthy (status: \(message))")
        case .failed(let reason):
            if refused == nil && unreachable == nil { problems.append("status failed: \(reason)") }
        default:
            break
        }

        let parsed = expiry.flatMap(CertificateDate.init(text:))
        let daysLeft = parsed.map { Int(($0.secondsSinceEpoch - now).dividedRoundingDown(by: 86_400)) }
        if let daysLeft, daysLeft < 0 { problems.append("certificate expired") }
        return EndpointStatus(endpoint: endpoint, rawUnreachableReason: unreachable, leaderCheckStatus: leaderCheckStatus, role: role,
                              raftLeader: raftLeader, raftHealthy: raftHealthy, backendHealthy: backendHealthy, hostname: hostname,
                              credentialsSent: credentialsSent, credentialsAccepted: credentialsAccepted,
                              roundTripMilliseconds: roundTrip, certificateExpiry: expiry, certificateExpiresAt: parsed?.iso8601,
                              certificateDaysLeft: daysLeft, rawProblems: problems)
    }

    /// One probe's answer, as far as the report cares.
    enum Reading {
        /// A JSON answer with a 2xx status.
        case value(JSONValue)
        /// A `{"Code":"ERROR"}` answer, its message without a Percona identity prefix.
        case error(String)
        /// Any other JSON answer with an error status.
        case errorAnswer(JSONValue)
        /// 401/403, a 404 page, or something not JSON: nothing to read.
        case unreadable
        /// No answer: the transport failed.
        case failed(String)
    }

    static func read(_ outcome: HTTPOutcome?) -> Reading {
        switch outcome {
        case .success(let answer)?:
            if answer.status == 401 || answer.status == 403 { return .unreadable }
            guard let json = try? JSONParser.parse(answer.body) else { return .unreadable }
            if (200..<300).contains(answer.status) { return .value(json) }
            if json["Code"]?.stringValue == "ERROR", let message = json["Message"]?.stringValue, json["Details"]?.isNull != false {
                return .error(ServerMessage.withoutIdentity(message))
            }
            return .errorAnswer(json)
        case .failure(let failure)?:
            return .failed(failure.reason)
        case nil:
            return .failed("no answer")
        }
    }
}
