/// The version of this client.
package enum ClientVersion {
    /// Semantic version of the library and the executable. The file `VERSION` at the repository root holds it for
    /// the Makefile and the packages; a test fails when the two differ.
    package static let current = "4.0.0"
}

extension OrchestratorClient {
    /// The version of the library (and of the `orchestrator-client` built with it), e.g. `4.0.0`.
    public static var version: String { ClientVersion.current }

    /// The libcurl in use and its TLS library, for a version report: `libcurl 7.88.1, OpenSSL/3.0.17`, or why none
    /// can be used (`libcurl not found`). Loads libcurl if no request has yet (a few milliseconds).
    public static func libcurlDescription() -> String {
        CurlTransport.libraryDescription()
    }
}
