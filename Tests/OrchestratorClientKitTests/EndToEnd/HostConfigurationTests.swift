import Foundation
import Testing
import TestServer

/// The host's own configuration (profile file, arguments, answers that reach this host's limits) is read
/// as bash would, bounded, and every problem is named, with nothing sent.
@Suite("This host's configuration")
struct HostConfigurationTests {
    static let clustersAnswer = Support.recordedAnswer("a002-clusters").reply

    /// A profile file with `text`, mode 644, owned by the user running the tests.
    static func profile(_ text: String, in directory: TemporaryDirectory, mode: Int = 0o644) throws -> String {
        let path = directory.path + "/orchestrator-client.sh"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test("a profile file with CRLF line ends is applied, not replaced by localhost")
    func crlfProfile() throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let path = try Self.profile("# written on Windows\r\nexport ORCHESTRATOR_API=\"\(server.apiURL)\"\r\n", in: directory)
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.targets == ["/api/clusters-info"])
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("an assignment inside if … fi is not applied: exit 2 naming file and line, nothing sent")
    func compoundProfile() throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let path = try Self.profile("""
        export ORCHESTRATOR_API="\(server.apiURL)"
        if [ "$(hostname)" = dc2-host ]; then export ORCHESTRATOR_INSTANCE=ifhost:3306; fi
        """, in: directory)
        let result = try Support.run(["-c", "discover"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):2: not applied: an if … fi compound command"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(server.targets.isEmpty)
        // --help, --version and usage errors do not depend on the profile.
        #expect(try Support.run(["--help"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path]).status == 0)
        let usage = try Support.run(["-c", "no-such-command"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path])
        #expect(usage.status == 2 && !usage.stderr.contains(path), "\(usage.stderr)")
    }

