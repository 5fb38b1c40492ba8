import OrchestratorClientKit

/// `--dry-run`: the requests an invocation would send, leader probes included, with credentials masked.
enum DryRun {
    static func describe(_ invocation: CommandInvocation, configuration: ClientConfiguration) -> String {
        var lines: [String] = []
        let endpoints = configuration.endpoints
        let sendsRequests: Bool
        switch invocation.command {
        case .whichAPI: sendsRequests = true
        case .help: sendsRequests = false
        case .endpoints:
            // No leader is looked for: every endpoint is asked everything, at once.
            sendsRequests = false
            lines += endpoints.flatMap { endpoint in EndpointReport.probePaths.map { "GET \(endpoint.url)/\($0)" } }
        default: sendsRequests = invocation.path != nil
        }
        let probes = OrchestratorSession.leaderProbePaths
        if endpoints.count > 1 && sendsRequests {
            lines += endpoints.map { "GET \($0.url)/\(probes[0])" }
            lines.append("# then, if no endpoint answers 200: GET <endpoint>/\(probes[1]) on each")
        }
        let base = endpoints.count == 1 ? endpoints[0].url : "<leader>"
        if let first = invocation.pathAskedFirst { lines.append("GET \(base)/\(first)") }
        if let path = invocation.path { lines.append("GET \(base)/\(path)") }
        if let credentials = endpoints.first.flatMap(configuration.basicAuth(for:)) {
            lines.append("# basic auth as \(credentials)")
        }
        if let header = configuration.authHeader {
            lines.append("# header \(header)")
        }
        if sendsRequests, let proxy = endpoints.lazy.compactMap({ configuration.proxyDescription(for: $0) }).first {
            lines.append("# through the proxy \(proxy)")
        }
        if lines.isEmpty { lines.append("# \(invocation.command.name) sends no request") }
        return lines.map { $0 + "\n" }.joined()
    }
}
