import Foundation
import Testing
import TestServer

/// Basic auth from every source, header auth, password files, and a password that is never shown.
@Suite("Authentication")
struct AuthTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let discover = ["-c", "discover", "-i", "127.0.0.1:10111"]

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// A temporary directory removed when the returned closure runs.
    static func temporaryDirectory() throws -> (path: String, remove: () -> Void) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("occ-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return (url.path, { try? FileManager.default.removeItem(at: url) })
    }

    /// Writes `text` to a new file in `directory` with `mode`.
    static func secretFile(_ text: String, mode: Int, in directory: String) throws -> String {
        let path = directory + "/password-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    // MARK: Where basic-auth credentials come from

    struct Source: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [String]
        let environment: [String: String]
        /// `ORCHESTRATOR_API`, `HOST` standing for the server's `127.0.0.1:port`.
        let api: String
        let user: String
        let password: String
        var testDescription: String { name }
    }

    static let sources: [Source] = [
        Source(name: "-b user:pass", arguments: ["-b", "alice:s3cret"], environment: [:], api: "http://HOST/api",
               user: "alice", password: "s3cret"),
        Source(name: "--auth=user:pass with ':' in the password", arguments: ["--auth=alice:pa:ss"], environment: [:],
               api: "http://HOST/api", user: "alice", password: "pa:ss"),
        Source(name: "environment", arguments: [],
               environment: ["ORCHESTRATOR_AUTH_USER": "alice", "ORCHESTRATOR_AUTH_PASSWORD": "s3cret"],
               api: "http://HOST/api", user: "alice", password: "s3cret"),
        Source(name: "endpoint URL", arguments: [], environment: [:], api: "http://alice:s3cret@HOST/api",
               user: "alice", password: "s3cret"),
        Source(name: "endpoint URL, percent-encoded", arguments: [], environment: [:],
               api: "http://al%40ice:s3%2Fcr%3Aet%23@HOST/api", user: "al@ice", password: "s3/cr:et#"),
        Source(name: "-b wins over the environment", arguments: ["-b", "bob:pw1"],
               environment: ["ORCHESTRATOR_AUTH_USER": "alice", "ORCHESTRATOR_AUTH_PASSWORD": "s3cret"],
               api: "http://HOST/api", user: "bob", password: "pw1"),
        Source(name: "the environment wins over the URL", arguments: [],
               environment: ["ORCHESTRATOR_AUTH_USER": "alice", "ORCHESTRATOR_AUTH_PASSWORD": "s3cret"],
               api: "http://carol:other@HOST/api", user: "alice", password: "s3cret"),
    ]

    @Test("basic auth is sent as given, from each source", arguments: sources)
    func basicAuth(_ source: Source) throws {
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        var environment = source.environment
        environment["ORCHESTRATOR_API"] = source.api.replacingOccurrences(of: "HOST", with: "127.0.0.1:\(server.port)")
        let result = try Support.runInProcess(Self.discover + source.arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.map(\.headers["authorization"]) == [Self.basic(source.user, source.password)])
        #expect(!(result.stdout + result.stderr).contains(source.password))
    }

    @Test("header auth: -e and ORCHESTRATOR_AUTH_USER_HEADER send the header, and no basic auth", arguments: [
        (["-e", "X-Forwarded-User: alice"], [String: String]()),
        ([], ["ORCHESTRATOR_AUTH_USER_HEADER": "X-Forwarded-User: alice"]),
    ])
    func headerAuth(_ arguments: [String], _ environment: [String: String]) throws {
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        var environment = environment
        environment["ORCHESTRATOR_API"] = server.apiURL
        let result = try Support.runInProcess(Self.discover + arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let request = try #require(server.requests.first)
        #expect(request.headers["x-forwarded-user"] == "alice")
        #expect(request.headers["authorization"] == nil)
    }

    @Test("every node refuses our credentials: said plainly (exit 1), not \"no leader\", and nothing acted on")
    func severalNodesRefuseCredentials() throws {
        let nodes = try (0..<3).map { _ in
            try TestServer { _ in Reply(status: 401, contentType: "text/plain", body: Array("Not Authorized\n".utf8)) }
        }
        defer { nodes.forEach { $0.stop() } }
        let result = try Support.runInProcess(Self.discover + ["-b", "alice:wrong"],
                                              environment: ["ORCHESTRATOR_API": nodes.map(\.apiURL).joined(separator: " ")])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("refused our credentials (HTTP 401)"), "\(result.stderr)")
        #expect(!result.stderr.contains("wrong"))
        for node in nodes {
            #expect(node.targets.allSatisfy { $0.hasSuffix("leader-check") })
            #expect(node.requests.allSatisfy { $0.headers["authorization"] == Self.basic("alice", "wrong") })
        }
    }

    // MARK: The password is never shown

    static let password = "Pz9-s3cret-Q"

    enum Scenario: String, CaseIterable, Sendable {
        case whichAPI, dryRun, notAuthorized, refused, timeout, htmlError, invalidInstance, success
    }

    enum PasswordSource: String, CaseIterable, Sendable {
        case flag, environment, url, passwordFile, environmentPasswordFile
    }

    @Test("the password appears nowhere: stdout, stderr, which-api, --dry-run, errors",
          arguments: PasswordSource.allCases, Scenario.allCases)
    func passwordNeverShown(_ source: PasswordSource, _ scenario: Scenario) throws {
        let (directory, remove) = try Self.temporaryDirectory()
        defer { remove() }
        let follower = try TestServer { request in
            RaftRole.follower.leaderCheckReply(request.target) ?? .notFound
        }
        let server = try TestServer { request in
            if let probe = RaftRole.leader.leaderCheckReply(request.target) { return probe }
            switch scenario {
            case .notAuthorized: return Reply(status: 401, contentType: "text/plain", body: Array("Not Authorized\n".utf8))
            case .timeout: return .hangForever
            case .htmlError: return Reply(status: 502, contentType: "text/html", body: Array("<html>502</html>".utf8))
            default: return AuthTests.discoverAnswer
            }
        }
        defer { follower.stop(); server.stop() }
        let port = scenario == .refused ? refusedPort() : server.port
        var environment: [String: String] = [:]
        var arguments = scenario == .invalidInstance ? ["-c", "discover", "-i", "db1:99999"] : Self.discover
        var host = "127.0.0.1:\(port)"
        switch source {
        case .flag:
            arguments += ["-b", "alice:\(Self.password)"]
        case .environment:
            environment = ["ORCHESTRATOR_AUTH_USER": "alice", "ORCHESTRATOR_AUTH_PASSWORD": Self.password]
        case .url:
            host = "alice:\(Self.password)@" + host
        case .passwordFile:
            arguments += ["-b", "alice", "--password-file", try Self.secretFile(Self.password + "\n", mode: 0o600, in: directory)]
        case .environmentPasswordFile:
            environment = ["ORCHESTRATOR_AUTH_USER": "alice",
                           "ORCHESTRATOR_AUTH_PASSWORD_FILE": try Self.secretFile(Self.password + "\n", mode: 0o600, in: directory)]
        }
        environment["ORCHESTRATOR_API"] = "http://\(host)/api"
        switch scenario {
        case .whichAPI:
            arguments = ["-c", "which-api"] + arguments.dropFirst(4)
            environment["ORCHESTRATOR_API"] = follower.apiURL + " http://\(host)/api"
        case .dryRun:
            arguments.append("--dry-run")
        case .timeout:
            arguments += ["--timeout", "500ms"]
        case .refused:
            arguments += ["--timeout", "400ms"]
        default:
            break
        }
        let result = try Support.runInProcess(arguments, environment: environment)
        let expectedStatus: Int32 = switch scenario {
        case .whichAPI, .dryRun, .success: 0
        case .notAuthorized: 1
        case .invalidInstance: 2
        case .refused: 3
        case .timeout: 4
        case .htmlError: 5   // a gateway's page to a change: its outcome is unknown
        }
        #expect(result.status == expectedStatus, "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains(Self.password), "\(result.stdout)\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains("s3cret"))
        if scenario == .whichAPI { #expect(result.stdout == server.apiURL + "\n") }
        if scenario == .dryRun { #expect(result.stdout.contains("alice:****")) }
        if scenario == .success || scenario == .notAuthorized {
            #expect(server.requests.first?.headers["authorization"] == Self.basic("alice", Self.password))
        }
    }

    @Test("a password with an unencoded '/', '?' or '#' in the endpoint URL is refused, and masked",
          arguments: ["pa/ss", "pa?ss", "pa#ss"])
    func unencodedPasswordInURL(_ password: String) throws {
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        let api = "http://alice:\(password)-Q9@127.0.0.1:\(server.port)/api"
        for arguments in [Self.discover, ["-c", "which-api"], Self.discover + ["--dry-run"]] {
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": api])
            #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("ss-Q9"), "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("percent-encoded"))
        }
        #expect(server.requests.isEmpty)
    }

    // MARK: Password files

    @Test("--password-file and ORCHESTRATOR_AUTH_PASSWORD_FILE: the one line is the password", arguments: [
        "s3cret\n", "s3cret", "s3cret\r\n", "s3cret\n\n",
    ])
    func passwordFile(_ contents: String) throws {
        let (directory, remove) = try Self.temporaryDirectory()
        defer { remove() }
        let file = try Self.secretFile(contents, mode: 0o600, in: directory)
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        let viaFlag = try Support.runInProcess(Self.discover + ["-b", "alice", "--password-file", file], environment: ["ORCHESTRATOR_API": server.apiURL])
        let viaEnvironment = try Support.runInProcess(Self.discover, environment: [
            "ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_AUTH_USER": "alice", "ORCHESTRATOR_AUTH_PASSWORD": "ignored",
            "ORCHESTRATOR_AUTH_PASSWORD_FILE": file,
        ])
        #expect(viaFlag.status == 0, "\(viaFlag.stderr)")
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(server.requests.map(\.headers["authorization"]) == Array(repeating: Self.basic("alice", "s3cret"), count: 2))
    }

    @Test("a password file others can read or write is refused before anything is sent", arguments: [0o644, 0o640, 0o602])
    func passwordFileMode(_ mode: Int) throws {
        let (directory, remove) = try Self.temporaryDirectory()
        defer { remove() }
        let file = try Self.secretFile("s3cret\n", mode: mode, in: directory)
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        let viaFlag = try Support.runInProcess(Self.discover + ["-b", "alice", "--password-file", file], environment: ["ORCHESTRATOR_API": server.apiURL])
        let viaEnvironment = try Support.runInProcess(Self.discover, environment: [
            "ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_AUTH_USER": "alice", "ORCHESTRATOR_AUTH_PASSWORD_FILE": file,
        ])
        for result in [viaFlag, viaEnvironment] {
            #expect(result.status == 2)
            #expect(result.stderr.contains("chmod 600 \(file)"), "\(result.stderr)")
            #expect(!result.stderr.contains("s3cret"))
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a missing password file, or one without a user name: exit 2, nothing sent", arguments: [
        ["-b", "alice", "--password-file", "/nonexistent/password"],
        ["--password-file", "PASSWORD_FILE"],
        ["-b", "alice:other", "--password-file", "PASSWORD_FILE"],
    ])
    func passwordFileMisuse(_ arguments: [String]) throws {
        let (directory, remove) = try Self.temporaryDirectory()
        defer { remove() }
        let file = try Self.secretFile("s3cret\n", mode: 0o600, in: directory)
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover + arguments.map { $0 == "PASSWORD_FILE" ? file : $0 },
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("password"))
        #expect(server.requests.isEmpty)
    }

    @Test("a user name holding ':' is refused from every source: basic auth would send the rest as the password", arguments: [
        Source(name: "environment", arguments: [], environment: ["ORCHESTRATOR_AUTH_USER": "al:ice", "ORCHESTRATOR_AUTH_PASSWORD": "Pw7-q"],
               api: "http://HOST/api", user: "al:ice", password: "Pw7-q"),
        Source(name: "environment, empty password", arguments: [], environment: ["ORCHESTRATOR_AUTH_USER": "al:ice"],
               api: "http://HOST/api", user: "al:ice", password: ""),
        Source(name: "environment with a password file", arguments: [],
               environment: ["ORCHESTRATOR_AUTH_USER": "al:ice", "ORCHESTRATOR_AUTH_PASSWORD_FILE": "PASSWORD_FILE"],
               api: "http://HOST/api", user: "al:ice", password: "Pw7-q"),
        Source(name: "endpoint URL, ':' percent-encoded in the user", arguments: [], environment: [:],
               api: "http://al%3Aice:Pw7-q@HOST/api", user: "al:ice", password: "Pw7-q"),
    ])
    func userWithColon(_ source: Source) throws {
        let directory = try TemporaryDirectory()
        let file = try Self.secretFile("Pw7-q\n", mode: 0o600, in: directory.path)
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        var environment = source.environment.mapValues { $0 == "PASSWORD_FILE" ? file : $0 }
        environment["ORCHESTRATOR_API"] = source.api.replacingOccurrences(of: "HOST", with: "127.0.0.1:\(server.port)")
        let result = try Support.runInProcess(Self.discover + source.arguments, environment: environment)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("contains ':'"), "\(result.stderr)")
        #expect(!result.stderr.contains("ice"), "the part after ':' may be a password: \(result.stderr)")
        #expect(!result.stderr.contains("Pw7-q"), "\(result.stderr)")
        #expect(server.requests.isEmpty, "\(server.targets)")
    }

    @Test("a blank or empty user name is refused from every source: basic auth would send a password for no user", arguments: [
        Source(name: "-b, a space for the user", arguments: ["-b", " :Pw7-q"], environment: [:], api: "http://HOST/api", user: " ", password: "Pw7-q"),
        Source(name: "-b, a tab for the user", arguments: ["--auth=\t:Pw7-q"], environment: [:], api: "http://HOST/api", user: "\t", password: "Pw7-q"),
        Source(name: "endpoint URL, no user", arguments: [], environment: [:], api: "http://:Pw7-q@HOST/api", user: "", password: "Pw7-q"),
        Source(name: "endpoint URL, an encoded space for the user", arguments: [], environment: [:], api: "http://%20:Pw7-q@HOST/api",
               user: " ", password: "Pw7-q"),
        Source(name: "endpoint URL, empty user information", arguments: [], environment: [:], api: "http://@HOST/api", user: "", password: ""),
        Source(name: "endpoint URL, ':' alone", arguments: [], environment: [:], api: "http://:@HOST/api", user: "", password: ""),
        Source(name: "-U, no user", arguments: ["-U", "http://:Pw7-q@HOST/api"], environment: [:], api: "http://HOST/api", user: "", password: "Pw7-q"),
    ])
    func blankUser(_ source: Source) throws {
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        let host = "127.0.0.1:\(server.port)"
        let arguments = source.arguments.map { $0.replacingOccurrences(of: "HOST", with: host) }
        let result = try Support.runInProcess(Self.discover + arguments,
                                              environment: ["ORCHESTRATOR_API": source.api.replacingOccurrences(of: "HOST", with: host)])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("names no user"), "\(result.stderr)")
        #expect(result.stderr.contains(source.arguments.contains { $0.contains("auth") || $0 == "-b" } ? "-b/--auth" : "API endpoint"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Pw7-q"), "\(result.stderr)")
        #expect(server.requests.isEmpty, "\(server.targets)")
    }

    @Test("a password file that is not UTF-8 is refused, not sent altered")
    func passwordFileNotUTF8() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/password"
        #expect(FileManager.default.createFile(atPath: file, contents: Data([0x70, 0xE9, 0x73, 0x73, 0x0A]),
                                                attributes: [.posixPermissions: 0o600]))
        let server = try TestServer { _ in AuthTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover + ["-b", "u", "--password-file", file], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not UTF-8"), "\(result.stderr)")
        #expect(server.requests.isEmpty)
    }
}
