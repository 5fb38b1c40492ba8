import OrchestratorClientKit

extension CommandLineTool {
    /// What `--version` prints: `orchestrator-client 4.0.0 (libcurl 7.88.1, OpenSSL/3.0.17)`, or
    /// `orchestrator-client 4.0.0 (libcurl not found)` when libcurl cannot be loaded.
    static func versionLine() -> String {
        "\(programName) \(OrchestratorClient.version) (\(OrchestratorClient.libcurlDescription()))"
    }
}
