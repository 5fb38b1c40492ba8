import Foundation
import Testing

/// https endpoints: verified by default, a CA file, mutual TLS, and --insecure only when asked; each also from the
/// environment. Certificates are made with `openssl` at test time; the server is `python3`'s `ssl` module.
@Suite("TLS")
struct TLSTests {
    static let clusters = ["-c", "clusters"]

    static func pki() throws -> TestPKI {
        try TestPKI.shared.get()
    }

    static func server(mutual: Bool = false, otherHost: Bool = false) throws -> TLSServer {
        let pki = try pki()
        return try TLSServer(certificate: otherHost ? pki.otherHostCertificate : pki.serverCertificate,
                             key: otherHost ? pki.otherHostKey : pki.serverKey,
                             clientCA: mutual ? pki.caCertificate : nil)
    }

    @Test("default verification refuses a certificate the system does not trust: clear TLS error, exit 3, nothing served, no retry")
    func untrustedByDefault() throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot reach \(server.apiURL): TLS failed"), "\(result.stderr)")
        #expect(result.stderr.contains("certificate"), "\(result.stderr)")
        #expect(result.stderr.contains("--ca-file"), "the message should say how to trust the server: \(result.stderr)")
        let log = server.log()
        #expect(log.filter { $0.hasPrefix("REQUEST") }.isEmpty, "\(log)")
        #expect(log.filter { $0.hasPrefix("HANDSHAKE-FAILED") }.count == 1, "a TLS failure is not retried: \(log)")
    }

    @Test("--ca-file and ORCHESTRATOR_CA_FILE trust the server", arguments: [true, false])
    func caFile(_ viaFlag: Bool) throws {
        let pki = try Self.pki()
        let server = try Self.server()
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters + (viaFlag ? ["--ca-file", pki.caCertificate] : []),
                                              environment: ["ORCHESTRATOR_API": server.apiURL]
                                        .merging(viaFlag ? [:] : ["ORCHESTRATOR_CA_FILE": pki.caCertificate]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "tls-cluster:3306\n")
        #expect(server.requests() == ["GET /api/clusters-info HTTP/1.1 CLIENT -"])
    }

    @Test("the host name is verified too: a trusted certificate for another host is refused")
    func hostNameVerified() throws {
        let pki = try Self.pki()
        let server = try Self.server(otherHost: true)
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3)
        #expect(result.stderr.contains("TLS failed"), "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1"), "\(result.stderr)")
        #expect(server.requests().isEmpty)
    }

    @Test("--insecure and ORCHESTRATOR_INSECURE=1 skip verification; ORCHESTRATOR_INSECURE=0 does not", arguments: [
        (["--insecure"], [String: String](), Int32(0)),
        ([], ["ORCHESTRATOR_INSECURE": "1"], Int32(0)),
        ([], ["ORCHESTRATOR_INSECURE": "true"], Int32(0)),
        ([], ["ORCHESTRATOR_INSECURE": "0"], Int32(3)),
        ([], ["ORCHESTRATOR_INSECURE": ""], Int32(3)),
    ])
    func insecure(_ arguments: [String], _ environment: [String: String], _ status: Int32) throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters + arguments,
                                              environment: environment.merging(["ORCHESTRATOR_API": server.apiURL]) { $1 })
        #expect(result.status == status, "\(result.stderr)")
        if status == 0 {
            #expect(result.stdout == "tls-cluster:3306\n")
            #expect(server.requests() == ["GET /api/clusters-info HTTP/1.1 CLIENT -"])
        } else {
            #expect(server.requests().isEmpty)
        }
    }

    @Test("a server requiring a client certificate: without --cert/--key (or with a stranger's) a clear TLS error, exit 3, nothing served, no retry",
          arguments: [false, true])
    func mutualWithoutCertificate(_ stranger: Bool) throws {
        let pki = try Self.pki()
        let server = try Self.server(mutual: true)
        defer { server.stop() }
        let certificate = stranger ? ["--cert", pki.strangerCertificate, "--key", pki.strangerKey] : []
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate] + certificate,
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3)
        #expect(result.stderr.contains("TLS failed"), "\(result.stderr)")
        #expect(result.stderr.contains(stranger ? "the server refused our client certificate" : "give --cert and --key"), "\(result.stderr)")
        let log = server.log()
        #expect(log.filter { $0.hasPrefix("REQUEST") }.isEmpty, "\(log)")
        #expect(log.filter { $0.hasPrefix("HANDSHAKE-FAILED") }.count == 1, "a TLS failure is not retried: \(log)")
    }

    @Test("a server that resets the connection when refusing the client certificate: exit 3, the message still points at --cert",
          arguments: [false, true])
    func mutualAbruptServer(_ stranger: Bool) throws {
        let pki = try Self.pki()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate, graceful: false)
        defer { server.stop() }
        let certificate = stranger ? ["--cert", pki.strangerCertificate, "--key", pki.strangerKey] : []
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate] + certificate,
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3)
        // Either the alert was read ("TLS failed: … alert …") or the reset came first; both name the cause.
        #expect(result.stderr.contains(stranger ? "our client certificate" : "give --cert and --key"), "\(result.stderr)")
        let log = server.log()
        #expect(log.filter { $0.hasPrefix("REQUEST") }.isEmpty, "\(log)")
        // A read may be retried after a reset (it is a transport failure), within the bound.
        #expect((1...6).contains(log.filter { $0.hasPrefix("HANDSHAKE-FAILED") }.count), "\(log)")
    }

    @Test("mutual TLS with --cert/--key, or ORCHESTRATOR_CLIENT_CERT/ORCHESTRATOR_CLIENT_KEY", arguments: [true, false])
    func mutual(_ viaFlags: Bool) throws {
        let pki = try Self.pki()
        let server = try Self.server(mutual: true)
        defer { server.stop() }
        let arguments = viaFlags ? ["--ca-file", pki.caCertificate, "--cert", pki.clientCertificate, "--key", pki.clientKey] : []
        let environment = viaFlags ? ["ORCHESTRATOR_API": server.apiURL] : [
            "ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_CA_FILE": pki.caCertificate,
            "ORCHESTRATOR_CLIENT_CERT": pki.clientCertificate, "ORCHESTRATOR_CLIENT_KEY": pki.clientKey,
        ]
        let result = try Support.runInProcess(Self.clusters + arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "tls-cluster:3306\n")
        #expect(server.requests() == ["GET /api/clusters-info HTTP/1.1 CLIENT orchestrator-client-test"])
    }

    // MARK: The variables curl reads

    /// A directory of hashed certificates (`openssl rehash`), for SSL_CERT_DIR, holding the CA at `certificate`.
    static func hashedDirectory(_ certificate: String, name: String) throws -> String {
        let directory = try Self.pki().directory + "/hashed-" + name
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: certificate, toPath: directory + "/" + name + ".pem")
            try ExternalTool.run("openssl", ["rehash", directory], in: directory)
        }
        return directory
    }

    /// `CA`, `STRANGER` (a CA that did not sign the server's certificate) and `CADIR` in a test's values, as paths.
    static func paths(_ value: String) throws -> String {
        let pki = try pki()
        switch value {
        case "CA": return pki.caCertificate
        case "STRANGER": return pki.strangerCACertificate
        case "CADIR": return try hashedDirectory(pki.caCertificate, name: "ca")
        case "STRANGERDIR": return try hashedDirectory(pki.strangerCACertificate, name: "stranger")
        default: return value
        }
    }

    /// `-c clusters` with `arguments` and `variables` (their values as ``paths(_:)``) against a server signed by the CA.
    static func direct(_ arguments: [String], _ variables: [String: String]) throws -> (ProcessResult, TLSServer) {
        let server = try Self.server()
        var environment = ["ORCHESTRATOR_API": server.apiURL]
        for (name, value) in variables { environment[name] = try paths(value) }
        return (try Support.runInProcess(clusters + arguments.map(paths), environment: environment), server)
    }

    @Test("CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR trust the server, as they did for the bash client's curl",
          arguments: [["CURL_CA_BUNDLE": "CA"], ["SSL_CERT_FILE": "CA"], ["SSL_CERT_DIR": "CADIR"],
                      ["SSL_CERT_FILE": "STRANGER", "SSL_CERT_DIR": "CADIR"]])
    func curlVariablesTrust(_ variables: [String: String]) throws {
        let (result, server) = try Self.direct([], variables)
        defer { server.stop() }
        #expect(result.status == 0, "\(variables): \(result.stderr)")
        #expect(result.stdout == "tls-cluster:3306\n")
    }

    @Test("precedence: --ca-file, then ORCHESTRATOR_CA_FILE, then CURL_CA_BUNDLE alone, then SSL_CERT_FILE and SSL_CERT_DIR", arguments: [
        (["--ca-file", "CA"], ["ORCHESTRATOR_CA_FILE": "STRANGER", "CURL_CA_BUNDLE": "STRANGER"], Int32(0)),
        ([], ["ORCHESTRATOR_CA_FILE": "CA", "CURL_CA_BUNDLE": "STRANGER", "SSL_CERT_FILE": "STRANGER"], Int32(0)),
        (["--ca-file", "CA"], ["SSL_CERT_DIR": "/nonexistent"], Int32(0)),
        (["--insecure"], ["CURL_CA_BUNDLE": "/nonexistent.pem"], Int32(0)),
        ([], ["CURL_CA_BUNDLE": "CA", "SSL_CERT_FILE": "/nonexistent.pem", "SSL_CERT_DIR": "/nonexistent"], Int32(0)),
        ([], ["CURL_CA_BUNDLE": "STRANGER", "SSL_CERT_FILE": "CA", "SSL_CERT_DIR": "CADIR"], Int32(3)),
    ])
    func caPrecedence(_ arguments: [String], _ variables: [String: String], _ status: Int32) throws {
        let (result, server) = try Self.direct(arguments, variables)
        defer { server.stop() }
        #expect(result.status == status, "\(arguments) \(variables): \(result.stderr)")
        if status != 0 { #expect(result.stderr.contains("CURL_CA_BUNDLE ("), "\(result.stderr)") }
    }

    @Test("a certificate not signed by the authorities given names the setting that gave them, and never suggests --ca-file", arguments: [
        (["--ca-file", "STRANGER"], [String: String](), "--ca-file/ORCHESTRATOR_CA_FILE"),
        ([], ["ORCHESTRATOR_CA_FILE": "STRANGER"], "--ca-file/ORCHESTRATOR_CA_FILE"),
        ([], ["CURL_CA_BUNDLE": "STRANGER"], "CURL_CA_BUNDLE"),
        ([], ["SSL_CERT_FILE": "STRANGER"], "SSL_CERT_FILE"),
        ([], ["SSL_CERT_DIR": "STRANGERDIR"], "SSL_CERT_DIR"),
    ])
    func untrustedNamesTheSettingUsed(_ arguments: [String], _ variables: [String: String], _ named: String) throws {
        let (result, server) = try Self.direct(arguments, variables)
        defer { server.stop() }
        #expect(result.status == 3, "\(result.stderr)")
        let path = try Self.paths(arguments.last ?? variables.values.first!)
        #expect(result.stderr.contains("the server's certificate is not signed by an authority in "), "\(result.stderr)")
        #expect(result.stderr.contains("\(named) (\(path))"), "\(result.stderr)")
        #expect(!result.stderr.contains("trust its certificate authority with"), "\(result.stderr)")
        #expect(server.requests(settle: 0.5).isEmpty)
    }

    // MARK: Old TLS

    /// Why a TLS version cannot be served here (a distribution's OpenSSL may lack it), or `nil`.
    static func cannotServe(_ version: String, _ ciphers: String) -> String? {
        guard let pki = try? pki() else { return "no test PKI (openssl)" }
        return TLSServer.cannotSpeak(version: version, ciphers: ciphers, certificate: pki.rsaServerCertificate, key: pki.rsaServerKey)
    }

    static let oldVersions = [("TLSv1", "AES128-SHA:@SECLEVEL=0"), ("TLSv1_1", "ALL:@SECLEVEL=0")]
    static let oldTLSUnavailable = oldVersions.compactMap { cannotServe($0.0, $0.1) }.first

    @Test("a server offering only TLS 1.0 (with a static-RSA cipher) or 1.1 is refused before any request, with the old-TLS hint",
          .enabled(if: oldTLSUnavailable == nil, Comment(rawValue: oldTLSUnavailable ?? "")), arguments: oldVersions)
    func oldTLSRefused(_ version: String, _ ciphers: String) throws {
        let pki = try Self.pki()
        let server = try TLSServer(certificate: pki.rsaServerCertificate, key: pki.rsaServerKey, version: version, ciphers: ciphers)
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3, "\(version): \(result.stderr)")
        #expect(result.stderr.contains("TLS failed"), "\(result.stderr)")
        #expect(result.stderr.contains("enable TLS 1.2 or later on the server"), "\(result.stderr)")
        #expect(server.requests(settle: 0.5).isEmpty, "the request went over \(version)")
    }

    @Test("an https proxy offering only TLS 1.0 is refused too, before anything is sent through it",
          .enabled(if: oldTLSUnavailable == nil, Comment(rawValue: oldTLSUnavailable ?? "")))
    func oldTLSProxyRefused() throws {
        let pki = try Self.pki()
        let server = try Self.server()
        defer { server.stop() }
        let proxy = try TLSProxy(certificate: pki.rsaServerCertificate, key: pki.rsaServerKey, version: "TLSv1", ciphers: "AES128-SHA:@SECLEVEL=0")
        defer { proxy.stop() }
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate, "--proxy-ca-file", pki.caCertificate],
                                              environment: ["ORCHESTRATOR_API": server.apiURL, "https_proxy": proxy.url])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("TLS with the proxy \(proxy.url) (from https_proxy) failed"), "\(result.stderr)")
        #expect(result.stderr.contains("enable TLS 1.2 or later on the proxy"), "\(result.stderr)")
        #expect(!proxy.log().contains { $0.hasPrefix("CONNECT") }, "\(proxy.log())")
    }

    // MARK: https proxies

    /// orchestrator's server (certificate signed by the CA) behind an https proxy (signed by the stranger CA).
    static func throughProxy(_ arguments: [String], _ variables: [String: String] = [:]) throws -> (ProcessResult, TLSServer, TLSProxy) {
        let pki = try pki()
        let server = try Self.server()
        let proxy = try TLSProxy(certificate: pki.proxyCertificate, key: pki.proxyKey)
        var environment = ["ORCHESTRATOR_API": server.apiURL, "https_proxy": proxy.url]
        for (name, value) in variables { environment[name] = try paths(value) }
        let result = try Support.runInProcess(clusters + arguments.map(paths), environment: environment)
        return (result, server, proxy)
    }

    @Test("an https proxy is trusted by its own settings (--proxy-ca-file, --proxy-insecure, their variables) or SSL_CERT_DIR as curl reads it",
          arguments: [
        (["--ca-file", "CA", "--proxy-ca-file", "STRANGER"], [String: String]()),
        (["--ca-file", "CA"], ["ORCHESTRATOR_PROXY_CA_FILE": "STRANGER"]),
        (["--ca-file", "CA", "--proxy-insecure"], [:]),
        (["--ca-file", "CA"], ["ORCHESTRATOR_PROXY_INSECURE": "1"]),
        ([], ["SSL_CERT_FILE": "CA", "SSL_CERT_DIR": "STRANGERDIR"]),
    ])
    func httpsProxyTrusted(_ arguments: [String], _ variables: [String: String]) throws {
        let (result, server, proxy) = try Self.throughProxy(arguments, variables)
        defer { server.stop(); proxy.stop() }
        #expect(result.status == 0, "\(arguments) \(variables): \(result.stderr)")
        #expect(result.stdout == "tls-cluster:3306\n")
        #expect(proxy.log().contains("CONNECT 127.0.0.1:\(server.port)"), "\(proxy.log())")
        #expect(server.requests() == ["GET /api/clusters-info HTTP/1.1 CLIENT -"])
    }

    @Test("an https proxy not trusted: exit 3 naming the proxy and --proxy-ca-file; --ca-file and --insecure never reach it",
          arguments: [["--ca-file", "CA"], ["--insecure"], ["--ca-file", "CA", "--proxy-ca-file", "CA"]])
    func httpsProxyUntrusted(_ arguments: [String]) throws {
        let (result, server, proxy) = try Self.throughProxy(arguments)
        defer { server.stop(); proxy.stop() }
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("TLS with the proxy \(proxy.url) (from https_proxy) failed"), "\(result.stderr)")
        #expect(result.stderr.contains("the proxy's certificate is not signed by an authority"), "\(result.stderr)")
        #expect(result.stderr.contains(arguments.contains("--proxy-ca-file") ? "in --proxy-ca-file/ORCHESTRATOR_PROXY_CA_FILE ("
                                            : "with --proxy-ca-file or ORCHESTRATOR_PROXY_CA_FILE"), "\(result.stderr)")
        #expect(!result.stderr.contains("--ca-file or"), "\(result.stderr)")
        #expect(!proxy.log().contains { $0.hasPrefix("CONNECT") })
        #expect(server.requests(settle: 0.3).isEmpty)
    }

    @Test("orchestrator's certificate failing behind a trusted https proxy is not blamed on the proxy, and is named",
          arguments: [["--proxy-ca-file", "STRANGER"], ["--proxy-insecure"]])
    func serverFailsBehindProxy(_ arguments: [String]) throws {
        let (result, server, proxy) = try Self.throughProxy(arguments)
        defer { server.stop(); proxy.stop() }
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("TLS failed"), "\(result.stderr)")
        #expect(!result.stderr.contains("TLS with the proxy"), "\(result.stderr)")
        #expect(!result.stderr.contains("--proxy-ca-file or"), "\(result.stderr)")
        #expect(result.stderr.contains("orchestrator's certificate (not the proxy's) was not verified against the authorities in"),
                "the hop and the authorities are named even where libcurl gives no reason: \(result.stderr)")
        #expect(proxy.log().contains("CONNECT 127.0.0.1:\(server.port)"))
        #expect(server.requests(settle: 0.3).isEmpty)
    }
}
