import Foundation
import Testing
import TestServer
@testable import OrchestratorCLI

/// Nothing leaks, nothing lies on the terminal: escaping, passwords, proxies.
@Suite("Nothing leaks, nothing lies on the terminal")
struct TerminalAndSecretsTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let discover = ["-c", "discover", "-i", "127.0.0.1:10111"]

    /// Control characters (other than the line breaks between lines) in `text`.
    static func rawControls(_ text: String) -> [UInt32] {
        text.unicodeScalars.filter { $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) }.map(\.value)
    }

    // MARK: Terminal escapes

    @Test("the server's message reaches stderr escaped: no ESC, BEL or other control byte raw")
    func serverMessageEscaped() throws {
        let message = "Error 1045: Access denied for user 'x'@'\\u001b]0;owned\\u0007\\u001b[2J' \\u009b31m"
        let server = try TestServer { _ in .json(#"{"Code":"ERROR","Message":"\#(message)","Details":null}"#, status: 500) }
        defer { server.stop() }
        for arguments in [Self.discover, ["-c", "api", "--path", "x"]] {
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1)
            #expect(Self.rawControls(result.stderr).isEmpty, "\(result.stderr.debugDescription)")
            #expect(result.stderr.contains("\\u{1B}]0;owned\\u{07}"), "\(result.stderr)")
        }
    }

    @Test("invalid host names, unknown commands and flags are echoed escaped, and long values shortened", arguments: [
        ["-c", "discover", "-i", "db\u{1B}[31m1"], ["-c", "disc\u{1B}]0;x\u{07}over"], ["-c", "discover", "--in\u{1B}[2Jstance", "x"],
        ["-c", "discover", "-i", String(repeating: "a", count: 100_000) + "/"], ["-c", "x", "extra\u{9B}arg"],
    ])
    func userTextEscaped(_ arguments: [String]) throws {
        let result = try Support.runInProcess(arguments)
        #expect(result.status == 2)
        #expect(Self.rawControls(result.stderr).isEmpty, "\(result.stderr.debugDescription)")
        #expect(result.stderr.utf8.count < 1_000, "\(result.stderr.utf8.count) bytes")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("a password in any argument the flag parser echoes is masked: a flag given twice, a stray argument, an unknown flag or command",
          arguments: [
        ["-c", "clusters", "-U", "http://alice:S3cretPW@127.0.0.1:1/api", "-U", "http://alice:S3cretPW@127.0.0.1:2/api"],
        ["-c", "clusters", "--api", "http://alice:S3cretPW@127.0.0.1:1/api", "--api=http://alice:S3cretPW@127.0.0.1:2/api"],
        ["-c", "clusters", "http://alice:S3cretPW@127.0.0.1:1/api"],
        ["-c", "clusters", "-xhttp://alice:S3cretPW@127.0.0.1:1/api"],
        ["-c", "clusters", "-U", "--api=http://alice:S3cretPW@127.0.0.1:1/api"],
        ["-c", "http://alice:S3cretPW@127.0.0.1:1/api"],
        ["-c", "clusters", "-b", "alice:S3cretPW", "--auth=alice:S3cretPW2"],
    ])
    func argumentPasswordsMasked(_ arguments: [String]) throws {
        let result = try Support.runInProcess(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("S3cretPW"), "\(result.stderr)")
        #expect(result.stderr.contains("alice:****"), "\(result.stderr)")
    }

    // MARK: Standard output

    /// Whether the client can be run with a pseudo-terminal as its stdout (`script` from util-linux).
    static let pseudoTerminal: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return false }
        return (try? Support.run(["-qec", "test -t 1", "/dev/null"], program: "/usr/bin/script"))?.status == 0
    }()

    /// An answer whose master's host name carries an OSC 52 clipboard write, a C1 CSI and a right-to-left override.
    static let hostileMaster = Reply.json(#"{"Key":{"Hostname":"db1","Port":3306},"MasterKey":{"Hostname":"#
        + #""db0\u001b]52;c;ZWNobyBvd25lZA==\u0007\u009b2J\u202eevil","Port":3306}}"#)

    @Test("on a terminal, control characters and reordering marks from the server are printed escaped",
          .enabled(if: pseudoTerminal, "needs /usr/bin/script (util-linux) and a pseudo-terminal"))
    func terminalStdoutEscaped() throws {
        let server = try TestServer { _ in TerminalAndSecretsTests.hostileMaster }
        defer { server.stop() }
        let command = "'\(Support.executable)' -c which-master -i db1"
        let result = try Support.run(["-qec", command, "/dev/null"], environment: ["ORCHESTRATOR_API": server.apiURL],
                                     program: "/usr/bin/script")
        // The terminal turns each line feed into CR LF.
        let printed = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(result.status == 0, "\(printed)")
        #expect(Self.rawControls(printed).isEmpty, "\(printed.debugDescription)")
        #expect(printed == "db0\\u{1B}]52;c;ZWNobyBvd25lZA==\\u{07}\\u{009B}2J\\u{202E}evil:3306\n", "\(printed.debugDescription)")
    }

    @Test("into a pipe, stdout holds the server's bytes as they came, as the bash client wrote them")
    func pipedStdoutRaw() throws {
        let server = try TestServer { _ in TerminalAndSecretsTests.hostileMaster }
        defer { server.stop() }
        let result = try Support.run(["-c", "which-master", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0)
        #expect(result.stdout == "db0\u{1B}]52;c;ZWNobyBvd25lZA==\u{07}\u{9B}2J\u{202E}evil:3306\n", "\(result.stdout.debugDescription)")
    }

    @Test("the terminal's escaping keeps text whole across writes: a character cut between two writes is not escaped")
    func terminalEscapingAcrossWrites() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let sink = DescriptorSink(descriptor: ends[1], escapingControls: true)
        for byte in Array("é\u{1B}[2J日本\u{202E}\tok\n".utf8) + [0xFF, 0xE6] { [byte].withUnsafeBufferPointer { sink.write($0) } }
        sink.flush()
        close(ends[1])
        let handle = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        let printed = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed == "é\\u{1B}[2J日本\\u{202E}\tok\n\u{FFFD}\u{FFFD}", "\(printed.debugDescription)")
    }

    // MARK: Passwords

    @Test("a password on the command line, -b's or an -U URL's, is overwritten in the process's argv as soon as it is read, in every spelling",
          arguments: [
              ["-b", "alice:Zq8-Secret-Pw"], ["--auth=alice:Zq8-Secret-Pw"], ["-balice:Zq8-Secret-Pw"],
              ["-U", "http://alice:Zq8-Secret-Pw@HOST/api"], ["--api=http://alice:Zq8-Secret-Pw@HOST/api"],
              ["-Uhttp://alice:Zq8-Secret-Pw@HOST/api"], ["-api", "HTTP://alice:Zq8-Secret-Pw@HOST"],
              ["-U", "http://127.0.0.1:1/api, http://alice:Zq8-Secret-Pw@HOST/api"],
          ])
    func argvScrubbed(_ secret: [String]) throws {
        let hung = try TestServer { _ in .hangForever }
        defer { hung.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Support.executable)
        process.arguments = Self.discover + secret.map { $0.replacingOccurrences(of: "HOST", with: "127.0.0.1:\(hung.port)") } + ["--timeout", "5s"]
        process.environment = ["PATH": "/usr/bin:/bin", "ORCHESTRATOR_CLIENT_PROFILE": "", "ORCHESTRATOR_API": hung.apiURL]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        // Once the request has arrived, the arguments have long been read.
        for _ in 0..<250 where hung.requests.isEmpty { usleep(20_000) }
        #expect(!hung.requests.isEmpty, "the request never arrived")
        let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/cmdline"))
        let text = String(decoding: cmdline, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
        #expect(!text.contains("Zq8-Secret-Pw"), "\(text)")
        #expect(text.contains("alice:"), "the user stays visible: \(text)")
        if secret.joined().contains("HOST") { #expect(text.contains("@127.0.0.1:\(hung.port)"), "the host stays visible: \(text)") }
        #expect(hung.requests.first?.headers["authorization"] == "Basic " + Data("alice:Zq8-Secret-Pw".utf8).base64EncodedString())
    }

    @Test("the help says -b is visible until then")
    func helpSaysSo() throws {
        let result = try Support.runInProcess(["--help"])
        #expect(result.stdout.contains("shows in ps until the client overwrites it"))
    }

    static func file(_ contents: String, mode: Int, in directory: String) throws -> String {
        let path = directory + "/pw-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test("password files: empty, multi-line, /proc, devices and directories are refused, each saying why")
    func passwordFileRules() throws {
        let directory = try TemporaryDirectory()
        let server = try TestServer { _ in TerminalAndSecretsTests.discoverAnswer }
        defer { server.stop() }
        let cases: [(String, String)] = [
            (try Self.file("", mode: 0o600, in: directory.path), "the file is empty"),
            (try Self.file("\n", mode: 0o600, in: directory.path), "its first line is empty"),
            (try Self.file("s3cret\nother\n", mode: 0o600, in: directory.path), "more than one line"),
            ("/proc/self/environ", "a file of the kernel"),
            ("/dev/stdin", "not a regular file"),
            ("/dev/null", "not a regular file"),
            (directory.path, "it is a directory, not a file"),
        ]
        for (path, problem) in cases {
            for run in [
                try Support.run(Self.discover + ["-b", "alice", "--password-file", path], environment: ["ORCHESTRATOR_API": server.apiURL]),
                try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_AUTH_USER": "alice",
                                                             "ORCHESTRATOR_AUTH_PASSWORD_FILE": path]),
            ] {
                #expect(run.status == 2, "\(path): exit \(run.status)")
                #expect(run.stderr.contains(problem), "\(path): \(run.stderr)")
                #expect(!run.stderr.contains("s3cret"))
            }
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a system file with a wrong mode is never answered with 'chmod 600' of it")
    func noChmodOfSystemFiles() throws {
        for path in ["/etc/shadow", "/etc/passwd", "/etc/hostname"] where FileManager.default.fileExists(atPath: path) {
            let result = try Support.runInProcess(Self.discover + ["-b", "root", "--password-file", path])
            #expect(result.status == 2)
            #expect(!result.stderr.contains("chmod"), "\(result.stderr)")
        }
    }

    @Test("ORCHESTRATOR_AUTH_PASSWORD without a user: a warning says it is not used")
    func passwordWithoutUser() throws {
        let server = try TestServer { _ in TerminalAndSecretsTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover, environment: ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_AUTH_PASSWORD": "Pw9-x"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: ORCHESTRATOR_AUTH_PASSWORD is set but ORCHESTRATOR_AUTH_USER is not"), "\(result.stderr)")
        #expect(!result.stderr.contains("Pw9-x"))
        #expect(server.requests.first?.headers["authorization"] == nil)
    }

    @Test("a URL password holding a space is refused and no part of it is printed", arguments: [
        "http://alice:Xq7 Zw9@HOST/api", "http://alice:Xq7\tZw9@HOST/api", "http://other/api http://alice:Xq7 Zw9@HOST/api",
        "alice:Xq7Zw9@HOST/api",
    ])
    func passwordWithSpace(_ api: String) throws {
        let server = try TestServer { _ in TerminalAndSecretsTests.discoverAnswer }
        defer { server.stop() }
        let environment = ["ORCHESTRATOR_API": api.replacingOccurrences(of: "HOST", with: "127.0.0.1:\(server.port)")]
        for arguments in [Self.discover, ["-c", "which-api"], Self.discover + ["--dry-run"]] {
            let result = try Support.runInProcess(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): exit \(result.status)")
            let output = result.stdout + result.stderr
            #expect(!output.contains("Xq7") && !output.contains("Zw9"), "\(output)")
        }
        #expect(server.requests.isEmpty)
    }

    // MARK: Proxies

    @Test("a proxy from http_proxy is named in errors; --no-proxy and ORCHESTRATOR_NO_PROXY=1 go direct")
    func proxyNamed() throws {
        let server = try TestServer { _ in TerminalAndSecretsTests.discoverAnswer }
        defer { server.stop() }
        let proxy = "http://user:Pr0xyPw@127.0.0.1:\(refusedPort())"
        let environment = ["ORCHESTRATOR_API": server.apiURL, "http_proxy": proxy]
        let failed = try Support.runInProcess(Self.discover + ["--timeout", "700ms"], environment: environment)
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(failed.stderr.contains("connection refused"), "\(failed.stderr)")
        #expect(failed.stderr.contains("the proxy http://user:****@127.0.0.1:"), "\(failed.stderr)")
        #expect(failed.stderr.contains("(from http_proxy)"))
        #expect(!failed.stderr.contains("Pr0xyPw"))
        #expect(server.requests.isEmpty)
        let dryRun = try Support.runInProcess(Self.discover + ["--dry-run"], environment: environment)
        #expect(dryRun.stdout.contains("# through the proxy http://user:****@127.0.0.1:"), "\(dryRun.stdout)")
        let direct = try Support.runInProcess(Self.discover + ["--no-proxy"], environment: environment)
        #expect(direct.status == 0, "\(direct.stderr)")
        var noProxy = environment
        noProxy["ORCHESTRATOR_NO_PROXY"] = "1"
        #expect(try Support.runInProcess(Self.discover, environment: noProxy).status == 0)
        var excepted = environment
        excepted["no_proxy"] = "localhost,127.0.0.0/8"
        #expect(try Support.runInProcess(Self.discover, environment: excepted).status == 0)
        #expect(server.targets.count == 3)
    }

    @Test("requests really go through the proxy named (https_proxy is not used for http)")
    func proxyUsed() throws {
        let proxy = try TestServer { _ in TerminalAndSecretsTests.discoverAnswer }
        defer { proxy.stop() }
        let result = try Support.runInProcess(Self.discover, environment: [
            "ORCHESTRATOR_API": "http://orchestrator.invalid:3000/api", "http_proxy": proxy.apiURL.replacingOccurrences(of: "/api", with: ""),
            "https_proxy": "http://127.0.0.1:1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(proxy.targets == ["http://orchestrator.invalid:3000/api/discover/127.0.0.1/10111"])
    }

    @Test("an endpoint host with a trailing dot is matched by no_proxy as curl matches it: direct, never through the proxy")
    func noProxyTrailingDot() throws {
        let proxy = try TestServer { _ in TerminalAndSecretsTests.discoverAnswer }
        defer { proxy.stop() }
        let environment = ["ORCHESTRATOR_API": "http://orc.example.invalid.:3000/api", "http_proxy": proxy.apiURL.replacingOccurrences(of: "/api", with: ""),
                           "no_proxy": "localhost,example.invalid"]
        let result = try Support.runInProcess(Self.discover + ["--timeout", "2s"], environment: environment)
        #expect(proxy.requests.isEmpty, "the request went through the proxy: \(proxy.targets)")
        #expect(result.status != 0, "orc.example.invalid. does not resolve: \(result.stdout)")
        #expect(!result.stderr.contains("proxy"), "\(result.stderr)")
    }

    @Test("secrets are not echoed: a non-UTF-8 -b value, an unknown flag's attached value")
    func secretsNotEchoed() throws {
        let bash = try #require(Support.find("bash"))
        let binary = Support.executable
        let nonUTF8 = try Support.run(["-c", "\"$0\" -c instance -i db1 -b $'u:s3cret\\xff'", binary], program: bash)
        #expect(nonUTF8.status == 2)
        #expect(nonUTF8.stderr.contains("not valid UTF-8"), "\(nonUTF8.stderr)")
        #expect(!nonUTF8.stderr.contains("s3cret"), "\(nonUTF8.stderr)")
        let unknown = try Support.run(["-c", "instance", "-i", "db1", "--password=s3cret"])
        #expect(unknown.status == 2)
        #expect(!unknown.stderr.contains("s3cret"), "\(unknown.stderr)")
    }
}
