import Foundation
import Testing
import TestServer

/// This host's TLS material. An encrypted key never makes OpenSSL prompt or read standard input; local
/// TLS problems are exit 2, found before sending and said once; server-side TLS failures get accurate hints.
@Suite("TLS material")
struct TLSMaterialTests {
    static let pki = Result { try TestPKI.shared.get() }

    /// Extra material made once from the shared PKI: an encrypted copy of the client key, and certificates outside
    /// their validity (made with `openssl ca`, which takes explicit dates).
    struct Extra: Sendable {
        let directory: String
        var encryptedKey: String { directory + "/client-encrypted.key" }
        var passPhraseFile: String { directory + "/pass" }
        var wrongPassPhraseFile: String { directory + "/wrong-pass" }
        var expiredServer: String { directory + "/expired-server.pem" }
        var futureServer: String { directory + "/future-server.pem" }
        var expiredClient: String { directory + "/expired-client.pem" }
    }

    static let extra: Result<Extra, TLSTestError> = {
        do {
            let pki = try TestPKI.shared.get()
            let directory = pki.directory + "/material"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try ExternalTool.run("openssl", ["pkcs8", "-topk8", "-in", pki.clientKey, "-out", "client-encrypted.key",
                                             "-passout", "pass:s3cret phrase", "-v2", "aes-256-cbc"], in: directory)
            try "s3cret phrase\n".write(toFile: directory + "/pass", atomically: true, encoding: .utf8)
            try "not it\n".write(toFile: directory + "/wrong-pass", atomically: true, encoding: .utf8)
            for file in ["client-encrypted.key", "pass", "wrong-pass"] { chmod(directory + "/" + file, 0o600) }
            try """
            [ ca ]
            default_ca = test
            [ test ]
            database = index.txt
            new_certs_dir = .
            serial = serial
            default_md = sha256
            policy = anything
            unique_subject = no
            [ anything ]
            commonName = supplied
            """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
            try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
            try "1000\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
            func sign(_ csr: String, _ extensions: String, _ start: String, _ end: String, _ out: String) throws {
                try ExternalTool.run("openssl", ["ca", "-config", "ca.cnf", "-batch", "-notext", "-cert", pki.caCertificate,
                                                 "-keyfile", pki.directory + "/ca.key", "-in", csr, "-out", out, "-startdate", start,
                                                 "-enddate", end, "-extfile", extensions], in: directory)
            }
            try sign(pki.directory + "/server.csr", pki.directory + "/server.ext", "20200101000000Z", "20200201000000Z", "expired-server.pem")
            try sign(pki.directory + "/server.csr", pki.directory + "/server.ext", "20900101000000Z", "20900201000000Z", "future-server.pem")
            try sign(pki.directory + "/client.csr", pki.directory + "/client.ext", "20200101000000Z", "20200201000000Z", "expired-client.pem")
            return .success(Extra(directory: directory))
        } catch let error as TLSTestError {
            return .failure(error)
        } catch {
            return .failure(.toolFailed("\(error)"))
        }
    }()

    static let clusters = ["-c", "clusters"]

