import Foundation
import TestServer

/// Runs a tool (openssl) that must succeed.
enum ExternalTool {
    static func find(_ name: String) -> String? { Support.find(name) }

    @discardableResult
    static func run(_ name: String, _ arguments: [String], in directory: String) throws -> String {
        guard let executable = find(name) else { throw TLSTestError.missingTool(name) }
        let result = try Support.run(arguments, timeout: 60, program: executable, inheritEnvironment: true, directory: directory)
        let text = result.stdout + result.stderr
        guard result.status == 0 else { throw TLSTestError.toolFailed("\(name) \(arguments.joined(separator: " ")): \(text)") }
        return text
    }
}

enum TLSTestError: Error, CustomStringConvertible {
    case missingTool(String)
    case toolFailed(String)
    case serverDidNotStart(String)

    var description: String {
        switch self {
        case .missingTool(let name): return "\(name) is needed for the TLS tests and was not found on PATH"
        case .toolFailed(let text): return "failed: \(text)"
        case .serverDidNotStart(let text): return "the TLS test server did not start: \(text)"
        }
    }
}

/// The PKI's directory, removed when the test process exits.
private let createdDirectory = Locked<String?>(nil)

/// A throwaway certificate authority, made with the `openssl` CLI in a temporary directory: a server
/// certificate for 127.0.0.1/localhost, one for another host name, and a client certificate, all signed by it.
struct TestPKI: Sendable {
    let directory: String
    var caCertificate: String { directory + "/ca.pem" }
    var serverCertificate: String { directory + "/server.pem" }
    var serverKey: String { directory + "/server.key" }
    var otherHostCertificate: String { directory + "/other.pem" }
    var otherHostKey: String { directory + "/other.key" }
    var clientCertificate: String { directory + "/client.pem" }
    var clientKey: String { directory + "/client.key" }
    /// A client certificate signed by a CA the server does not trust.
    var strangerCertificate: String { directory + "/stranger.pem" }
    var strangerKey: String { directory + "/stranger.key" }
    /// The stranger CA, and a certificate for 127.0.0.1 it signed: an https proxy's, trusted apart from orchestrator's.
    var strangerCACertificate: String { directory + "/stranger-ca.pem" }
    var proxyCertificate: String { directory + "/proxy.pem" }
    var proxyKey: String { directory + "/proxy.key" }
    /// A certificate for 127.0.0.1 with an RSA key, signed by the CA: a server with static-RSA ciphers (TLS 1.0).
    var rsaServerCertificate: String { directory + "/rsa-server.pem" }
    var rsaServerKey: String { directory + "/rsa-server.key" }

    /// Made once per test run; `nil` with the reason when openssl is missing or fails.
    static let shared: Result<TestPKI, TLSTestError> = {
        do { return .success(try make()) } catch let error as TLSTestError { return .failure(error) } catch {
            return .failure(.toolFailed("\(error)"))
        }
    }()

    static func make() throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("occ-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        createdDirectory.with { $0 = directory }
        atexit { createdDirectory.with { path in path.map { _ = try? FileManager.default.removeItem(atPath: $0) } } }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        func authority(_ name: String) throws {
            try ExternalTool.run("openssl", ["req", "-x509"] + curve + ["-keyout", "\(name).key", "-out", "\(name).pem", "-days", "3",
                                    "-subj", "/CN=orchestrator-client test CA \(name)",
                                    "-addext", "basicConstraints=critical,CA:TRUE",
                                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: directory)
        }
        func leaf(_ name: String, commonName: String, extensions: String, signer: String, key: [String] = curve) throws {
            try extensions.write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
            try ExternalTool.run("openssl", ["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(commonName)"],
                         in: directory)
            try ExternalTool.run("openssl", ["x509", "-req", "-in", "\(name).csr", "-CA", "\(signer).pem", "-CAkey", "\(signer).key",
                                     "-CAcreateserial", "-out", "\(name).pem", "-days", "3", "-extfile", "\(name).ext"], in: directory)
        }
        try authority("ca")
        try authority("stranger-ca")
        try leaf("server", commonName: "127.0.0.1",
                 extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
                 signer: "ca")
        let serverExtensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
        try leaf("proxy", commonName: "127.0.0.1", extensions: serverExtensions, signer: "stranger-ca")
        try leaf("rsa-server", commonName: "127.0.0.1", extensions: serverExtensions, signer: "ca",
                 key: ["-newkey", "rsa:2048", "-nodes"])
        try leaf("other", commonName: "elsewhere.example",
                 extensions: "subjectAltName=DNS:elsewhere.example\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
                 signer: "ca")
        let clientExtensions = "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n"
        try leaf("client", commonName: "orchestrator-client-test", extensions: clientExtensions, signer: "ca")
        try leaf("stranger", commonName: "stranger", extensions: clientExtensions, signer: "stranger-ca")
        for key in ["ca", "stranger-ca", "server", "other", "client", "stranger", "proxy", "rsa-server"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(directory)/\(key).key")
        }
        return TestPKI(directory: directory)
    }
}

/// A tiny HTTPS server in `python3` (`ssl` module) on 127.0.0.1, for at most `lifetime` seconds. Every TLS
/// handshake and every request is logged, so a test can assert that no request was served. The endpoint report's
/// `raft-*` and `status` probes are answered as a healthy raft leader answers them; any other GET with one
/// `clusters-info` entry for `tls-cluster:3306`.
final class TLSServer: @unchecked Sendable {
    private let running: ScriptServer
    var port: Int { running.port }

