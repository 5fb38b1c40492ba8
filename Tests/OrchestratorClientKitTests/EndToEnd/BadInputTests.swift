import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// Values that cannot be sent faithfully are refused with exit 2 and a message naming the value and the fix;
/// the server asserts that no request arrived.
@Suite("Bad input never reaches the server")
struct BadInputTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let okAnswer = Reply.json(#"{"Code":"OK","Message":"","Details":{"Hostname":"db1","Port":3306}}"#)

    static let cases: [(arguments: [String], mentions: String)] = [
        (["-c", "end-downtime", "-i", "db1/../../forget/db2"], "db1/../../forget/db2"),
        (["-c", "begin-downtime", "-i", "db1", "-r", "r & d/ops?x=1"], "r & d/ops?x=1"),
        (["-c", "begin-downtime", "-i", "db1", "-r", "ok", "-o", "a/b"], "a/b"),
        (["-c", "begin-downtime", "-i", "db1", "-r", "line\nbreak"], "line\\nbreak"),
        (["-c", "begin-downtime", "-i", "db1", "-r", "ok", "-u", "5 minutes"], "5 minutes"),
        (["-c", "begin-downtime", "-i", "db1", "-r", "ok", "-u", "5x"], "5x"),
        (["-c", "begin-downtime", "-i", "db1", "-r", ".."], ".."),
        (["-c", "register-candidate", "-i", "db1", "-R", "bogus"], "bogus"),
        (["-c", "discover", "-i", "db1:99999"], "99999"),
        (["-c", "discover", "-i", "db1:port"], "port"),
        (["-c", "discover", "-i", "::1"], "::1"),
        (["-c", "discover", "-i", "db 1"], "db 1"),
        (["-c", "discover", "-i", "db1?x=1"], "db1?x=1"),
        (["-c", "discover", "-i", "db1#frag"], "db1#frag"),
        (["-c", "topology", "-a", "ci/../x"], "ci/../x"),
        (["-c", "delay-replication", "-i", "db1", "-S", "-5"], "-5"),
        (["-c", "tag", "-i", "db1", "-t", "=value"], "=value"),
        (["-c", "submit-pool-instances", "-l", "pool", "-i", "db1:3306,db2:x"], "db2:x"),
        (["-c", "api", "--path", "../forget/db1/3306"], "../forget/db1/3306"),
        (["-c", "api", "-P", "cluster/x%2e%2e%2f%2e%2e%2fforget/db1/3306"], "'..' segment"),
        (["-c", "api", "-P", "cluster/a%2F..%2Fforget/db1/3306"], "'..' segment"),
        (["-c", "api", "-P", "cluster/%2E%2e/forget/db1/3306"], "'..' segment"),
        (["-c", "api", "-P", "cluster/ci/x%2F.%2Fy"], "'.' segment"),
        (["-c", "api", "-P", "x%0ay"], "control character"),
        (["-c", "api", "-P", "x%0d%0aHost:%20evil"], "control character"),
        (["-c", "api", "-P", "x%1b"], "control character"),
        (["-c", "api", "-P", "x%00y"], "control character"),
        (["-c", "api", "-P", "clusters?x=%7f"], "control character"),
        (["-c", "api", "-P", "%20"], "empty once decoded"),
        (["-c", "api", "-P", "/api/%09%20"], "control character"),
        (["-c", "clusters", "-U", "http://\u{E9}.example:1/api"], "xn--"),
        (["-c", "discover", "-i", "[:]:3306"], "is not an IPv6 address"),
        (["-c", "discover", "-i", "[1::2::3]:3306"], "is not an IPv6 address"),
        (["-c", "discover", "-i", "[::1::]"], "is not an IPv6 address"),
        (["-c", "discover", "-i", "db1", "--owner=cron", "--bogus-flag"], "--bogus-flag"),
        (["-c", "discover", "-i", "db1", "-D", "0"], "0"),
        (["-c", "discover", "-i", "db1", "-b", "nopassword"], "-b/--auth must be user:password"),
        (["-c", "discover", "-i", "db1", "-e", "X-User alice"], "X-User alice"),
        (["-c", "discover", "-i", "db1", "--timeout", "soon"], "soon"),
        (["-c", "no-such-command"], "no-such-command"),
        (["-c", "discover", "-i"], "-i"),
        (["-c", "begin-downtime", "-i", "db1"], "reason"),
    ]

    @Test("refused before sending", arguments: cases.indices)
    func refused(_ index: Int) throws {
        let (arguments, mention) = Self.cases[index]
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"","Details":null}"#) }
        defer { server.stop() }
        let result = try Support.run(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 2, "\(arguments): exit \(result.status), stderr \(result.stderr)")
        #expect(server.requests.isEmpty, "\(arguments): a request reached the server: \(server.targets)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("orchestrator-client: "))
        #expect(result.stderr.contains(mention), "\(arguments): message should name \(mention): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("an unknown flag names the nearest known one")
    func suggestion() throws {
        let result = try Support.run(["-c", "discover", "--instanse", "db1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean --instance?"))
    }

    @Test("a misspelled command suggests the nearest ones")
    func commandSuggestion() throws {
        let result = try Support.run(["-c", "discovr"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean discover"))
    }

    @Test("a password in the endpoint URL never appears in messages")
    func passwordNotLeaked() throws {
        let port = refusedPort()
        let result = try Support.run(["-c", "discover", "-i", "db1", "--timeout", "1s"],
                                     environment: ["ORCHESTRATOR_API": "http://user:s3cret@127.0.0.1:\(port)/api"])
        #expect(result.status == 3)
        #expect(!result.stderr.contains("s3cret"))
        let dryRun = try Support.run(["-c", "discover", "-i", "db1", "--dry-run"],
                                     environment: ["ORCHESTRATOR_API": "http://user:s3cret@127.0.0.1:\(port)/api"])
        #expect(dryRun.status == 0)
        #expect(!dryRun.stdout.contains("s3cret"))
        #expect(dryRun.stdout.contains("user:****"))
    }

    @Test("an explicitly empty value is a usage error, nothing sent, even with ORCHESTRATOR_INSTANCE set", arguments: [
        ["-c", "begin-downtime", "-i", "", "-r", "r"], ["-c", "end-maintenance", "-i", ""], ["-c", "which-cluster", "-a", ""],
        ["-c", "end-downtime", "--instance="], ["-c", "discover", "-U", ""], ["-c", "discover", "-o", "", "-i", "db1"],
        ["-c", "discover", "-i", ""], ["-c", "discover", "-U", " "], ["-c", "discover", "-i", " "], ["-c", "discover", "-i", "\t"],
        ["-c", "begin-downtime", "-i", "db1", "-r", "  "], ["-c", "discover", "-i", "db1", "-e", " "],
    ])
    func emptyValue(_ arguments: [String]) throws {
        let server = try TestServer { _ in BadInputTests.okAnswer }
        defer { server.stop() }
        for environment in [["ORCHESTRATOR_API": server.apiURL], ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_INSTANCE": "db9:3306"]] {
            let result = try Support.runInProcess(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("empty value"), "\(result.stderr)")
        }
        #expect(server.requests.isEmpty, "\(server.targets)")
    }

    @Test("ORCHESTRATOR_INSTANCE set but empty never means this host either; with -i or -a it does not matter")
    func emptyEnvironmentInstance() throws {
        let server = try TestServer { _ in BadInputTests.okAnswer }
        defer { server.stop() }
        let environment = ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_INSTANCE": ""]
        for arguments in [["-c", "begin-downtime", "-r", "r"], ["-c", "discover"], ["-c", "which-cluster"]] {
            let result = try Support.runInProcess(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("ORCHESTRATOR_INSTANCE is set but empty"), "\(result.stderr)")
        }
        #expect(server.requests.isEmpty)
        #expect(try Support.runInProcess(["-c", "end-downtime", "-i", "db1"], environment: environment).status == 0)
        #expect(server.targets == ["/api/end-downtime/db1/3306"])
    }

    @Test("ORCHESTRATOR_API set but empty or blank never means the default on localhost: exit 2, nothing sent",
          arguments: ["", "  ", "\t\n"])
    func emptyEnvironmentEndpoints(_ api: String) throws {
        for arguments in [["-c", "clusters"], ["-c", "which-api"], ["-c", "clusters", "--dry-run"]] {
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": api])
            #expect(result.status == 2, "\(arguments): exit \(result.status) \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("ORCHESTRATOR_API"), "\(result.stderr)")
            #expect(result.stderr.contains("set but empty"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        // -U names the endpoints: an empty ORCHESTRATOR_API beside it does not matter.
        let given = try Support.runInProcess(["-c", "which-api", "-U", "http://orc.example.test:3000"], environment: ["ORCHESTRATOR_API": api])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(given.stdout == "http://orc.example.test:3000/api\n")
    }

    @Test("an empty header value is refused, from -e or ORCHESTRATOR_AUTH_USER_HEADER: libcurl would send no header at all",
          arguments: ["X-Forwarded-User: ", "X-Forwarded-User:", "X-Forwarded-User:\u{A0}"])
    func emptyHeaderValue(_ header: String) throws {
        let server = try TestServer { _ in BadInputTests.okAnswer }
        defer { server.stop() }
        let fromFlag = try Support.runInProcess(["-c", "discover", "-i", "db1", "-e", header], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(fromFlag.status == 2, "\(fromFlag.stderr)")
        #expect(fromFlag.stderr.contains("-e/--headers-auth"), "\(fromFlag.stderr)")
        #expect(fromFlag.stderr.contains("its value is empty"), "\(fromFlag.stderr)")
        let fromEnvironment = try Support.runInProcess(["-c", "discover", "-i", "db1"],
                                                       environment: ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_AUTH_USER_HEADER": header])
        #expect(fromEnvironment.status == 2, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stderr.contains("ORCHESTRATOR_AUTH_USER_HEADER"), "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stderr.contains("its value is empty"), "\(fromEnvironment.stderr)")
        #expect(server.requests.isEmpty, "\(server.targets)")
    }

    @Test("a flag given twice with different values is refused; the same value twice passes")
    func conflictingRepeats() throws {
        let server = try TestServer { _ in BadInputTests.discoverAnswer }
        defer { server.stop() }
        let turned = try Support.runInProcess(["-c", "which-master", "-i", "db1", "-c", "discover"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(turned.status == 2)
        #expect(turned.stderr.contains("-c/--command given twice with different values"), "\(turned.stderr)")
        let secret = try Support.runInProcess(["-c", "discover", "-b", "alice:Pw1-Xq", "-b", "alice:Pw2-Zr"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(secret.status == 2)
        #expect(!secret.stderr.contains("Pw1") && !secret.stderr.contains("Pw2"), "\(secret.stderr)")
        #expect(server.requests.isEmpty)
        let same = try Support.runInProcess(["-c", "discover", "-i", "127.0.0.1:10111", "--instance=127.0.0.1:10111", "-c", "discover"],
                                            environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
    }
}

extension BadInputTests {
    @Test("a proxy of a scheme libcurl cannot use: exit 2 at once naming its variable, password masked, nothing sent",
          arguments: ["http_proxy", "all_proxy", "ALL_PROXY", "https_proxy", "HTTPS_PROXY"])
    func unusableProxyScheme(_ variable: String) throws {
        let server = try TestServer { _ in Self.discoverAnswer }
        defer { server.stop() }
        // https_proxy is read for https endpoints only: nothing listens on this one, so exit 3 would be a retried try.
        let api = variable.lowercased() == "https_proxy" ? "https://127.0.0.1:1/api" : server.apiURL
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": api, variable: "ftp://user:Pr0xyPw@127.0.0.1:21"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("invalid \(variable) \"ftp://user:****@127.0.0.1:21\": libcurl cannot use a proxy of scheme ftp"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Pr0xyPw"))
        #expect(server.requests.isEmpty)
    }

    @Test("a proxy whose host or port libcurl cannot use: exit 2 at once naming its variable and the problem, password masked",
          arguments: [("http://user:Pr0xyPw@127.0.0.1:99999", "its port 99999 is not a number from 1 to 65535"),
                      ("http://[zz]:1", "is not an IPv6 address"), ("http://", "it names no host"), ("//127.0.0.1:1", "it names no host"),
                      (":1", "it names no host"), ("http://user:Pr0xyPw@proxy:31x8", "its port is not a number"),
                      ("socks5://\u{E9}.example:1080", "xn--")])
    func unusableProxyAuthority(_ proxy: String, _ problem: String) throws {
        // Nothing listens on the endpoint: a retried try would be exit 3.
        let result = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "https://127.0.0.1:1/api", "https_proxy": proxy])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("invalid https_proxy \""), "\(result.stderr)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(!result.stderr.contains("Pr0xyPw"), "\(result.stderr)")
    }

    @Test("the schemes libcurl uses for a proxy pass, in any case, and none means http", arguments: [
        "http://", "HTTPS://", "socks://", "socks4://", "socks4a://", "socks5://", "Socks5h://", "",
    ])
    func usableProxyScheme(_ scheme: String) throws {
        let result = try Support.runInProcess(["-c", "discover", "-i", "db1", "--dry-run"],
                                              environment: ["ORCHESTRATOR_API": "http://orc:3000/api", "http_proxy": scheme + "proxy:1080"])
        #expect(result.status == 0, "\(scheme): \(result.stderr)")
        #expect(result.stdout.contains("# through the proxy \(scheme)proxy:1080 (from http_proxy)"), "\(result.stdout)")
    }

    @Test("a proxy variable that no endpoint would use is not refused")
    func unusedProxy() throws {
        let server = try TestServer { _ in BadInputTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "discover", "-i", "127.0.0.1:10111"],
                                              environment: ["ORCHESTRATOR_API": server.apiURL, "https_proxy": "ftp://127.0.0.1:21"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("the library's transport refuses such a proxy too, as this host's mistake, whatever built its configuration")
    func unusableProxyInTheTransport() throws {
        var configuration = ClientConfiguration(endpoints: [try Endpoint(parsing: "http://127.0.0.1:1/api")])
        configuration.proxy = ProxySettings(environment: ["http_proxy": "gopher://127.0.0.1:70"])
        let transport = CurlTransport(configuration: configuration)
        let failure = transport.start(HTTPRequest(endpoint: configuration.endpoints[0], path: "clusters-info", timeoutMilliseconds: 1_000), tag: 1)
        #expect(failure?.kind == .configuration)
        #expect(failure?.reason.contains("invalid http_proxy") == true, "\(String(describing: failure))")
    }
}

@Suite("TLS files are checked before sending")
struct TLSFileTests {
    @Test("a missing CA file, certificate or key: exit 2, nothing sent", arguments: [
        ["--ca-file", "/nonexistent/ca.pem"], ["--cert", "/nonexistent/cert.pem"], ["--key", "/nonexistent/key.pem"],
    ])
    func missingFile(_ flag: [String]) throws {
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"","Details":null}"#) }
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters"] + flag, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 2)
        #expect(result.stderr.contains(flag[1]))
        #expect(server.requests.isEmpty)
    }

    @Test("CURL_CA_BUNDLE, SSL_CERT_FILE or SSL_CERT_DIR naming nothing usable: exit 2 naming the variable, nothing sent", arguments: [
        ("CURL_CA_BUNDLE", "/nonexistent/ca.pem"), ("SSL_CERT_FILE", "/nonexistent/ca.pem"), ("SSL_CERT_DIR", "/nonexistent"),
        ("SSL_CERT_DIR", "/tmp:/nonexistent"), ("CURL_CA_BUNDLE", "/tmp"),
    ])
    func curlVariableUnusable(_ variable: String, _ value: String) throws {
        // Nothing listens there: exit 3 would mean it was tried.
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "https://127.0.0.1:1/api", variable: value])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("invalid \(variable) \"\(value)\""), "\(result.stderr)")
    }

    @Test("the variables curl reads are not checked where nothing reads them: http endpoints, or a CA file given")
    func curlVariableUnused() throws {
        let server = try TestServer { _ in .json("[]") }
        defer { server.stop() }
        let bad = ["CURL_CA_BUNDLE": "/nonexistent/ca.pem", "SSL_CERT_DIR": "/nonexistent"]
        let http = try Support.run(["-c", "clusters"], environment: bad.merging(["ORCHESTRATOR_API": server.apiURL]) { $1 })
        #expect(http.status == 0, "\(http.stderr)")
    }

    @Test("from the environment too")
    func missingFromEnvironment() throws {
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "https://127.0.0.1:1/api",
                                                                       "ORCHESTRATOR_CA_FILE": "/nonexistent/ca.pem"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("ORCHESTRATOR_CA_FILE"))
    }
}
