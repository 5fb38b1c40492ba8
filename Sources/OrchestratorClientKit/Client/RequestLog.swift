import Logging

/// The library's log of requests, at debug level, through the optional swift-log `Logger` given to
/// ``OrchestratorClient``: nothing without one. The command line never makes one.
///
/// Each request: the endpoint, the path (query values removed: a raw ``OrchestratorClient/get(path:)`` may carry
/// anything there; credentials never travel in paths), the status or the failure, the duration and the try; each
/// round of leader probes; each change of leader.
package struct RequestLog: Sendable {
    let logger: Logger?

    package init(logger: Logger? = nil) {
        self.logger = logger
    }

    func request(_ request: HTTPRequest, outcome: HTTPOutcome?, started: UInt64, attempt: Int, error: OrchestratorError?) {
        guard let logger, logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "orchestrator.endpoint": "\(request.endpoint.url)",
            "orchestrator.path": "\(Self.redacted(request.path))",
            "orchestrator.duration_ms": "\(Clock.nowMilliseconds() - started)",
            "orchestrator.try": "\(attempt + 1)",
        ]
        Self.describe(outcome, into: &metadata)
        if let error { metadata["orchestrator.error"] = "\(error.code)" }
        logger.debug("orchestrator request", metadata: metadata)
    }

    func probes(_ check: String, requests: [HTTPRequest], outcomes: [HTTPOutcome?], leader: Endpoint?, started: UInt64) {
        guard let logger, logger.logLevel <= .debug else { return }
        for (request, outcome) in zip(requests, outcomes) {
            var metadata: Logger.Metadata = [
                "orchestrator.endpoint": "\(request.endpoint.url)",
                "orchestrator.path": "\(check)",
                "orchestrator.duration_ms": "\(Clock.nowMilliseconds() - started)",
            ]
            Self.describe(outcome, into: &metadata)
            logger.debug("orchestrator leader probe", metadata: metadata)
        }
        if let leader { logger.debug("orchestrator leader found", metadata: ["orchestrator.endpoint": "\(leader.url)"]) }
    }

    func leaderLost(_ endpoint: Endpoint) {
        logger?.debug("orchestrator leader lost: detecting it again", metadata: ["orchestrator.endpoint": "\(endpoint.url)"])
    }

    func leaderChanged(from old: Endpoint?, to new: Endpoint?) {
        guard old != new, let new else { return }
        logger?.debug("orchestrator leader changed", metadata: [
            "orchestrator.previous_leader": "\(old?.url ?? "none")", "orchestrator.endpoint": "\(new.url)",
        ])
    }

    private static func describe(_ outcome: HTTPOutcome?, into metadata: inout Logger.Metadata) {
        switch outcome {
        case .success(let answer)?: metadata["orchestrator.status"] = "\(answer.status)"
        case .failure(let failure)?: metadata["orchestrator.failure"] = "\(failure.reason)"
        case nil: metadata["orchestrator.failure"] = "not awaited"
        }
    }

    /// `path` with each query value replaced by `…`.
    static func redacted(_ path: String) -> String {
        guard let question = path.firstIndex(of: "?") else { return path }
        let query = path[path.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            pair.split(separator: "=", maxSplits: 1).first.map { "\($0)=…" } ?? ""
        }
        return path[..<question] + "?" + query.joined(separator: "&")
    }
}