    @Test("an encrypted key without a pass phrase: \"the key is encrypted\", exit 2 at once, standard input never read")
    func encryptedKeyWithoutPassPhrase() throws {
        let pki = try Self.pki.get(), extra = try Self.extra.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate)
        defer { server.stop() }
        // The pass phrase on standard input, as the next line of a `while read` loop would be: it must not be read.
        let script = "printf 's3cret phrase\\nnext-host\\n' | { \"$0\" \"$@\"; status=$?; read first; echo \"left:$first\"; exit $status; }"
        let result = try Support.run(["-c", script, Support.executable, "-c", "clusters", "--timeout", "3s", "--ca-file", pki.caCertificate,
                                      "--cert", pki.clientCertificate, "--key", extra.encryptedKey],
                                     environment: ["ORCHESTRATOR_API": server.apiURL], timeout: 20, program: "/bin/sh")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("the key is encrypted"), "\(result.stderr)")
        #expect(result.stderr.contains("--key-password-file"), "\(result.stderr)")
        #expect(result.stdout == "left:s3cret phrase\n", "standard input was read: \(result.stdout)")
        #expect(server.log(settle: 0.3).isEmpty)
    }

    @Test("--key-password-file and ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE unlock the key", arguments: [true, false])
    func encryptedKeyWithPassPhrase(_ viaFlag: Bool) throws {
        let pki = try Self.pki.get(), extra = try Self.extra.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate)
        defer { server.stop() }
        var environment = ["ORCHESTRATOR_API": server.apiURL]
        if !viaFlag { environment["ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE"] = extra.passPhraseFile }
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate, "--cert", pki.clientCertificate, "--key", extra.encryptedKey]
                                        + (viaFlag ? ["--key-password-file", extra.passPhraseFile] : []), environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests() == ["GET /api/clusters-info HTTP/1.1 CLIENT orchestrator-client-test"])
    }

    @Test("a wrong pass phrase, or a key that is not the certificate's: exit 2, said once for all endpoints, nothing served",
          arguments: [false, true])
    func unusableKey(_ mismatch: Bool) throws {
        let pki = try Self.pki.get(), extra = try Self.extra.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate)
        defer { server.stop() }
        let key = mismatch ? ["--key", pki.strangerKey] : ["--key", extra.encryptedKey, "--key-password-file", extra.wrongPassPhraseFile]
        let api = "\(server.apiURL) https://localhost:\(server.port)/api"
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate, "--cert", pki.clientCertificate] + key,
                                              environment: ["ORCHESTRATOR_API": api])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "said once: \(result.stderr)")
        #expect(result.stderr.contains("the TLS files cannot be used"), "\(result.stderr)")
        #expect(server.requests(settle: 0.5).isEmpty)
    }

    @Test("local TLS files the client cannot use are exit 2 before anything is sent", arguments: [
        "empty-ca", "garbage-ca", "directory-ca", "cert-without-key", "key-without-cert", "key-readable-by-others",
    ])
    func localFiles(_ problem: String) throws {
        let pki = try Self.pki.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let empty = directory.path + "/empty.pem", garbage = directory.path + "/garbage.pem", openKey = directory.path + "/open.key"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: pki.clientKey, toPath: openKey)
        chmod(openKey, 0o644)
        let arguments: [String]
        switch problem {
        case "empty-ca": arguments = ["--ca-file", empty]
        case "garbage-ca": arguments = ["--ca-file", garbage]
        case "directory-ca": arguments = ["--ca-file", directory.path]
        case "cert-without-key": arguments = ["--ca-file", pki.caCertificate, "--cert", pki.clientCertificate]
        case "key-without-cert": arguments = ["--ca-file", pki.caCertificate, "--key", pki.clientKey]
        default: arguments = ["--ca-file", pki.caCertificate, "--cert", pki.clientCertificate, "--key", openKey]
        }
        let result = try Support.runInProcess(Self.clusters + arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 2, "\(problem): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        if problem == "key-readable-by-others" { #expect(result.stderr.contains("chmod 600"), "\(result.stderr)") }
        #expect(server.log(settle: 0.3).isEmpty, "nothing connected")
    }

    @Test("a CA file whose second certificate is corrupt: exit 2 naming the setting that gave it, never --cert and --key",
          arguments: ["--ca-file", "CURL_CA_BUNDLE", "--proxy-ca-file"])
    func corruptAuthorities(_ setting: String) throws {
        let pki = try Self.pki.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let corrupt = directory.path + "/corrupt.pem"
        let text = try String(contentsOfFile: pki.caCertificate, encoding: .utf8)
            + "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU!!!\n-----END CERTIFICATE-----\n"
        try text.write(toFile: corrupt, atomically: true, encoding: .utf8)
        var environment = ["ORCHESTRATOR_API": server.apiURL]
        var arguments = Self.clusters
        var proxy: TLSProxy?
        switch setting {
        case "CURL_CA_BUNDLE": environment[setting] = corrupt
        case "--proxy-ca-file":
            proxy = try TLSProxy(certificate: pki.proxyCertificate, key: pki.proxyKey)
            environment["https_proxy"] = proxy?.url
            arguments += ["--ca-file", pki.caCertificate, setting, corrupt]
        default: arguments += [setting, corrupt]
        }
        defer { proxy?.stop() }
        let result = try Support.runInProcess(arguments, environment: environment)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("the TLS files cannot be used"), "\(result.stderr)")
        let named = ["--ca-file": "--ca-file/ORCHESTRATOR_CA_FILE", "--proxy-ca-file": "--proxy-ca-file/ORCHESTRATOR_PROXY_CA_FILE"][setting] ?? setting
        #expect(result.stderr.contains("check \(named) (\(corrupt))"), "\(result.stderr)")
        #expect(!result.stderr.contains("--cert"), "\(result.stderr)")
        #expect(server.requests(settle: 0.3).isEmpty)
    }

    @Test("expired, not yet valid and wrong-host server certificates each get their own hint, never --ca-file",
          arguments: ["expired", "future", "other-host"])
    func serverCertificateHints(_ kind: String) throws {
        let pki = try Self.pki.get(), extra = try Self.extra.get()
        let certificate = kind == "expired" ? extra.expiredServer : kind == "future" ? extra.futureServer : pki.otherHostCertificate
        let server = try TLSServer(certificate: certificate, key: kind == "other-host" ? pki.otherHostKey : pki.serverKey)
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3, "\(result.stderr)")
        let hint = kind == "expired" ? "a certificate of the server's chain has expired (its own, or an intermediate it sends)" : kind == "future" ? "not valid yet" : "for another name"
        #expect(result.stderr.contains(hint), "\(result.stderr)")
        #expect(!result.stderr.contains("--ca-file"), "\(result.stderr)")
    }

    @Test("an expired client certificate is named as ours, not as a server to trust")
    func expiredClientCertificate() throws {
        let pki = try Self.pki.get(), extra = try Self.extra.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate)
        defer { server.stop() }
        let result = try Support.runInProcess(Self.clusters + ["--ca-file", pki.caCertificate, "--cert", extra.expiredClient, "--key", pki.clientKey],
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("client certificate"), "\(result.stderr)")
        #expect(!result.stderr.contains("--ca-file"), "\(result.stderr)")
        #expect(server.requests(settle: 0.5).isEmpty)
    }

    @Test("https:// to a plain http server says the server does not speak TLS there")
    func httpsToPlainServer() throws {
        // A plain http server answers the TLS hello as a bad request, in clear text.
        let server = try RawServer(reply: Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        defer { server.stop() }
        let api = "https://127.0.0.1:\(server.port)/api"
        let result = try Support.runInProcess(Self.clusters, environment: ["ORCHESTRATOR_API": api])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("does not speak TLS"), "\(result.stderr)")
        #expect(!result.stderr.contains("--ca-file"), "\(result.stderr)")
    }
}
