import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// Why the older-userland tests cannot run here, or nil when they can.
enum OlderUserlandPrerequisites {
    static let missing: String? = {
        #if !arch(x86_64)
        return "not x86_64: the Debian 11 root is amd64; the older-userland tests are skipped"
        #else
        if getuid() != 0 { return "not running as root (debootstrap, chroot and mount need it): the older-userland tests are skipped" }
        if !Tool.available("debootstrap") && !FileManager.default.isExecutableFile(atPath: "/usr/sbin/debootstrap") {
            return "debootstrap is not installed (apt-get install debootstrap): the older-userland tests are skipped"
        }
        if !Tool.available("dpkg-deb") { return "dpkg-deb is not installed: no .deb to install; the older-userland tests are skipped" }
        return nil
        #endif
    }()
}

/// The release files on an older userland than the one they are built on: a Debian 11 root (glibc 2.31, libcurl
/// 7.74, OpenSSL 1.1.1), made by `scripts/older-userland-root.sh` (debootstrap once, then a cached tarball unpacked
/// afresh for every test). Inside it (`chroot`), dpkg installs the `.deb` built by `make deb` (PackageTests.built)
/// with Debian 11's own packages meeting its Depends, and the installed client talks to servers this test process
/// starts on loopback (chroot keeps the network): leader detection among three nodes, a read, a change, https with
/// a client certificate; then the man page, bash completion, the tarball's binary and the removal.
///
/// Needs root (debootstrap, chroot, mount), x86_64 (the root is amd64) and debootstrap; skipped, saying which is
/// missing, otherwise. CI runs `swift test` as root with debootstrap installed (scripts/packages.txt).
@Suite("The release files on Debian 11 (chroot)", .serialized,
       .enabled(if: OlderUserlandPrerequisites.missing == nil, Comment(rawValue: OlderUserlandPrerequisites.missing ?? "")))
struct OlderUserlandTests {
    static let version = ClientVersion.current
    static let client = "/usr/bin/orchestrator-client"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh Debian 11 root in a temporary directory; `remove()` unmounts what may be left and deletes it.
    struct DebianRoot: Sendable {
        static let script = Support.repositoryRoot + "/scripts/older-userland-root.sh"
        let path: String

        static func make() async throws -> DebianRoot {
            let root = DebianRoot(path: FileManager.default.temporaryDirectory.appendingPathComponent("occ-bullseye-\(UUID().uuidString)").path)
            // The first run of all debootstraps (a minute or two); later ones unpack the cached tarball (seconds).
            let made = try await AsyncCommand.run("bash", [script, "make", root.path], timeoutSeconds: 900)
            guard made.status == 0 else {
                await root.remove()
                throw Failure(description: "making the Debian 11 root failed (\(made.status)):\n\(made.output)\(made.errors)")
            }
            return root
        }

        /// `command` inside the root, with /proc and /dev mounted for it alone, and only PATH, HOME and `environment`.
        func run(_ command: [String], environment: [String: String] = [:], timeoutSeconds: Int = 60) async throws -> Tool.Result {
            let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return try await AsyncCommand.run("bash", [Self.script, "run", path] + assignments + command, timeoutSeconds: timeoutSeconds)
        }

        /// The client inside the root, as an operator there would run it.
        func client(_ arguments: [String], api: String, program: String = OlderUserlandTests.client) async throws -> Tool.Result {
            try await run([program] + arguments, environment: ["ORCHESTRATOR_API": api])
        }

        /// Copies a file of this machine to `inside` (an absolute path in the root).
        func copy(_ file: String, to inside: String) throws {
            let target = path + inside
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: file, toPath: target)
        }

        func exists(_ inside: String) -> Bool { FileManager.default.fileExists(atPath: path + inside) }

