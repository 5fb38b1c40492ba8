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
        /// The node answered, but not in a way that tells its role: a problem, never healthy.
        case unknown
    }

    /// What became of our credentials at this endpoint: judged once, from every probe's answer.
    public enum CredentialsVerdict: Sendable, Equatable {
        /// Sent, and orchestrator answered without refusing them.
        case accepted
        /// None sent, and orchestrator answered without asking for any.
        case notNeeded
        /// Sent, and refused with this status (401 or 403) by one probe or more: a problem.
        case refused(status: Int)
        /// None sent, and this status (401 or 403) asked for some: a problem.
        case required(status: Int)
        /// No answer told: the endpoint did not answer, or its answers are not orchestrator's.
        case unknown

        /// The verdict on `sent` credentials, from `refusal` (the first 401 or 403 of any probe) and whether the
        /// answers are orchestrator's (a web server that answers everything accepts nothing).
        init(sent: Bool, refusal: Int?, answersAsOrchestrator: Bool?) {
            if let refusal {
                self = sent ? .refused(status: refusal) : .required(status: refusal)
            } else if answersAsOrchestrator == true {
                self = sent ? .accepted : .notNeeded
            } else {
                self = .unknown
            }
        }

        /// The HTTP status that refused or asked for credentials; `nil` unless ``refused(status:)`` or ``required(status:)``.
        public var status: Int? {
            switch self {
            case .refused(let status), .required(let status): status
            case .accepted, .notNeeded, .unknown: nil
            }
        }

        /// The problem this verdict is, in ``EndpointStatus/problems``; `nil` when it is none.
        public var problem: String? {
            switch self {
            case .refused(let status): "credentials refused (HTTP \(status))"
            case .required(let status): "credentials required (HTTP \(status)); none sent"
            case .accepted, .notNeeded, .unknown: nil
            }
        }
    }

    /// The endpoint, as configured.
    public let endpoint: Endpoint
    /// Why the endpoint could not be asked (`connection refused`, `TLS failed: …`, the proxy that refused); `nil`
    /// when it answered. Settings it names are named as ``OrchestratorError/message`` names them;
    /// ``unreachableReason(naming:)`` words them.
    public var unreachableReason: String? { unreachableReason(naming: SettingMention.libraryName) }
    /// ``unreachableReason`` with each setting it names worded by `naming` (see ``OrchestratorError/message(naming:)``).
    public func unreachableReason(naming: (Setting) -> String) -> String? {
        rawUnreachableReason.map { SettingMention.word($0, naming: naming) }
    }
    var rawUnreachableReason: String?
    /// The HTTP status of `leader-check`: `200` on the node requests go to, `404` elsewhere.
    public internal(set) var leaderCheckStatus: Int?
    /// Whether its answers are orchestrator's (`raft-state`'s string, or orchestrator's `{"Code", "Message"}`
    /// shape): `false` for another server (a web server, a proxy's page, a wrong path), which is never healthy;
    /// `nil` when nothing told (no answer, or every answer refused our credentials).
    public internal(set) var answersAsOrchestrator: Bool?
    /// The node's role; `nil` when it did not answer, refused our credentials, or is not orchestrator.
    public internal(set) var role: Role?
    /// The raft leader this node names (`raft-leader`): `host:raft-port`, empty when it knows none; `nil` without raft.
    /// As the server sent it (see ``problems``).
    public internal(set) var raftLeader: String?
    /// Whether the node is part of a healthy raft group (`raft-health`); `nil` without raft or when unknown.
    public internal(set) var raftHealthy: Bool?
    /// Whether the node can write to its backend database (`status`); `nil` when unknown.
    public internal(set) var backendHealthy: Bool?
    /// The node's host name, as `status` reports it.
    public internal(set) var hostname: String?
    /// Whether credentials (basic auth or the auth header) were sent.
    public let credentialsSent: Bool
    /// True when the credentials went to this `http://` endpoint in cleartext while other endpoints are `https://`
    /// (``ClientConfiguration/warnings``): a problem of its own, whatever ``credentials`` says.
    public internal(set) var credentialsInCleartext = false
    /// Whether the node accepted our credentials, refused them, or required some (none sent).
    public internal(set) var credentials = CredentialsVerdict.unknown
    /// ``credentials`` as a yes or no: `false` when the node refused our credentials or required some (HTTP 401 or
    /// 403), `true` when orchestrator answered otherwise, `nil` when it did not answer or is not orchestrator.
    public var credentialsAccepted: Bool? {
        switch credentials {
        case .accepted, .notNeeded: true
        case .refused, .required: false
        case .unknown: nil
        }
    }
    /// The proxy the probes went through, as messages show it (`http://proxy:3128 (from http_proxy)`); `nil` when direct.
    public internal(set) var proxy: String?
    /// The round trip of `leader-check`, connecting (and the TLS handshake) included; also set when it failed.
    public internal(set) var roundTripMilliseconds: Int?
    /// The expiry of the certificate that expires first in the chain the server presented (https only), as the
    /// TLS library words it, e.g. `Nov 27 15:44:00 2027 GMT`.
    public internal(set) var certificateExpiry: String?
    /// The subject of that certificate, as the TLS library words it, e.g. `CN = orc.example` (see ``problems``).
    public internal(set) var certificateSubject: String?
    /// True when that certificate is the server's own, false when it is an authority's of the chain after it.
    public internal(set) var certificateIsServers: Bool?
    /// The expiry in UTC, as `2027-11-27T15:44:00Z`, when the text could be read.
    public internal(set) var certificateExpiresAt: String?
    /// Whole days until the certificate expires (negative once expired), when the text could be read.
    public internal(set) var certificateDaysLeft: Int?
    /// What is wrong with this endpoint; empty when it is healthy: the credentials sent in cleartext
    /// (``credentialsInCleartext``), refused or required (``credentials``), then what the answers tell. Settings
    /// named as in ``unreachableReason``.
    ///
    /// Text the servers sent (a `Message`, a `raft-state`, the start of a page, a certificate's subject) stands in
    /// the problems, ``raftLeader``, ``hostname`` and ``certificateSubject`` as sent, line breaks and terminal
    /// controls included: escape it before printing (``OrchestratorError/shown(_:limit:)``). The probes' answers
    /// are bounded (``EndpointReport/probePaths``), and so is the text.
    public var problems: [String] { problems(naming: SettingMention.libraryName) }
    /// ``problems`` with each setting they name worded by `naming` (see ``OrchestratorError/message(naming:)``).
    public func problems(naming: (Setting) -> String) -> [String] { problems(naming: naming, withCredentials: true) }
    /// ``problems(naming:)`` but the one ``credentials`` is (refused, or required): what is left to say beside a
    /// field that shows ``credentials``.
    public func problemsBesideCredentials(naming: (Setting) -> String) -> [String] { problems(naming: naming, withCredentials: false) }

    private func problems(naming: (Setting) -> String, withCredentials: Bool) -> [String] {
        var problems = credentialsInCleartext ? [Self.cleartextProblem] : []
        if withCredentials, let problem = credentials.problem { problems.append(problem) }
        return problems + rawProblems.map { SettingMention.word($0, naming: naming) }
    }
    static let cleartextProblem = "credentials sent over http, in cleartext, while other endpoints use https"
    /// What the answers tell is wrong, besides the credentials.
    var rawProblems: [String] = []

    /// Nothing known yet of `endpoint` but what the configuration says.
    init(endpoint: Endpoint, credentialsSent: Bool) {
        self.endpoint = endpoint
        self.credentialsSent = credentialsSent
    }

    /// True when the node answered `leader-check` with `200`: it is the one requests would go to.
    public var claimsLeadership: Bool { leaderCheckStatus == 200 }

    /// True when the node claims leadership as orchestrator and says nothing against it: its raft-state is not
    /// `Follower`, `Candidate` or `Shutdown` (the report's problems say the contradiction).
    public var leads: Bool {
        guard claimsLeadership, answersAsOrchestrator != false else { return false }
        switch role {
        case .follower?, .candidate?, .shutdown?, .standby?: return false
        case .leader?, .active?, .unknown?, nil: return true
        }
    }

    /// True when nothing is wrong with this endpoint.
    public var isHealthy: Bool { !credentialsInCleartext && credentials.problem == nil && rawProblems.isEmpty }
}

