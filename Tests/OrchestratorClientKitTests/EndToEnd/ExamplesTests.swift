import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// The files in examples/ run their commands against the test server.
@Suite("examples/")
struct ExamplesTests {
    /// Answers by command route with the recorded answers.
    static func server() throws -> TestServer {
        let routes: [(String, Reply)] = [
            ("/api/discover/", try Support.transcript("a041-discover").answer(0).reply),
            ("/api/register-candidate/", try Support.transcript("a054-register-candidate").answer(0).reply),
            ("/api/begin-downtime/", try Support.transcript("a045-begin-downtime").answer(0).reply),
            ("/api/instance/", try Support.transcript("a025-is-replicating").answer(0).reply),
        ]
        return try TestServer { request in routes.first { request.target.hasPrefix($0.0) }?.1 ?? .notFound }
    }

    static func file(_ path: String) throws -> String {
        try String(contentsOfFile: Support.repositoryRoot + "/examples/" + path, encoding: .utf8)
    }

    /// Runs a shell command line with our binary as `orchestrator-client`.
    static func shell(_ line: String, api: String) throws -> ProcessResult {
        let binDirectory = URL(fileURLWithPath: Support.executable).deletingLastPathComponent().path
        let command = line.replacingOccurrences(of: "/usr/local/bin/orchestrator-client", with: "orchestrator-client")
        return try Support.run(["-c", command], environment: ["PATH": "\(binDirectory):/usr/bin:/bin", "ORCHESTRATOR_API": api],
                               program: "/bin/sh")
    }

    @Test("crontab: every line succeeds quietly and sends one request about this host")
    func crontab() throws {
        let server = try Self.server()
        defer { server.stop() }
        let lines = try Self.file("crontab").split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(lines.count == 3)
        let host = try #require(HostIdentity.fullyQualifiedName())
        for line in lines {
            var command = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).joined(separator: " ")
            // The jitter is real in production; here only its parsing is exercised.
            let jitter = try #require(command.range(of: #"--jitter [0-9]+"#, options: .regularExpression), "\(line)")
            command.replaceSubrange(jitter, with: "--jitter 0")
            server.reset()
            let result = try Self.shell(command, api: server.apiURL)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty, "--quiet")
            #expect(server.targets.count == 1)
            #expect(server.targets.first?.contains("/\(host)/3306") == true, "\(server.targets)")
        }
    }

    @Test("puppet: onlyif/unless decide from the exit status")
    func puppet() throws {
        let server = try Self.server()
        defer { server.stop() }
        let manifest = try Self.file("puppet/orchestrator_client.pp")
        let attributes = manifest.split(separator: "\n").compactMap { line -> (String, String)? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for name in ["command", "onlyif", "unless"] where trimmed.hasPrefix(name) {
                let quoted = trimmed.split(separator: "\"", omittingEmptySubsequences: false)
                guard quoted.count >= 2 else { continue }
                return (name, String(quoted[1]).replacingOccurrences(of: "${instance}", with: "127.0.0.1:10112"))
            }
            return nil
        }
        #expect(attributes.map(\.0) == ["command", "onlyif", "command", "unless"])
        for (name, command) in attributes {
            let result = try Self.shell(command, api: server.apiURL)
            // The recorded instance replicates and is known, so onlyif and unless both answer yes.
            #expect(result.status == 0, "\(name): \(command): \(result.stderr)")
        }
        #expect(server.targets.contains("/api/register-candidate/127.0.0.1/10112/prefer"))
        #expect(server.targets.contains("/api/discover/127.0.0.1/10112"))
    }

    @Test("systemd: the service's ExecStart runs; the timer fires every 2 minutes")
    func systemd() throws {
        let server = try Self.server()
        defer { server.stop() }
        let service = try Self.file("systemd/orchestrator-register-candidate.service")
        let execStart = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }?.dropFirst(10))
        let result = try Self.shell(String(execStart), api: server.apiURL)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.targets.first?.hasPrefix("/api/register-candidate/") == true)
        #expect(server.targets.first?.hasSuffix("/3306/prefer") == true)
        let timer = try Self.file("systemd/orchestrator-register-candidate.timer")
        #expect(timer.contains("OnUnitActiveSec=2min"))
    }
}
