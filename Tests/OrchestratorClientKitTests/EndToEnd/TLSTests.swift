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
}
