import OrchestratorClientKit

/// `--dry-run`: the requests an invocation would send, leader probes included, with credentials masked.
enum DryRun {
    static func describe(_ request: CommandRequest, configuration: ClientConfiguration) -> String {
        var lines: [String] = []
        let endpoints = configuration.endpoints
        let sendsRequests: Bool
        switch request.spec.kind {
        case .whichAPI: sendsRequests = true
        case .help: sendsRequests = false
        case .endpointReport:
            // No leader is looked for: every endpoint is asked everything, at once.
            sendsRequests = false
            lines += endpoints.flatMap { endpoint in EndpointProbe.paths.map { "GET \(endpoint.url)/\($0)" } }
        case .route, .rawAPI: sendsRequests = request.path != nil
        }
        if endpoints.count > 1 && sendsRequests {
            lines += endpoints.map { "GET \($0.url)/\(LeaderSearch.probePaths[0])" }
            lines.append("# then, if no endpoint answers 200: GET <endpoint>/\(LeaderSearch.probePaths[1]) on each")
        }
        let base = endpoints.count == 1 ? endpoints[0].url : "<leader>"
        if request.spec.precheck == .raftLeader { lines.append("GET \(base)/raft-state") }
        if let path = request.path { lines.append("GET \(base)/\(path.encoded)") }
        if let credentials = endpoints.first.flatMap(configuration.basicAuth(for:)) {
            lines.append("# basic auth as \(credentials)")
        }
        if let header = configuration.authHeader {
            lines.append("# header \(header)")
        }
        if sendsRequests, let proxy = endpoints.lazy.compactMap({ configuration.proxy.describeProxy(for: $0.url) }).first {
            lines.append("# through the proxy \(proxy)")
        }
        if lines.isEmpty { lines.append("# \(request.spec.name) sends no request") }
        return lines.map { $0 + "\n" }.joined()
    }
}