    var apiURL: String { "https://127.0.0.1:\(port)/api" }

    /// - Parameters:
    ///   - clientCA: when set, a client certificate signed by this CA is required (mutual TLS).
    ///   - graceful: after a failed handshake, read what the client sent before closing (as a careful server does),
    ///     rather than closing at once (as Go's does), which resets the connection when the request was already sent.
    ///   - keepAlive: serve any number of requests on a connection (to count reused connections), rather than one and close.
    ///   - version: the one TLS version served (`TLSv1`, `TLSv1_1`: ssl.TLSVersion's names), with `ciphers` (OpenSSL's list).
    init(certificate: String, key: String, clientCA: String? = nil, graceful: Bool = true, lifetime: Int = 30,
         keepAlive: Bool = false, version: String? = nil, ciphers: String? = nil) throws {
        running = try ScriptServer(script: "tls_server", leading: [certificate, key, clientCA ?? "-"],
                                   trailing: [graceful ? "1" : "0", keepAlive ? "1" : "0"], lifetime: lifetime,
                                   environment: TLSServer.limits(version: version, ciphers: ciphers))
    }

    /// The variables by which tls_support.py serves one TLS version (`TLSv1`, …) with OpenSSL's cipher list `ciphers`.
    static func limits(version: String?, ciphers: String?) -> [String: String] {
        var limits: [String: String] = [:]
        limits["OCC_TLS_VERSION"] = version
        limits["OCC_TLS_CIPHERS"] = ciphers
        return limits
    }

    /// Whether python3's TLS on this host can still serve and speak `version` with `ciphers` (with the RSA test
    /// certificate) at all: distributions may build OpenSSL without TLS 1.0 and 1.1. `nil` when it can; else why not.
    static func cannotSpeak(version: String, ciphers: String, certificate: String, key: String) -> String? {
        guard let python = TLSServer.python else { return "python3 is not installed" }
        let check = """
        import socket, ssl, sys, threading, warnings
        warnings.simplefilter("ignore")
        version = getattr(ssl.TLSVersion, sys.argv[1])
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(sys.argv[3], sys.argv[4])
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
        for context in (server, client):
            context.minimum_version = context.maximum_version = version
            context.set_ciphers(sys.argv[2])
        a, b = socket.socketpair()
        thread = threading.Thread(target=lambda: server.wrap_socket(a, server_side=True), daemon=True)
        thread.start()
        print(client.wrap_socket(b).version())
        """
        guard let result = try? Support.run(["-c", check, version, ciphers, certificate, key], timeout: 20, program: python,
                                            inheritEnvironment: true) else { return "python3 could not be run" }
        return result.status == 0 ? nil : "this host's python3/OpenSSL cannot speak \(version) with \(ciphers): \(result.stderr.suffix(200))"
    }

    /// The python3 interpreter itself, not a wrapper such as a pyenv shim, so that stopping it stops the server.
    static let python: String? = {
        guard ExternalTool.find("python3") != nil,
              let path = try? ExternalTool.run("python3", ["-c", "import sys; print(sys.executable)"], in: "/")
        else { return nil }
        let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: trimmed) ? trimmed : ExternalTool.find("python3")
    }()

    func stop() { running.stop() }

    /// The log lines so far: `HANDSHAKE-FAILED reason`, `REQUEST GET /api/… HTTP/1.1 CLIENT cn`.
    /// Waits up to `settle` for at least one line, as the server logs on its own threads.
    func log(settle: TimeInterval = 2) -> [String] {
        let deadline = Date().addingTimeInterval(settle)
        while running.lines().isEmpty, Date() < deadline { usleep(20_000) }
        // A moment more, for lines that race with the first one.
        return running.log(settle: 0.15)
    }

    /// Connections accepted, and TLS handshakes done in full and resumed, so far (no settling: call after `requests`).
    func connectionCounts() -> (accepted: Int, newHandshakes: Int, resumedHandshakes: Int) {
        let lines = running.lines()
        return (lines.filter { $0 == "ACCEPT" }.count, lines.filter { $0 == "HANDSHAKE new" }.count,
                lines.filter { $0 == "HANDSHAKE resumed" }.count)
    }

    /// The requests served (request lines with the client certificate's common name, or `-`).
    func requests(settle: TimeInterval = 2) -> [String] {
        log(settle: settle).filter { $0.hasPrefix("REQUEST ") }.map { String($0.dropFirst(8)) }
    }
}