        func remove() async {
            let removed = try? await AsyncCommand.run("bash", [Self.script, "remove", path], timeoutSeconds: 300)
            if removed?.status != 0 { Issue.record("could not remove the Debian 11 root \(path): \(removed?.errors ?? "timed out")") }
        }
    }

    /// A fresh root with the `.deb` installed by dpkg, given to `body`, removed afterwards whatever happens.
    static func withInstalledPackage(_ body: (DebianRoot, PackageTests.ReleaseFiles) async throws -> Void) async throws {
        let files = try await PackageTests.built.value
        let root = try await DebianRoot.make()
        do {
            try await install(files.deb, in: root)
            try await body(root, files)
        } catch {
            await root.remove()
            throw error
        }
        await root.remove()
    }

    /// `dpkg -i` inside the root; fails naming every dependency Debian 11 does not meet.
    static func install(_ deb: String, in root: DebianRoot) async throws {
        try root.copy(deb, to: "/tmp/orchestrator-client.deb")
        let result = try await root.run(["dpkg", "-i", "/tmp/orchestrator-client.deb"], timeoutSeconds: 300)
        guard result.status == 0 else {
            // dpkg: dependency problems prevent configuration of orchestrator-client:
            //  orchestrator-client depends on libc6 (>= 2.36); however:
            //   Version of libc6:amd64 on system is 2.31-13+deb11u11.
            let lines = (result.output + result.errors).split(separator: "\n").map(String.init)
            var unmet: [String] = []
            for (index, line) in lines.enumerated() where line.contains(" depends on ") {
                let detail = lines.dropFirst(index + 1).prefix { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
                unmet.append(([line.trimmingCharacters(in: .whitespaces)] + detail).joined(separator: " "))
            }
            if !unmet.isEmpty {
                throw Failure(description: "Debian 11's own packages do not meet the .deb's Depends:\n" + unmet.joined(separator: "\n"))
            }
            throw Failure(description: "dpkg -i failed (\(result.status)):\n\(result.output)\(result.errors)")
        }
    }

    /// Three raft nodes on loopback, the last one leading, answering a read (`clusters`), a change (`discover`)
    /// and `all-instances` (for completion) with the recorded answers.
    static func cluster() throws -> RaftCluster {
        let answers = [
            "/api/clusters-info": try Support.transcript("a002-clusters").answer(0).reply,
            "/api/discover/127.0.0.1/10111": try Support.transcript("a041-discover").answer(0).reply,
            "/api/all-instances": try Support.transcript("a019-all-instances").answer(0).reply,
        ]
        return try RaftCluster(count: 3, leader: 2) { _, request, _ in answers[request.target] ?? .notFound }
    }

    /// `--version` of `program` inside the root names Debian 11's libcurl and its OpenSSL 1.1.1.
    static func expectDebian11Libcurl(_ root: DebianRoot, program: String) async throws {
        let result = try await root.run([program, "--version"])
        #expect(result.status == 0, "\(program) --version in Debian 11 (\(result.status)): \(result.errors)")
        #expect(result.output.hasPrefix("orchestrator-client \(version) (libcurl 7.74."), "\(result.output)\(result.errors)")
        #expect(result.output.contains("OpenSSL/1.1.1"), "\(result.output)")
    }

    // MARK: the package

    @Test("dpkg -i installs the .deb on Debian 11, its Depends met by Debian's own packages; dpkg -r removes it")
    func installsAndRemoves() async throws {
        try await Self.withInstalledPackage { root, _ in
            let status = try await root.run(["dpkg-query", "-W", "-f", "${Status} ${Version}\n${Depends}\n", "orchestrator-client"])
            #expect(status.output.hasPrefix("install ok installed 1:\(Self.version)\n"), "\(status.output)\(status.errors)")
            for file in [Self.client, "/usr/share/man/man1/orchestrator-client.1.gz",
                         "/usr/share/bash-completion/completions/orchestrator-client"] {
                #expect(root.exists(file), "\(file) not installed")
            }
            // No dependency was left for apt to fix: dpkg's audit finds nothing half-installed or unmet.
            let audit = try await root.run(["dpkg", "--audit"])
            #expect(audit.status == 0 && audit.output.isEmpty, "\(audit.output)\(audit.errors)")

            let removal = try await root.run(["dpkg", "-r", "orchestrator-client"], timeoutSeconds: 300)
            #expect(removal.status == 0, "dpkg -r: \(removal.output)\(removal.errors)")
            #expect(!root.exists(Self.client), "dpkg -r left \(Self.client)")
            #expect(!root.exists("/usr/share/man/man1/orchestrator-client.1.gz"))
            let after = try await root.run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}", "orchestrator-client"])
            #expect(!after.output.hasPrefix("ii"), "still installed: \(after.output)")
            let gone = try await root.run(["sh", "-c", "command -v orchestrator-client || echo gone"])
            #expect(gone.output == "gone\n", "\(gone.output)")
        }
    }

    @Test("the installed client runs on glibc 2.31 and names Debian 11's libcurl 7.74 with OpenSSL 1.1.1")
    func versionNamesDebian11Libcurl() async throws {
        try await Self.withInstalledPackage { root, _ in
            try await Self.expectDebian11Libcurl(root, program: Self.client)
            let help = try await root.run([Self.client, "--help"])
            #expect(help.status == 0 && help.output.hasPrefix("Usage: orchestrator-client -c <command>"), "\(help.output.prefix(200))\(help.errors)")
        }
    }

    @Test("leader detection among three nodes, a read and a change, from inside the root")
    func leaderReadAndChange() async throws {
        try await Self.withInstalledPackage { root, _ in
            let cluster = try Self.cluster()
            defer { cluster.stop() }

            let which = try await root.client(["-c", "which-api"], api: cluster.api)
            #expect(which.status == 0, "\(which.errors)")
            #expect(which.output == cluster.nodes[2].apiURL + "\n", "the leader is the third node: \(which.output)\(which.errors)")

            let read = try await root.client(["-c", "clusters"], api: cluster.api)
            #expect(read.status == 0, "\(read.errors)")
            #expect(read.output == "127.0.0.1:10111\n")

            let change = try await root.client(["-c", "discover", "-i", "127.0.0.1:10111"], api: cluster.api)
            #expect(change.status == 0, "\(change.errors)")
            #expect(change.output == "127.0.0.1:10111\n")

            // Only the leader was asked anything but leader-check, and the change was sent once.
            #expect(cluster.calls(2) == ["/api/clusters-info", "/api/discover/127.0.0.1/10111"], "\(cluster.calls(2))")
            #expect(cluster.calls(0).isEmpty && cluster.calls(1).isEmpty, "followers: \(cluster.calls(0)) \(cluster.calls(1))")
            for node in 0..<3 { #expect(cluster.state.current.leaderChecks[node, default: 0] >= 1, "node \(node) was not asked leader-check") }
        }
    }

    @Test("https with Debian 11's OpenSSL 1.1.1: the server verified by --ca-file, a client certificate sent")
    func httpsWithClientCertificate() async throws {
        let pki = try TestPKI.shared.get()
        try await Self.withInstalledPackage { root, _ in
            let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, clientCA: pki.caCertificate, lifetime: 60)
            defer { server.stop() }
            // The client in the root reads the files from the root.
            let inside = "/etc/orchestrator-client-test"
            for (file, name) in [(pki.caCertificate, "ca.pem"), (pki.clientCertificate, "client.pem"), (pki.clientKey, "client.key")] {
                try root.copy(file, to: "\(inside)/\(name)")
            }
            let tls = ["--ca-file", "\(inside)/ca.pem", "--cert", "\(inside)/client.pem", "--key", "\(inside)/client.key"]
            let result = try await root.client(["-c", "clusters"] + tls, api: server.apiURL)
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.output == "tls-cluster:3306\n")
            #expect(server.requests() == ["GET /api/clusters-info HTTP/1.1 CLIENT orchestrator-client-test"])

            // Without the client certificate the server refuses, and the client says so.
            let refused = try await root.client(["-c", "clusters", "--ca-file", "\(inside)/ca.pem"], api: server.apiURL)
            #expect(refused.status == 3, "\(refused.output)\(refused.errors)")
            #expect(refused.errors.contains("give --cert and --key"), "\(refused.errors)")
        }
    }

    /// COMP_* as bash sets them for `line`, then the function the completion file registered; bash-completion
    /// finds the file itself, in its directory, as it does for a user's shell.
    static let completeScript = #"""
        source /usr/share/bash-completion/bash_completion || exit 90
        _completion_loader orchestrator-client
        registered=$(complete -p orchestrator-client) || exit 92
        function=${registered#*-F }
        function=${function%% *}
        COMP_LINE=$1
        COMP_POINT=${#COMP_LINE}
        read -r -a COMP_WORDS <<<"$COMP_LINE"
        [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMPREPLY=()
        "$function" orchestrator-client "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        (( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
        exit 0
        """#

    @Test("the man page is found by man, and bash completion is loaded by bash-completion and completes")
    func manPageAndBashCompletion() async throws {
        try await Self.withInstalledPackage { root, _ in
            let located = try await root.run(["man", "-w", "orchestrator-client"])
            #expect(located.status == 0 && located.output == "/usr/share/man/man1/orchestrator-client.1.gz\n", "\(located.output)\(located.errors)")
            let rendered = try await root.run(["man", "-P", "cat", "orchestrator-client"], environment: ["MANWIDTH": "200"])
            #expect(rendered.status == 0, "\(rendered.errors)")
            #expect(rendered.output.contains("orchestrator-client - command line client"), "\(rendered.output.prefix(300))")

            let cluster = try Self.cluster()
            defer { cluster.stop() }
            func complete(_ line: String) async throws -> [String] {
                let result = try await root.run(["bash", "--norc", "--noprofile", "-c", Self.completeScript, "bash", "orchestrator-client " + line],
                                                environment: ["ORCHESTRATOR_API": cluster.api])
                #expect(result.status == 0, "bash in the root failed (\(result.status)): \(result.errors)")
                return result.lines
            }
            #expect(try await complete("-c disc") == ["discover"])
            #expect(try await complete("--promotion-rule=mu") == ["must_not"])
            // Instances come from the installed client itself (all-instances, from the leader).
            #expect(try await complete("-i 127.0.0.1") == ["127.0.0.1:10111", "127.0.0.1:10112", "127.0.0.1:10113", "127.0.0.1:10114"])
            #expect(cluster.calls(2) == ["/api/all-instances"], "\(cluster.allCalls)")
        }
    }

    // MARK: the tarball

    @Test("the tarball's binary runs on Debian 11 too: --version and a request")
    func tarballBinary() async throws {
        let files = try await PackageTests.built.value
        let root = try await DebianRoot.make()
        do {
            try root.copy(files.tarball, to: "/tmp/orchestrator-client.tar.gz")
            let unpacked = try await root.run(["tar", "-xzf", "/tmp/orchestrator-client.tar.gz", "-C", "/opt"])
            #expect(unpacked.status == 0, "\(unpacked.errors)")
            let binary = "/opt/orchestrator-client-\(Self.version)/orchestrator-client"
            try await Self.expectDebian11Libcurl(root, program: binary)

            let cluster = try Self.cluster()
            defer { cluster.stop() }
            let change = try await root.client(["-c", "discover", "-i", "127.0.0.1:10111"], api: cluster.api, program: binary)
            #expect(change.status == 0, "\(change.errors)")
            #expect(change.output == "127.0.0.1:10111\n")
            #expect(cluster.allCalls == ["/api/discover/127.0.0.1/10111"], "\(cluster.allCalls)")
        } catch {
            await root.remove()
            throw error
        }
        await root.remove()
    }
}
