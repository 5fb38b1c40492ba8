import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit

/// `-c endpoints` over the ways probes travel: TLS (the certificate chain's earliest expiry), proxies (a failure at
/// the proxy names it), credentials in cleartext beside https, and the memory the probes' answers may take.
extension EndpointReportTests {
    @Test("https: the certificate's expiry, as the certificate says it")
    func certificateExpiry() throws {
        let pki = try TestPKI.shared.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        let result = try Support.run(["-c", "endpoints", "--ca-file", pki.caCertificate, "--leader-timeout", "5s", "--json"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let endpoint = try #require((object["endpoints"] as? [[String: Any]])?.first)
        let expected = try Self.expiry(of: pki.serverCertificate)
        #expect(endpoint["certificateExpiresAt"] as? String == expected, "\(endpoint)")
        #expect((endpoint["certificateExpiry"] as? String)?.hasSuffix("GMT") == true)
        let days = try #require(endpoint["certificateDaysLeft"] as? Int)
        #expect((2...3).contains(days), "the test certificate is valid for 3 days: \(days)")
        #expect(endpoint["leaderCheckStatus"] as? Int == 200)
        let text = try Support.run(["-c", "endpoints", "--ca-file", pki.caCertificate, "--leader-timeout", "5s"],
                                   environment: ["ORCHESTRATOR_API": server.apiURL])
        // Whole days left, rounded down: the two runs straddle a day's boundary when the certificate was made in the
        // same second as the first run (exactly 3 days left, then a moment less).
        let said = ["(\(days) day", "(\(days - 1) day"].map { "certificate expires \(expected.prefix(10)) \($0)" }
        #expect(said.contains { text.stdout.contains($0) }, "\(text.stdout)")
    }

    @Test("https through the library: endpointReport() gives the certificate's expiry, as -c endpoints does, on every report")
    func libraryCertificateExpiry() async throws {
        let pki = try TestPKI.shared.get()
        // Alive for the whole test however slow the machine: two reports of up to 20 s each.
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, lifetime: 120, keepAlive: true)
        defer { server.stop() }
        let configuration = ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)],
                                                timeouts: Timeouts(connectMilliseconds: 5_000, leaderProbeMilliseconds: 5_000,
                                                                   totalMilliseconds: 20_000),
                                                tls: TLSOptions(caFile: pki.caCertificate))
        let client = OrchestratorClient(configuration: configuration)
        let expected = try Self.expiry(of: pki.serverCertificate)
        // The second report finds the first one's connections kept (and its TLS session): it must still see the certificate.
        for round in 1...2 {
            let status = try #require(await client.endpointReport().endpoints.first)
            #expect(status.leaderCheckStatus == 200, "report \(round): \(status)")
            #expect(status.certificateExpiresAt == expected, "report \(round): \(status)")
            #expect(status.certificateExpiry?.hasSuffix("GMT") == true, "report \(round): \(status)")
            #expect(status.certificateDaysLeft.map { (2...3).contains($0) } == true, "report \(round): \(status)")
        }
    }

    /// The certificate's notAfter as openssl says it (`notAfter=Nov 30 15:44:00 2026 GMT`), as an ISO date.
    static func expiry(of certificate: String) throws -> String {
        let enddate = try ExternalTool.run("openssl", ["x509", "-enddate", "-noout", "-in", certificate], in: "/")
        let words = enddate.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("notAfter=".count).split(separator: " ")
        let month = try #require(CertificateDate.months.firstIndex(of: String(words[0]))) + 1
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(words[3])-\(two(month))-\(two(Int(words[1]) ?? 0))T\(words[2])Z"
    }

    @Test("certificate dates in both libcurl wordings; days round down")
    func certificateDates() throws {
        let openssl = try #require(CertificateDate(text: "Nov  7 05:04:03 2027 GMT"))
        #expect(openssl.iso8601 == "2027-11-07T05:04:03Z")
        let other = try #require(CertificateDate(text: "2027-11-07 05:04:03 GMT"))
        #expect(other.secondsSinceEpoch == openssl.secondsSinceEpoch)
        #expect(CertificateDate(text: "Jan  1 00:00:00 1970 GMT")?.secondsSinceEpoch == 0)
        #expect(CertificateDate(text: "Mar  1 00:00:00 2000 GMT")?.secondsSinceEpoch == 951_868_800)
        #expect(CertificateDate(text: "not a date") == nil)
        #expect((-1).dividedRoundingDown(by: 86_400) == -1)
        #expect(86_399.dividedRoundingDown(by: 86_400) == 0)
    }

    /// A root, an intermediate expiring in 2 days and a server certificate for 127.0.0.1 valid for 30, signed by
    /// the intermediate: the chain file (server's certificate, then the intermediate) and its key; the root to trust.
    static func shortIntermediateChain() throws -> (directory: TemporaryDirectory, chain: String, key: String, root: String, intermediate: String) {
        let directory = try TemporaryDirectory()
        let path = directory.path
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try ExternalTool.run("openssl", ["req", "-x509"] + curve + ["-keyout", "root.key", "-out", "root.pem", "-days", "10",
                                "-subj", "/CN=orchestrator-client test root", "-addext", "basicConstraints=critical,CA:TRUE",
                                "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: path)
        func sign(_ name: String, subject: String, by signer: String, days: Int, extensions: String) throws {
            try extensions.write(toFile: "\(path)/\(name).ext", atomically: true, encoding: .utf8)
            try ExternalTool.run("openssl", ["req"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: path)
            try ExternalTool.run("openssl", ["x509", "-req", "-in", "\(name).csr", "-CA", "\(signer).pem", "-CAkey", "\(signer).key",
                                             "-CAcreateserial", "-out", "\(name).pem", "-days", "\(days)", "-extfile", "\(name).ext"], in: path)
        }
        try sign("intermediate", subject: "/CN=orchestrator-client test intermediate", by: "root", days: 2,
                 extensions: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
        try sign("server", subject: "/CN=127.0.0.1", by: "intermediate", days: 30,
                 extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
        let chain = try String(contentsOfFile: "\(path)/server.pem", encoding: .utf8) + String(contentsOfFile: "\(path)/intermediate.pem", encoding: .utf8)
        try chain.write(toFile: "\(path)/chain.pem", atomically: true, encoding: .utf8)
        return (directory, "\(path)/chain.pem", "\(path)/server.key", "\(path)/root.pem", "\(path)/intermediate.pem")
    }

    @Test("https: the earliest expiry of the chain the server presents, and which certificate it is (an intermediate before a 30-day server certificate)")
    func certificateChainEarliest() throws {
        let made = try Self.shortIntermediateChain()
        let server = try TLSServer(certificate: made.chain, key: made.key)
        defer { server.stop() }
        let arguments = ["-c", "endpoints", "--ca-file", made.root, "--leader-timeout", "5s"]
        let json = try Support.run(arguments + ["--json"], environment: ["ORCHESTRATOR_API": server.apiURL])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stderr)")
        let endpoint = try #require((object["endpoints"] as? [[String: Any]])?.first)
        let expected = try Self.expiry(of: made.intermediate)
        #expect(endpoint["certificateExpiresAt"] as? String == expected, "\(endpoint)")
        #expect((endpoint["certificateSubject"] as? String)?.contains("orchestrator-client test intermediate") == true, "\(endpoint)")
        #expect(endpoint["certificateIsServers"] as? Bool == false, "\(endpoint)")
        #expect((1...2).contains(endpoint["certificateDaysLeft"] as? Int ?? -1), "2 days, less the seconds since it was made: \(endpoint)")
        let text = try Support.run(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        // Not expired: a warning in the line, the verdict still the healthy one (only an expired certificate is a problem).
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("certificate \"CN = orchestrator-client test intermediate\" of the server's chain expires \(expected.prefix(10)) ("),
                "\(text.stdout)")
    }

    // MARK: Proxies

    @Test("through a dead http_proxy: the line names the proxy that cannot be reached, not the endpoint")
    func deadProxy() throws {
        let proxy = "http://127.0.0.1:\(refusedPort())"
        let result = try Support.run(["-c", "endpoints"], environment: ["ORCHESTRATOR_API": "http://orchestrator.invalid:3000/api",
                                                                        "http_proxy": proxy])
        #expect(result.status == 3, "\(result.stdout)")
        #expect(Self.lines(result)[0].contains("unreachable: the proxy \(proxy) (from http_proxy): connection refused (--no-proxy or ORCHESTRATOR_NO_PROXY=1 goes direct)"),
                "\(result.stdout)")
    }

    @Test("a 407 from the proxy is the proxy's refusal, named as such: never the endpoint's answer, never 'no credentials needed'")
    func proxyAuthenticationRequired() throws {
        let proxy = try TestServer { _ in
            var reply = Reply(status: 407, contentType: "text/html", body: Array("<html>proxy login</html>".utf8))
            reply.headers = [("Proxy-Authenticate", "Basic realm=\"proxy\"")]
            return reply
        }
        defer { proxy.stop() }
        let address = "http://127.0.0.1:\(proxy.port)"
        let result = try Support.run(["-c", "endpoints"], environment: [
            "ORCHESTRATOR_API": "http://orchestrator.invalid:3000/api http://orchestrator2.invalid:3000/api", "http_proxy": address,
        ])
        #expect(result.status == 3, "\(result.stdout)")
        let lines = Self.lines(result)
        for line in lines.prefix(2) {
            #expect(line.contains("unreachable: the proxy \(address) (from http_proxy) answered HTTP 407"), "\(line)")
            #expect(!line.contains("credentials needed") && !line.contains("leader-check 407"), "\(line)")
        }
        #expect(proxy.targets.contains("http://orchestrator.invalid:3000/api/leader-check"), "the probes went through the proxy")
    }

    // MARK: Credentials in cleartext

    @Test("credentials configured, an https and an http endpoint: a warning once on stderr, for every command, and a problem of the http endpoint")
    func credentialsInCleartext() throws {
        let cluster = try Self.cluster()
        defer { cluster.stop() }
        let api = "https://127.0.0.1:\(refusedPort())/api " + cluster.nodes.map(\.apiURL).joined(separator: " ")
        let warning = "warning: the credentials are sent in cleartext over http to " + cluster.nodes.map(\.apiURL).joined(separator: ", ")
        let report = try Support.run(["-c", "endpoints", "-b", "monitor:s3cret"], environment: ["ORCHESTRATOR_API": api])
        #expect(report.status == 1, "\(report.stdout)")
        #expect(report.stderr.components(separatedBy: warning).count == 2, "once: \(report.stderr)")
        let lines = Self.lines(report)
        #expect(lines[1...3].allSatisfy { $0.contains("credentials sent over http, in cleartext, while other endpoints use https") },
                "\(report.stdout)")
        let command = try Support.run(["-c", "which-api", "-b", "monitor:s3cret"], environment: ["ORCHESTRATOR_API": api])
        #expect(command.status == 0, "\(command.stderr)")
        #expect(command.stderr.components(separatedBy: warning).count == 2, "once: \(command.stderr)")
        // The same list without the https endpoint, or without credentials: nothing to warn of.
        let plain = try Support.run(["-c", "which-api", "-b", "monitor:s3cret"], environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(plain.status == 0 && plain.stderr.isEmpty, "\(plain.stderr)")
        let unsent = try Support.run(["-c", "which-api"], environment: ["ORCHESTRATOR_API": api])
        #expect(unsent.stderr.isEmpty, "\(unsent.stderr)")
    }

    @Test("an http endpoint beside https that refuses the cleartext credentials (401): its line says refused, the cleartext problem once; --json says refused")
    func refusedInCleartext() throws {
        let cluster = try Self.cluster { node, _ in
            node == 2 ? Reply(status: 401, contentType: "text/plain", body: Array("Not Authorized\n".utf8)) : nil
        }
        defer { cluster.stop() }
        let api = "https://127.0.0.1:\(refusedPort())/api " + cluster.nodes.map(\.apiURL).joined(separator: " ")
        let result = try Support.run(["-c", "endpoints", "-b", "monitor:s3cret"], environment: ["ORCHESTRATOR_API": api])
        #expect(result.status == 1, "\(result.stdout)")
        let line = Self.lines(result)[3]
        #expect(line.contains("  refused ") && line.contains("credentials refused (HTTP 401)"), "\(line)")
        #expect(line.components(separatedBy: "credentials sent over http, in cleartext").count == 2, "once: \(line)")
        #expect(Self.lines(result)[2].contains("credentials accepted"), "\(result.stdout)")
        let json = try Support.run(["-c", "endpoints", "-b", "monitor:s3cret", "--json"], environment: ["ORCHESTRATOR_API": api])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let endpoints = try #require(object["endpoints"] as? [[String: Any]])
        #expect(endpoints.map { $0["credentials"] as? String } == ["unknown", "accepted", "accepted", "refused"], "\(endpoints)")
        #expect(endpoints[3]["credentialsStatus"] as? Int == 401 && endpoints[3]["credentialsInCleartext"] as? Bool == true, "\(endpoints[3])")
        #expect(endpoints[3]["problems"] as? [String] == ["credentials sent over http, in cleartext, while other endpoints use https",
                                                          "credentials refused (HTTP 401)"], "\(endpoints[3])")
    }

    @Test("the library: a client logs the cleartext warning once, when made; its report marks the http endpoint")
    func libraryCredentialsInCleartext() async throws {
        let cluster = try Self.cluster()
        defer { cluster.stop() }
        var configuration = ClientConfiguration(endpoints: try (["https://127.0.0.1:\(refusedPort())/api"] + cluster.nodes.map(\.apiURL)).map {
            try Endpoint(parsing: $0)
        }, credentials: Credentials(user: "monitor", password: "s3cret"))
        configuration.proxy = ProxySettings(environment: [:], disabled: true)
        let logged = Locked<[String]>([])
        let client = OrchestratorClient(configuration: configuration, maximumConcurrentRequestsPerEndpoint: 8,
                                        requestLog: RequestLog(warningsOnly: { entry in logged.with { $0.append(entry.message) } }))
        _ = try await client.leader()
        let report = await client.endpointReport()
        #expect(logged.current.count == 1, "\(logged.current)")
        #expect(logged.current.first?.contains("credentials are sent in cleartext over http") == true)
        #expect(report.endpoints.map(\.credentialsInCleartext) == [false, true, true, true])
        #expect(report.verdict == .degraded)
    }

    // MARK: Memory

    @Test("a 14 MB status answer: bounded as a probe's answer (peak RSS far below the answer), reported as too large for a probe",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs /usr/bin/time (Debian package time)"))
    func probeAnswersBounded() throws {
        var huge = Array(#"{"Code":"OK","Message":"Application node is healthy","Details":{"Healthy":true,"AvailableNodes":["#.utf8)
        huge.reserveCapacity(14 << 20)
        while huge.count < 14 << 20 { huge += Array(#"{"Hostname":"vm","Token":"x"},"#.utf8) }
        huge += Array(#"{}]}}"#.utf8)
        let status = Reply(status: 200, body: huge)
        let cluster = try Self.cluster { _, target in target == "/api/status" ? status : nil }
        defer { cluster.stop() }
        let measured = try BoundedMemoryTests.peakKiB(["-c", "endpoints"], api: cluster.api)
        #expect(measured.status == 1, "degraded: every status answer is too large for a probe")
        // The README's bound, 20 MiB and twice what is read: three endpoints, each read at most 1 MiB of status and
        // 64 KiB of each other probe; far below one whole answer (14 MiB), let alone three.
        let bound = 20 * 1024 + 2 * 3 * (1024 + 4 * 64)
        #expect(measured.kib > 0 && measured.kib < bound, "\(measured.kib) KiB (bound \(bound) KiB)")
        let result = try Self.run(cluster)
        #expect(Self.lines(result).prefix(3).allSatisfy { $0.contains("status failed: answer too large for a probe (over 1 MiB)") },
                "\(result.stdout)")
    }
}