/// Every configured endpoint, probed at once, and the verdict on the whole: exactly one leader and every endpoint
/// healthy, or degraded, or no leader at all, or our credentials refused everywhere.
public struct EndpointReport: Sendable, Equatable {
    /// The verdict on the configured API as a whole.
    public enum Verdict: String, Sendable {
        /// Exactly one endpoint leads and every endpoint is healthy.
        case healthy
        /// One endpoint or more leads, but something is wrong: a node down, two nodes claiming leadership,
        /// credentials refused somewhere, raft or backend unhealthy, an endpoint that is not orchestrator.
        case degraded
        /// No endpoint answers `leader-check` with `200`: no request could be served.
        case noLeader = "no-leader"
        /// No endpoint leads because every endpoint that answered refused our credentials (HTTP 401 or 403), or
        /// required some and none were sent: the cluster may be up; the credentials are what to fix.
        case credentialsRefused = "credentials-refused"
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

    /// The leader: the only endpoint answering `leader-check` with `200`, when it ``EndpointStatus/leads``.
    public var leader: EndpointStatus? {
        let leaders = leaders
        return leaders.count == 1 && leaders[0].leads ? leaders[0] : nil
    }

    /// Judges `endpoints`.
    public init(endpoints: [EndpointStatus]) {
        self.endpoints = endpoints
        var problems: [String] = []
        let leaders = endpoints.filter(\.claimsLeadership)
        // As every other command judges it: when every endpoint that answered leader-check refused the request for
        // its credentials, what is wrong is the credentials, not the cluster.
        let answered = endpoints.filter { $0.leaderCheckStatus != nil }
        let credentialsRefused = leaders.isEmpty && !answered.isEmpty && answered.allSatisfy { $0.credentialsAccepted == false }
        if credentialsRefused {
            let statuses = answered.compactMap(\.leaderCheckStatus).reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            let status = "(HTTP " + statuses.map(String.init).joined(separator: ", ") + ")"
            problems.append(answered.contains(where: \.credentialsSent)
                            ? "every endpoint that answered refused our credentials \(status)"
                            : "every endpoint that answered requires credentials \(status); none were sent")
        } else if leaders.isEmpty {
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
        if credentialsRefused {
            verdict = .credentialsRefused
        } else if leaders.isEmpty {
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
    /// reachable or why not, whether it answers as orchestrator, its role, raft and backend health, whether our
    /// credentials are accepted, the round trip, and for https the earliest expiry in the certificate chain. Sends
    /// no change and never throws: an endpoint that cannot be asked is reported as such.
    public func endpointReport() async -> EndpointReport {
        await AsyncOrchestratorSession(configuration: configuration, sender: connections.sender(for: configuration)).endpointReport()
    }
}
