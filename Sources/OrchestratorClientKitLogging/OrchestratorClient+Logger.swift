import Logging
import OrchestratorClientKit

/// An ``OrchestratorClient`` that logs its requests through swift-log.
///
/// A module of its own so that programs that log nothing, the `orchestrator-client` command line first, do not link
/// swift-log (about 200 KB of the binary): `import OrchestratorClientKitLogging` to use these initialisers.
extension OrchestratorClient {
    /// A client for `configuration` that logs each request to `logger` at debug level: the endpoint, the path
    /// (query values replaced by `…`), the status or the failure, the duration and the try, each round of leader
    /// probes and each change of leader, as metadata (`orchestrator.endpoint`, `orchestrator.path`,
    /// `orchestrator.status`, `orchestrator.failure`, `orchestrator.duration_ms`, `orchestrator.try`,
    /// `orchestrator.previous_leader`); and at warning level what a call warns of (several endpoints claiming to be
    /// the raft leader) and, once, what the configuration does (``ClientConfiguration/warnings``). With `logger.logLevel` above `.debug`, requests are neither logged nor formatted.
    public init(configuration: ClientConfiguration, maximumConcurrentRequestsPerEndpoint: Int = 8, logger: Logger) {
        self.init(configuration: configuration, maximumConcurrentRequestsPerEndpoint: maximumConcurrentRequestsPerEndpoint,
                  requestLog: Self.requestLog(logger))
    }

    /// A client configured from the environment as the command line is, logging to `logger` as
    /// ``init(configuration:maximumConcurrentRequestsPerEndpoint:logger:)`` does.
    public init(environment: ClientEnvironment, maximumConcurrentRequestsPerEndpoint: Int = 8,
                logger: Logger) throws(OrchestratorError) {
        self.init(configuration: try ClientConfiguration.fromEnvironment(environment),
                  maximumConcurrentRequestsPerEndpoint: maximumConcurrentRequestsPerEndpoint, logger: logger)
    }

    private static func requestLog(_ logger: Logger) -> RequestLog {
        let log: @Sendable (RequestLog.Entry) -> Void = { entry in
            var metadata: Logger.Metadata = [:]
            for (key, value) in entry.metadata { metadata[key] = .string(value) }
            if entry.isWarning { logger.warning("\(entry.message)", metadata: metadata) } else { logger.debug("\(entry.message)", metadata: metadata) }
        }
        if logger.logLevel <= .debug { return RequestLog(sink: log) }
        return logger.logLevel <= .warning ? RequestLog(warningsOnly: log) : RequestLog()
    }
}