    @Test("a line the client does not run, and that sets none of its variables, is a warning; the rest applies")
    func warningLine() throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let path = try Self.profile("umask 022\nexport ORCHESTRATOR_API='\(server.apiURL)'\n", in: directory)
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "orchestrator-client: warning: \(path):1: not run: it runs umask; "
                    + "the client reads only plain assignments from this file and runs nothing\n")
        #expect(server.targets == ["/api/clusters-info"])
    }

    @Test("a blank ORCHESTRATOR_CLIENT_PROFILE reads no file, as an empty one does: not a file named by its blanks",
          arguments: [" ", "\t"])
    func blankProfileVariable(_ blank: String) throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        // A file whose name is the blank value, in the directory the client runs in: were it read, it would send
        // the request to a server that does not answer.
        let unused = "export ORCHESTRATOR_API=http://127.0.0.1:1/api\n"
        try unused.write(toFile: directory.path + "/" + blank, atomically: true, encoding: .utf8)
        let result = try Support.run(["-c", "clusters"],
                                     environment: ["ORCHESTRATOR_CLIENT_PROFILE": blank, "ORCHESTRATOR_API": server.apiURL],
                                     directory: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.targets == ["/api/clusters-info"])
    }

    @Test("a profile over 1 MiB is refused whole, and said so")
    func overLongProfile() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.profile("export ORCHESTRATOR_API=http://127.0.0.1:1/api\n" + String(repeating: "# padding\n", count: 110_000),
                                    in: directory)
        let result = try Support.run(["--dry-run", "-c", "clusters"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path): is larger than 1 MiB"), "\(result.stderr)")
    }

    @Test("a FIFO as the profile file (or as --password-file) is not read, and nothing waits for a writer")
    func fifoProfile() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/profile.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try Support.run(["--dry-run", "-c", "clusters"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": fifo], timeout: 10)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(fifo): is not a regular file"), "\(result.stderr)")
        #expect(result.milliseconds < 3_000)
        let password = try Support.run(["--dry-run", "-c", "clusters", "-b", "alice", "--password-file", fifo], timeout: 10)
        #expect(password.status == 2, "\(password.stderr)")
        #expect(password.milliseconds < 3_000)
    }

    @Test("a profile anyone may write is refused, naming the file and the fix", arguments: [0o666, 0o664])
    func writableProfile(_ mode: Int) throws {
        try Self.untrustedProfile(mode: mode, owner: nil, fix: "run chmod go-w")
    }

    @Test("a profile owned by another user is refused, naming the file and the fix",
          .enabled(if: geteuid() == 0, "only root can give a file away (CI runs as root)"))
    func foreignProfile() throws {
        try Self.untrustedProfile(mode: 0o644, owner: 65_534, fix: "run chown root")
    }

    static func untrustedProfile(mode: Int, owner: Int?, fix: String) throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let path = try Self.profile("export ORCHESTRATOR_API=\(server.apiURL)\n", in: directory, mode: mode)
        if let owner { #expect(chown(path, uid_t(owner), gid_t(owner)) == 0) }
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(path), "\(result.stderr)")
        #expect(result.stderr.contains(fix), "\(result.stderr)")
        #expect(server.targets.isEmpty)
    }

    @Test("arguments that are not UTF-8 are refused, nothing sent", arguments: ["-o", "-r", "-a", "-t", "-b"])
    func nonUTF8Arguments(_ flag: String) throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let script = "exec \"$0\" -c begin-downtime -i db1:3306 -r why -o who \"$1\" \"$(printf 'j\\374rgen')\""
        let result = try Support.run(["-c", script, Support.executable, flag], environment: ["ORCHESTRATOR_API": server.apiURL],
                                     program: "/bin/sh")
        #expect(result.status == 2)
        #expect(result.stderr.contains("not valid UTF-8"), "\(result.stderr)")
        if flag == "-b" {
            // A value of -b is a password: not shown, even escaped.
            #expect(!result.stderr.contains("rgen"), "\(result.stderr)")
        } else {
            #expect(result.stderr.contains("j\\xfcrgen"), "\(result.stderr)")
        }
        #expect(server.targets.isEmpty)
    }

    @Test("a password holding %00 is refused, not cut short")
    func nulInPassword() throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let url = server.apiURL.replacingOccurrences(of: "http://", with: "http://alice:se%00cret@")
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": url])
        #expect(result.status == 2)
        #expect(result.stderr.contains("NUL"), "\(result.stderr)")
        #expect(!result.stderr.contains("cret"))
        #expect(server.targets.isEmpty)
    }

    @Test("a value that is a flag must be attached; host names without letters or digits are refused",
          arguments: [["-i", "--quiet"], ["-i", "-"], ["-i", "..."], ["-i", "_"], ["-i", "-db1"], ["--instance=--quiet"]])
    func flagLikeValues(_ arguments: [String]) throws {
        let server = try TestServer { _ in HostConfigurationTests.clustersAnswer }
        defer { server.stop() }
        let result = try Support.run(["-c", "discover"] + arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 2, "\(result.stdout)")
        if arguments == ["-i", "--quiet"] { #expect(result.stderr.contains("is a flag"), "\(result.stderr)") }
        #expect(server.targets.isEmpty)
    }

    @Test("an attached value that starts with a dash is taken as written")
    func attachedDashValue() throws {
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"ok","Details":{"Hostname":"db1","Port":3306}}"#) }
        defer { server.stop() }
        let result = try Support.run(["-c", "begin-downtime", "-i", "db1", "-o", "cron", "--reason=-planned", "-u", "5m"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.targets == ["/api/begin-downtime/db1/3306/cron/-planned/5m"])
    }

    @Test("-c DISCOVER gets a suggestion, as -c Discover does")
    func upperCaseCommand() throws {
        for name in ["DISCOVER", "Discover"] {
            let result = try Support.run(["-c", name])
            #expect(result.status == 2)
            #expect(result.stderr.contains("did you mean discover"), "\(name): \(result.stderr)")
        }
    }

    @Test("a 414 answer to a long request is reported in one short line")
    func longURI() throws {
        let server = try TestServer { _ in
            Reply(status: 414, contentType: "text/plain", body: Array("414 Request-URI Too Long".utf8))
        }
        defer { server.stop() }
        let reason = String(repeating: "r", count: 70_000)
        let result = try Support.run(["-c", "begin-downtime", "-i", "db1", "-o", "me", "-r", reason],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("414"), "\(result.stderr.prefix(300))")
        #expect(result.stderr.utf8.count < 600, "\(result.stderr.utf8.count) bytes")
    }

    @Test("under ulimit -v an 8.5 MB answer fails in one line with exit 1, not a crash")
    func memoryLimit() throws {
        let entries = (0..<95_000).map { #"{"ClusterName":"c\#($0):3306","ClusterAlias":"a\#($0)","ClusterDomain":"","CountInstances":1}"# }
        let body = Array(("[" + entries.joined(separator: ",") + "]").utf8)
        #expect(body.count > 8_500_000)
        let server = try TestServer { _ in Reply(status: 200, body: body) }
        defer { server.stop() }
        let result = try Support.run(["-c", "ulimit -v 60000; exec \"$0\" -c clusters", Support.executable],
                                     environment: ["ORCHESTRATOR_API": server.apiURL], program: "/bin/sh")
        #expect(result.status == 1, "\(result.stderr.prefix(400))")
        #expect(result.stderr.hasSuffix("(is the process limited with ulimit -v?)\n"), "\(result.stderr.prefix(400))")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr.prefix(400))")
        // Without the limit the same answer is read.
        let unlimited = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(unlimited.status == 0, "\(unlimited.stderr)")
    }

    @Test("libcurl that cannot be loaded is a local problem: exit 2, said once for all endpoints")
    func libcurlNotLoadable() throws {
        let directory = try TemporaryDirectory()
        // A file that is no library, found first by dlopen, as a broken install or a memory limit makes it fail.
        for name in ["libcurl.so.4", "libcurl.so"] {
            try "not a library".write(toFile: directory.path + "/" + name, atomically: true, encoding: .utf8)
        }
        let result = try Support.run(["-c", "clusters"], environment: [
            "LD_LIBRARY_PATH": directory.path,
            "ORCHESTRATOR_API": "http://127.0.0.1:1/api http://127.0.0.2:1/api http://127.0.0.3:1/api",
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("cannot load libcurl"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test("a timeout reports the whole time spent and the number of attempts")
    func timeoutTotal() throws {
        let server = try TestServer(handler: scripted([HostConfigurationTests.clustersAnswer.cutInHalf, .hangForever]))
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters", "--timeout", "2s"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 4)
        #expect(result.stderr.contains("over 2 attempts"), "\(result.stderr)")
        let reported = result.stderr.firstMatch(of: /timed out after (\d+) ms/).flatMap { Int($0.1) } ?? 0
        #expect(reported >= 1_900, "\(result.stderr)")
    }

    @Test("a 401 when no credentials are configured says they are needed, not refused")
    func credentialsNeeded() throws {
        let server = try TestServer { _ in Reply(status: 401, contentType: "text/plain", body: Array("Unauthorized".utf8)) }
        defer { server.stop() }
        let without = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(without.status == 1)
        #expect(without.stderr.contains("needs credentials"), "\(without.stderr)")
        #expect(!without.stderr.contains("refused our credentials"))
        let with = try Support.run(["-c", "clusters", "-b", "alice:wrong"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(with.stderr.contains("refused our credentials"), "\(with.stderr)")
    }

    @Test("http:// to orchestrator's https port (Go's 400 answer) says to write https://")
    func httpToHTTPS() throws {
        let server = try TestServer { _ in
            Reply(status: 400, contentType: "text/plain; charset=utf-8", body: Array("Client sent an HTTP request to an HTTPS server.\n".utf8))
        }
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("write https://"), "\(result.stderr)")
    }

    @Test("an HTTP/2-only (h2c) server, or one that answers in another protocol, is named as such")
    func h2cOnly() throws {
        // An HTTP/2 server without TLS answers an HTTP/1.1 request with a SETTINGS and a GOAWAY frame.
        let listener = try RawServer(reply: [0, 0, 0, 4, 0, 0, 0, 0, 0] + [0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        defer { listener.stop() }
        let result = try Support.run(["-c", "clusters", "--timeout", "3s"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:\(listener.port)/api"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("did not answer in HTTP/1.x"), "\(result.stderr)")
        #expect(result.stderr.contains("HTTP/2"), "\(result.stderr)")
    }
}

/// A TCP server on 127.0.0.1 that answers every connection with fixed bytes, then closes it.
final class RawServer: @unchecked Sendable {
    let port: Int
    private let socketDescriptor: Int32
    private let running = Locked(true)

    init(reply: [UInt8]) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw SupportError.hung(["RawServer could not listen"]) }
        port = Int(UInt16(bigEndian: address.sin_port))
        socketDescriptor = descriptor
        let running = self.running
        Thread {
            while running.current {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { break }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(connection, &buffer, buffer.count)
                _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                close(connection)
            }
        }.start()
    }

    func stop() {
        running.with { $0 = false }
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
        close(socketDescriptor)
    }
}
