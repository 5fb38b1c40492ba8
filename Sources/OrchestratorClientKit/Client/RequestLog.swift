/// The library's log of requests, at debug level: nothing unless a client was made with a logger (the
/// `OrchestratorClientKitLogging` module's initialisers, which pass swift-log's `Logger` here as a `sink`). The
/// command line never makes one, and this module does not link swift-log, so the command line does not either.
///
/// Each request: the endpoint, the path (query values removed: a raw ``OrchestratorClient/get(path:)`` may carry
/// anything there; credentials never travel in paths), the status or the failure, the duration and the try; each
/// round of leader probes; each change of leader.
package struct RequestLog: Sendable {
    /// One line of the log: a message and its metadata, in order.
    package struct Entry: Sendable {
        package let message: String
        package let metadata: [(key: String, value: String)]
        /// A warning (several nodes claiming leadership), not a record of a request.
        package var isWarning = false
    }

    /// Where the records of requests go; `nil`: none is logged or formatted.
    let sink: (@Sendable (Entry) -> Void)?
    /// Where warnings go, when not to ``sink``'s logger alone.
    let warningSink: (@Sendable (Entry) -> Void)?

    /// `sink` takes every entry; `warningsOnly` takes warnings alone (a logger above debug level).
    package init(sink: (@Sendable (Entry) -> Void)? = nil, warningsOnly: (@Sendable (Entry) -> Void)? = nil) {
        self.sink = sink
        self.warningSink = sink ?? warningsOnly
    }

    /// What the session warned of (see ``OrchestratorSession/warnings``), which a call has no other way to say.
    func warnings(_ texts: [String]) {
        guard let warningSink else { return }
        for text in texts { warningSink(Entry(message: "orchestrator: \(text)", metadata: [], isWarning: true)) }
    }

    func request(_ request: HTTPRequest, outcome: HTTPOutcome?, started: UInt64, attempt: Int, error: OrchestratorError?) {
        guard let sink else { return }
        var metadata: [(key: String, value: String)] = [
            ("orchestrator.endpoint", request.endpoint.url),
            ("orchestrator.path", Self.redacted(request.path)),
            ("orchestrator.duration_ms", "\(Clock.nowMilliseconds() - started)"),
            ("orchestrator.try", "\(attempt + 1)"),
        ]
        metadata.append(Self.describe(outcome))
        if let error { metadata.append(("orchestrator.error", "\(error.code)")) }
        sink(Entry(message: "orchestrator request", metadata: metadata))
    }

    func probes(_ check: String, requests: [HTTPRequest], outcomes: [HTTPOutcome?], leader: Endpoint?, started: UInt64) {
        guard let sink else { return }
        for (request, outcome) in zip(requests, outcomes) {
            sink(Entry(message: "orchestrator leader probe", metadata: [
                ("orchestrator.endpoint", request.endpoint.url), ("orchestrator.path", check),
                ("orchestrator.duration_ms", "\(Clock.nowMilliseconds() - started)"), Self.describe(outcome),
            ]))
        }
        if let leader { sink(Entry(message: "orchestrator leader found", metadata: [("orchestrator.endpoint", leader.url)])) }
    }

    func leaderLost(_ endpoint: Endpoint) {
        sink?(Entry(message: "orchestrator leader lost: detecting it again", metadata: [("orchestrator.endpoint", endpoint.url)]))
    }

    func leaderChanged(from old: Endpoint?, to new: Endpoint?) {
        guard let sink, old != new, let new else { return }
        sink(Entry(message: "orchestrator leader changed", metadata: [
            ("orchestrator.previous_leader", old?.url ?? "none"), ("orchestrator.endpoint", new.url),
        ]))
    }

    private static func describe(_ outcome: HTTPOutcome?) -> (key: String, value: String) {
        switch outcome {
        case .success(let answer)?: ("orchestrator.status", "\(answer.status)")
        case .failure(let failure)?: ("orchestrator.failure", failure.reason)
        case nil: ("orchestrator.failure", "not awaited")
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
