import Foundation
import Testing
import OrchestratorClientKit

/// The version is written once, in VERSION; every other place that says it must agree.
@Suite("One version")
struct VersionTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: Support.repositoryRoot + "/" + path, encoding: .utf8)
    }

    static var version: String { (try? read("VERSION"))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "VERSION unreadable" }

    @Test("VERSION is MAJOR.MINOR.PATCH and ClientVersion.current says the same")
    func clientVersion() {
        #expect(Self.version.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil, "\(Self.version)")
        #expect(ClientVersion.current == Self.version,
                "VERSION says \(Self.version), Sources/OrchestratorClientKit/ClientVersion.swift \(ClientVersion.current): make them equal")
    }

    @Test("the Debian changelog's newest entry is 1:VERSION")
    func debianChangelog() throws {
        let first = try Self.read("packaging/deb/changelog").split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == "orchestrator-client (1:\(Self.version)) unstable; urgency=medium", "add an entry to packaging/deb/changelog: \(first)")
    }

    @Test("CHANGELOG.md has a section for VERSION")
    func changelog() throws {
        #expect(try Self.read("CHANGELOG.md").contains("\n## [\(Self.version)] - "), "CHANGELOG.md lacks ## [\(Self.version)]")
    }

    @Test("the man page and the completions name VERSION")
    func generatedFiles() throws {
        #expect(try Self.read("man/orchestrator-client.1").contains("\"orchestrator\\-client \(Self.version)\""))
        #expect(try Self.read("completions/orchestrator-client.bash").contains("orchestrator-client \(Self.version)."))
    }

    @Test("1:VERSION sorts above orchestrator's own package, 1:3.2.6 (built with fpm --epoch 1)",
          .enabled(if: Tool.available("dpkg"), "dpkg is not installed"))
    func sortsAboveTheBashClient() throws {
        for older in ["1:3.2.6", "1:3.2.6-1", "3.2.6", "1:3.99.99"] {
            let result = try Tool.run("dpkg", ["--compare-versions", "1:\(Self.version)", "gt", older])
            #expect(result.status == 0, "1:\(Self.version) does not sort above \(older)")
        }
    }

    @Test("the example profile file sets ORCHESTRATOR_API, the rest commented out")
    func exampleProfile() throws {
        let values = ProfileFile.parse(try Self.read("examples/profile.d/orchestrator-client.sh"))
        #expect(Array(values.keys) == ["ORCHESTRATOR_API"])
        #expect(values["ORCHESTRATOR_API"]?.split(separator: " ").count == 3)
    }
}
