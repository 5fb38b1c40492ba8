import Foundation
import Testing
import TestServer

/// README's "Try it" section works as written: its lines are run, in order, by bash.
@Suite("README: Try it")
struct TryItTests {
    /// The shell lines of the first `sh` block after `## Try it`.
    static func lines() throws -> [String] {
        let readme = try String(contentsOfFile: Support.repositoryRoot + "/README.md", encoding: .utf8)
        guard let section = readme.components(separatedBy: "\n## Try it\n").dropFirst().first,
              let block = section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "\n```").first
        else { throw FixtureError.missing("README.md has no ## Try it section with a ```sh block") }
        return block.split(separator: "\n").map(String.init)
    }

    @Test("the Try-it lines start the stand-in, point ORCHESTRATOR_API at it and run the three commands")
    func tryIt() throws {
        var lines = try Self.lines()
        // The build is what `swift build --build-tests` already did for this test; every other line runs as written.
        #expect(lines.first == "swift build")
        lines.removeFirst()
        #expect(lines.contains { $0.hasPrefix("export ORCHESTRATOR_API=\"$(orchestrator-test-server ") })
        #expect(lines.filter { $0.hasPrefix("orchestrator-client ") }.count == 3)

        // $PWD/.build/debug holds the products, as in a clone after `swift build`.
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/.build", withIntermediateDirectories: true)
        let products = URL(fileURLWithPath: Support.executable).deletingLastPathComponent().path
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/.build/debug", withDestinationPath: products)
        let recordings = try #require(Support.recordingsDirectory)
        let result = try Support.run(["-e", "-c", lines.joined(separator: "\n")],
                                     environment: ["ORCHESTRATOR_API_RECORDINGS": recordings], program: "/bin/bash",
                                     directory: directory.path)
        // The stand-in says which process serves; stop it.
        let pid = result.stderr.components(separatedBy: "as process ").dropFirst().first.flatMap { Int32($0.prefix { $0.isNumber }) }
        // SIGKILL: the test runner may hold SIGTERM blocked, and children inherit the mask.
        defer { if let pid { kill(pid, SIGKILL) } }
        #expect(pid != nil, "\(result.stderr)")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")

        let output = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(output.count == 4 + 4 + 1 + 1, "\(result.stdout)")
        guard output.count == 10 else { return }
        #expect(output[0...1].allSatisfy { $0.contains("  follower ") && $0.contains("raft healthy") }, "\(result.stdout)")
        #expect(output[2].contains("  leader ") && output[2].contains("leader-check 200"), "\(result.stdout)")
        #expect(output[3].hasPrefix("healthy: leader http://127.0.0.1:") && output[3].hasSuffix("; 3 of 3 endpoints healthy"))
        let topology = try Support.transcript("a005-topology").stdout
        #expect(output[4...7].joined(separator: "\n") + "\n" == topology)
        #expect(output[8] == "127.0.0.1:10111")
    }
}
