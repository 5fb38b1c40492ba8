import OrchestratorClientKit

/// `-c endpoints`: the report as one line per endpoint and a summary line, or (`--json`) one JSON object; and the
/// exit status of its verdict.
package enum EndpointReportText {
    /// 0 when exactly one endpoint leads and all are healthy, 1 when degraded or our credentials are refused
    /// everywhere (as every other command says a refusal), 3 when no endpoint leads.
    package static func exitStatus(_ report: EndpointReport) -> Int32 {
        switch report.verdict {
        case .healthy: ExitStatus.success
        case .degraded, .credentialsRefused: ExitStatus.apiFailure
        case .noLeader: ExitStatus.unreachable
        }
    }

    /// One line per endpoint, then the summary.
    package static func text(_ report: EndpointReport) -> String {
        let urlWidth = report.endpoints.map(\.endpoint.url.count).max() ?? 0
        var lines = report.endpoints.map { status -> String in
            let url = HelpText.pad(status.endpoint.url, urlWidth)
            if status.leaderCheckStatus == nil, status.credentials == .unknown, let reason = status.unreachableReason(naming: ErrorWording.settingName) {
                return url + "  unreachable: " + reason + (status.roundTripMilliseconds.map { " (after \($0) ms)" } ?? "")
            }
            var fields = [url, HelpText.pad(roleText(status), 9)]
            fields.append(raftText(status))
            if let code = status.leaderCheckStatus { fields.append("leader-check \(code)") }
            if let milliseconds = status.roundTripMilliseconds { fields.append("\(milliseconds) ms") }
            fields.append(credentialsText(status))
            if let expiry = certificateText(status) { fields.append(expiry) }
            // The credentials field above says the credentials' own problem.
            let others = status.problemsBesideCredentials(naming: ErrorWording.settingName)
            if !others.isEmpty { fields.append("problem: " + others.joined(separator: "; ")) }
            return fields.joined(separator: "  ")
        }
        lines.append(summary(report))
        // Text from the servers stands in these lines as sent (messages, raft states and leaders' names, the start
        // of a page, a certificate's subject and dates): each line is shown whole as values from outside are, once,
        // line breaks and terminal controls escaped, so that no answer can forge a line of the report or drive the
        // terminal. `--json` holds the same text as sent, JSON-escaped.
        return lines.map { TerminalText.value($0, limit: lineLimit) + "\n" }.joined()
    }

    /// The most of one line kept: a server's message of a megabyte is no report line.
    static let lineLimit = 4_000

    /// `healthy: leader URL; 3 of 3 endpoints healthy`, with the group's problems when there are any.
    package static func summary(_ report: EndpointReport) -> String {
        var parts: [String] = []
        if let leader = report.leader { parts.append("leader " + leader.endpoint.url) }
        let healthy = report.endpoints.filter(\.isHealthy).count
        parts.append("\(healthy) of \(report.endpoints.count) endpoint\(report.endpoints.count == 1 ? "" : "s") healthy")
        parts += report.problems
        let verdict = switch report.verdict {
        case .noLeader: "no leader"
        case .credentialsRefused: report.endpoints.contains(where: \.credentialsSent) ? "credentials refused" : "credentials required"
        case .healthy, .degraded: report.verdict.rawValue
        }
        return verdict + ": " + parts.joined(separator: "; ")
    }

    static func roleText(_ status: EndpointStatus) -> String {
        switch status.role {
        case .active?: "active"
        case .standby?: "standby"
        case let role?: role.rawValue
        case nil: status.credentialsAccepted == false ? "refused" : "unknown"
        }
    }

    static func raftText(_ status: EndpointStatus) -> String {
        switch (status.role, status.raftHealthy) {
        case (.active?, _), (.standby?, _): return "no raft"
        case (_, true?): return "raft healthy"
        case (_, false?): return "raft unhealthy"
        default: return "raft unknown"
        }
    }

    /// ``EndpointStatus/credentials`` in the line: a refusal, or credentials required, as the problem it is.
    static func credentialsText(_ status: EndpointStatus) -> String {
        if let problem = status.credentials.problem { return problem }
        return switch status.credentials {
        case .accepted: "credentials accepted"
        case .notNeeded: "no credentials needed"
        case .refused, .required, .unknown: "credentials untested"
        }
    }

    /// ``EndpointStatus/credentials`` as `--json` names it.
    static func credentialsName(_ verdict: EndpointStatus.CredentialsVerdict) -> String {
        switch verdict {
        case .accepted: "accepted"
        case .notNeeded: "not-needed"
        case .refused: "refused"
        case .required: "required"
        case .unknown: "unknown"
        }
    }

    /// The earliest expiry of the chain; when it is not the server's own certificate's, which one it is.
    static func certificateText(_ status: EndpointStatus) -> String? {
        guard let expiry = status.certificateExpiry else { return nil }
        let which = status.certificateIsServers == false ? "certificate \"" + (status.certificateSubject ?? "") + "\" of the server's chain" : "certificate"
        guard let at = status.certificateExpiresAt, let days = status.certificateDaysLeft else { return "\(which) expires " + expiry }
        let date = String(at.prefix(10))
        if days < 0 { return "\(which) expired \(date)" }
        return "\(which) expires \(date) (\(days) day\(days == 1 ? "" : "s"))"
    }

    /// The report as one JSON object, for monitoring.
    package static func json(_ report: EndpointReport) -> JSONValue {
        func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        func number(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        func bool(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
        let endpoints = report.endpoints.map { status -> JSONValue in
            .object([
                ("url", .string(status.endpoint.url)),
                ("reachable", .bool(status.unreachableReason(naming: ErrorWording.settingName) == nil || status.credentialsAccepted != nil)),
                ("unreachableReason", string(status.unreachableReason(naming: ErrorWording.settingName))),
                ("answersAsOrchestrator", bool(status.answersAsOrchestrator)),
                ("role", string(status.role?.rawValue)),
                ("leaderCheckStatus", number(status.leaderCheckStatus)),
                ("raftLeader", string(status.raftLeader)),
                ("raftHealthy", bool(status.raftHealthy)),
                ("backendHealthy", bool(status.backendHealthy)),
                ("hostname", string(status.hostname)),
                ("credentialsSent", .bool(status.credentialsSent)),
                ("credentials", .string(credentialsName(status.credentials))),
                ("credentialsStatus", number(status.credentials.status)),
                ("credentialsAccepted", bool(status.credentialsAccepted)),
                ("credentialsInCleartext", .bool(status.credentialsInCleartext)),
                ("proxy", string(status.proxy)),
                ("roundTripMilliseconds", number(status.roundTripMilliseconds)),
                ("certificateExpiry", string(status.certificateExpiry)),
                ("certificateSubject", string(status.certificateSubject)),
                ("certificateIsServers", bool(status.certificateIsServers)),
                ("certificateExpiresAt", string(status.certificateExpiresAt)),
                ("certificateDaysLeft", number(status.certificateDaysLeft)),
                ("healthy", .bool(status.isHealthy)),
                ("problems", .array(status.problems(naming: ErrorWording.settingName).map(JSONValue.string))),
            ])
        }
        let leaders = report.leaders.map(\.endpoint.url)
        return .object([
            ("verdict", .string(report.verdict.rawValue)),
            ("leader", string(report.leader?.endpoint.url)),
            ("leaders", .array(leaders.map(JSONValue.string))),
            ("summary", .string(summary(report))),
            ("problems", .array(report.problems.map(JSONValue.string))),
            ("endpoints", .array(endpoints)),
        ])
    }
}
