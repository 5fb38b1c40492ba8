import Foundation

/// An https proxy in `python3` (tls_proxy.py) on 127.0.0.1, for at most `lifetime` seconds: TLS with its client, then
/// CONNECT tunnels to the target asked for. Logs `HANDSHAKE`, `HANDSHAKE-FAILED reason` and `CONNECT host:port`.
final class TLSProxy: @unchecked Sendable {
    private let running: ScriptServer

    /// The proxy's URL, for `https_proxy`.
    var url: String { "https://127.0.0.1:\(running.port)" }

    init(certificate: String, key: String, lifetime: Int = 30, version: String? = nil, ciphers: String? = nil) throws {
        running = try ScriptServer(script: "tls_proxy", leading: [certificate, key], lifetime: lifetime,
                                   environment: TLSServer.limits(version: version, ciphers: ciphers))
    }

    func stop() { running.stop() }

    /// The log lines so far, after a moment for the proxy's threads to write them.
    func log() -> [String] { running.log() }
}
