/// The version of this client.
public enum ClientVersion {
    /// Semantic version of the library and the executable. The file `VERSION` at the repository root holds it for
    /// the Makefile and the packages; a test fails when the two differ.
    public static let current = "4.0.0"

    /// What `--version` prints: `orchestrator-client 4.0.0 (libcurl 7.88.1, OpenSSL/3.0.17)`, or
    /// `orchestrator-client 4.0.0 (libcurl not found)` when libcurl cannot be loaded.
    package static func versionLine(program: String) -> String {
        "\(program) \(current) (\(CurlTransport.libraryDescription()))"
    }
}
