import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// `make deb` and `make dist` build the release files, which are checked without installing anything:
/// the package's fields, contents, modes and owners, lintian, the extracted binary (`--version`, `--help`, a real
/// request to the test server), man page and bash completion; the tarball's contents, checksums and binary.
///
/// Both are built once, by the first test that needs them, into `.build-package/` (its own scratch path, so the
/// release build does not wait for the debug build's lock), niced so the other tests keep their timing. It takes
/// about a minute from nothing. Skipped only where `dpkg-deb` is missing; CI installs it (scripts/packages.txt).
@Suite("Release files: make deb, make dist", .serialized,
       .enabled(if: Tool.available("dpkg-deb"), "dpkg-deb is not installed: not a Debian system; the package tests are skipped"))
struct PackageTests {
    /// Paths of what `make deb dist` built, extracted.
    struct ReleaseFiles: Sendable {
        let dist: String
        let deb: String
        let tarball: String
        /// The RPM, when `rpmbuild` is installed (RPMPackageTests checks it).
        let rpm: String?
        /// `dpkg-deb -x` of the package.
        let debRoot: String
        /// The tarball's top-level directory, extracted.
        let tarTop: String
        /// What make printed (lintian's output and the runtime requirements included).
        let log: String
        let architecture: String
    }

    struct BuildFailure: Error, CustomStringConvertible {
        let description: String
    }

    static let version = ClientVersion.current
    static let scratch = Support.repositoryRoot + "/.build-package"

    /// Started by the first test that awaits it; the others wait for the same result (or the same failure).
    static let built = Task<ReleaseFiles, any Error> { try await buildReleaseFiles() }

    static func buildReleaseFiles() async throws -> ReleaseFiles {
        let output = scratch + "/test-output"
        try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let dist = output + "/dist"
        let targets = ["deb", "dist"] + (Tool.available("rpmbuild") ? ["rpm"] : [])
        let make = try await AsyncCommand.run("nice", [
            "-n", "10", "make"] + targets + ["DIST_DIR=\(dist)",
            "SWIFT_BUILD_FLAGS=--static-swift-stdlib --disable-local-rpath --scratch-path \(scratch)",
        ], directory: Support.repositoryRoot, timeoutSeconds: 1500)
        let log = make.output + make.errors
        guard make.status == 0 else {
            throw BuildFailure(description: "make \(targets.joined(separator: " ")) failed (\(make.status)):\n\(log.suffix(6000))")
        }
        let architecture = try await AsyncCommand.run("dpkg", ["--print-architecture"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let rpmArchitecture = targets.contains("rpm") ? try await rpmArchitecture() : ""
        let files = ReleaseFiles(dist: dist, deb: "\(dist)/orchestrator-client_\(version)_\(architecture).deb",
                                 tarball: "\(dist)/orchestrator-client-\(version)-linux-\(architecture).tar.gz",
                                 rpm: targets.contains("rpm") ? "\(dist)/orchestrator-client-\(version)-1.\(rpmArchitecture).rpm" : nil,
                                 debRoot: output + "/deb", tarTop: output + "/tar/orchestrator-client-\(version)", log: log,
                                 architecture: architecture)
        for directory in [files.debRoot, output + "/tar"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        for (tool, arguments) in [("dpkg-deb", ["-x", files.deb, files.debRoot]), ("tar", ["-xzf", files.tarball, "-C", output + "/tar"])] {
            let result = try await AsyncCommand.run(tool, arguments)
            guard result.status == 0 else { throw BuildFailure(description: "\(tool) \(arguments): \(result.errors)\n\(log.suffix(3000))") }
        }
        return files
    }

    /// rpm's name for this machine's architecture (x86_64 where dpkg says amd64).
    static func rpmArchitecture() async throws -> String {
        try await AsyncCommand.run("rpm", ["--eval", "%{_arch}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: the package

    @Test("control fields: version above orchestrator's 1:3.2.6, Depends from dpkg-shlibdeps plus libcurl")
    func controlFields() async throws {
        let files = try await Self.built.value
        func field(_ name: String) async throws -> String {
            try await AsyncCommand.run("dpkg-deb", ["--field", files.deb, name]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try await field("Package") == "orchestrator-client")
        #expect(try await field("Version") == "1:\(Self.version)")
        #expect(try await field("Architecture") == files.architecture)
        #expect(try await field("Section") == "admin")
        #expect(try await !field("Maintainer").isEmpty)
        let depends = try await field("Depends")
        // The binary runs on glibc 2.28 and newer, so Debian 11's libc6 (2.31) and Ubuntu 20.04's must meet it.
        #expect(depends.hasPrefix("libc6 (>= 2.2"), "libc6 (>= the newest glibc version bound, at most 2.28) first: \(depends)")
        #expect(depends.hasSuffix(", libcurl4 (>= 7.61.1) | libcurl4t64 (>= 7.61.1)"), "\(depends)")
        // libstdc++ and libgcc are linked in (build-support/link-libs), so only libc6 is needed.
        #expect(!depends.contains("libstdc++") && !depends.contains("libgcc"), "\(depends)")
        // orchestrator's package has this very name and needs no relation; Percona's holds the same file and is replaced.
        for relation in ["Replaces", "Conflicts"] {
            #expect(try await field(relation) == "percona-orchestrator-client", "\(relation)")
        }
        for relation in ["Breaks", "Provides", "Pre-Depends"] {
            #expect(try await field(relation).isEmpty, "\(relation): the package upgrades orchestrator's of the same name")
        }
        let newer = try await AsyncCommand.run("dpkg", ["--compare-versions", "1:\(Self.version)", "gt", "1:3.2.6"])
        #expect(newer.status == 0, "1:\(Self.version) must sort above orchestrator's 1:3.2.6")
        let info = try await AsyncCommand.run("dpkg-deb", ["--info", files.deb])
        #expect(info.status == 0 && info.output.contains(" md5sums "), "\(info.output)")
    }

    static let packagedFiles = [
        "./usr/bin/orchestrator-client",
        "./usr/share/bash-completion/completions/orchestrator-client",
        "./usr/share/zsh/vendor-completions/_orchestrator-client",
        "./usr/share/fish/vendor_completions.d/orchestrator-client.fish",
        "./usr/share/man/man1/orchestrator-client.1.gz",
        "./usr/share/doc/orchestrator-client/copyright",
        "./usr/share/doc/orchestrator-client/changelog.gz",
        "./usr/share/doc/orchestrator-client/examples/orchestrator-client.sh",
        "./usr/share/doc/orchestrator-client/examples/crontab",
        "./usr/share/lintian/overrides/orchestrator-client",
    ]

    @Test("contents: every file in its place, root:root, 0755 binary and directories, 0644 the rest")
    func contents() async throws {
        let files = try await Self.built.value
        let listing = try await AsyncCommand.run("dpkg-deb", ["--contents", files.deb])
        #expect(listing.status == 0)
        var regular: [String] = []
        for line in listing.lines {
            // -rw-r--r-- root/root      9156 2026-11-27 15:23 ./usr/share/...
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 6 else { Issue.record("unexpected line: \(line)"); continue }
            let (mode, owner, path) = (fields[0], fields[1], fields[5])
            #expect(owner == "root/root", "\(path) is owned by \(owner)")
            if mode.hasPrefix("d") {
                #expect(mode == "drwxr-xr-x", "\(path): \(mode)")
                continue
            }
            regular.append(path)
            #expect(mode == (path == "./usr/bin/orchestrator-client" ? "-rwxr-xr-x" : "-rw-r--r--"), "\(path): \(mode)")
        }
        #expect(regular.sorted() == Self.packagedFiles.sorted())
        #expect(!regular.contains { $0.hasPrefix("./etc/") }, "/etc/profile.d/orchestrator-client.sh is the administrator's")
        // The packaged copies are the repository's files.
        let root = Support.repositoryRoot
        for (packaged, source) in [("usr/share/bash-completion/completions/orchestrator-client", "completions/orchestrator-client.bash"),
                                   ("usr/share/zsh/vendor-completions/_orchestrator-client", "completions/_orchestrator-client"),
                                   ("usr/share/fish/vendor_completions.d/orchestrator-client.fish", "completions/orchestrator-client.fish"),
                                   ("usr/share/doc/orchestrator-client/copyright", "packaging/deb/copyright"),
                                   ("usr/share/doc/orchestrator-client/examples/orchestrator-client.sh", "examples/profile.d/orchestrator-client.sh")] {
            #expect(FileManager.default.contents(atPath: files.debRoot + "/" + packaged) == FileManager.default.contents(atPath: root + "/" + source),
                    "\(packaged) differs from \(source)")
        }
    }

    @Test("gzipped with -9n: the man page and the changelog, without name or time")
    func gzippedFiles() async throws {
        let files = try await Self.built.value
        let root = Support.repositoryRoot
        for (packaged, source) in [("usr/share/man/man1/orchestrator-client.1.gz", "man/orchestrator-client.1"),
                                   ("usr/share/doc/orchestrator-client/changelog.gz", "packaging/deb/changelog")] {
            let data = try #require(FileManager.default.contents(atPath: files.debRoot + "/" + packaged))
            #expect(data.count > 10 && data[0] == 0x1f && data[1] == 0x8b, "\(packaged) is not gzip")
            #expect(data[3] & 0x08 == 0, "\(packaged) records a file name (gzip -n)")
            #expect(data[4..<8].allSatisfy { $0 == 0 }, "\(packaged) records a time (gzip -n)")
            #expect(data[8] == 2, "\(packaged) not compressed with -9")
            let unpacked = try await AsyncCommand.run("gzip", ["-dc", files.debRoot + "/" + packaged])
            #expect(unpacked.output == (try String(contentsOfFile: root + "/" + source, encoding: .utf8)), "\(packaged)")
        }
    }

    @Test("copyright is machine-readable (DEP-5); the changelog is in Debian's format")
    func documentation() async throws {
        let files = try await Self.built.value
        let copyright = try String(contentsOfFile: files.debRoot + "/usr/share/doc/orchestrator-client/copyright", encoding: .utf8)
        #expect(copyright.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"))
        #expect(copyright.contains("\nFiles: *\n") && copyright.contains("\nLicense: Apache-2.0\n"))
        #expect(copyright.contains("/usr/share/common-licenses/Apache-2.0"))
        let changelog = files.debRoot + "/usr/share/doc/orchestrator-client/changelog.gz"
        if Tool.available("dpkg-parsechangelog") || Tool.required {
            let parsed = try await AsyncCommand.run("dpkg-parsechangelog", ["-l", changelog, "-S", "Version"])
            #expect(parsed.status == 0, "\(parsed.errors)")
            #expect(parsed.output == "1:\(Self.version)\n")
        }
    }

    @Test("lintian: no error, no warning", .enabled(if: Tool.available("lintian") || Tool.required, "lintian is not installed"))
    func lintian() async throws {
        let files = try await Self.built.value
        let result = try await AsyncCommand.run("lintian", ["--fail-on", "error,warning", files.deb], timeoutSeconds: 600)
        #expect(result.status == 0, "lintian:\n\(result.output)\(result.errors)")
        let complaints = result.lines.filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: ") }
        #expect(complaints.isEmpty, "\(complaints.joined(separator: "\n"))")
        #expect(files.log.contains("lintian: no errors, no warnings"), "make deb ran lintian")
    }

    @Test("the extracted binary: --version, --help, stripped, no run path, and a real request")
    func extractedBinary() async throws {
        let files = try await Self.built.value
        let binary = files.debRoot + "/usr/bin/orchestrator-client"
        let version = try Support.run(["--version"], program: binary)
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("orchestrator-client \(Self.version) (libcurl "), "\(version.stdout)")
        let help = try Support.run(["--help"], program: binary)
        #expect(help.status == 0 && help.stdout.hasPrefix("Usage: orchestrator-client -c <command>"), "\(help.stdout.prefix(200))")
        let sections = try await AsyncCommand.run("readelf", ["-S", "-W", binary]).output
        #expect(!sections.contains(".symtab") && !sections.contains(".debug_info") && !sections.contains(".comment"), "not stripped")
        let dynamic = try await AsyncCommand.run("readelf", ["-d", binary]).output
        #expect(!dynamic.contains("RUNPATH") && !dynamic.contains("RPATH"), "\(dynamic)")
        #expect(!dynamic.contains("libswiftCore") && !dynamic.contains("libcurl"), "Swift runtime static, libcurl dlopened: \(dynamic)")
        // The start-up of the command line at the floor (bench/profile-notes.md): no libstdc++ or libgcc_s to load.
        #expect(!dynamic.contains("libstdc++") && !dynamic.contains("libgcc_s"), "libstdc++ and libgcc linked statically: \(dynamic)")

        let replay = SequentialReplay(try Support.transcript("a041-discover").exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        let discover = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_API": server.apiURL],
                                       program: binary)
        #expect(discover.status == 0, "\(discover.stderr)")
        #expect(discover.stdout == "127.0.0.1:10111\n")
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
    }

    @Test("the example profile file is read by the packaged binary")
    func exampleProfile() async throws {
        let files = try await Self.built.value
        let example = files.debRoot + "/usr/share/doc/orchestrator-client/examples/orchestrator-client.sh"
        let result = try Support.run(["--dry-run", "-c", "discover", "-i", "db1:3306"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": example],
                                     program: files.debRoot + "/usr/bin/orchestrator-client")
        #expect(result.status == 0, "\(result.stderr)")
        for node in 1...3 { #expect(result.stdout.contains("GET http://orc\(node).example.com:3000/api/leader-check"), "\(result.stdout)") }
    }

    @Test("man -l renders the packaged man page", .enabled(if: Tool.available("man") || Tool.required, "man-db is not installed"))
    func manPage() async throws {
        let files = try await Self.built.value
        let rendered = try await AsyncCommand.run("man", ["-P", "cat", "-l", files.debRoot + "/usr/share/man/man1/orchestrator-client.1.gz"],
                                                  environment: ["MANWIDTH": "200", "MAN_KEEP_FORMATTING": ""])
        #expect(rendered.status == 0, "\(rendered.errors)")
        #expect(rendered.output.hasPrefix("ORCHESTRATOR-CLIENT(1)"), "\(rendered.output.prefix(200))")
        for text in ["NAME", "EXIT STATUS", "orchestrator-client - command line client",
                     "orchestrator-client -c begin-downtime -i this.hostname.com --duration=5m --owner=cron --reason=continuous_downtime"] {
            #expect(rendered.output.contains(text), "man page lacks \(text)")
        }
    }

    @Test("the packaged bash completion completes -c disc",
          .enabled(if: GeneratedFilesTests.bashReady || Tool.required, "bash or bash-completion is not installed"))
    func bashCompletion() async throws {
        let files = try await Self.built.value
        let completion = files.debRoot + "/usr/share/bash-completion/completions/orchestrator-client"
        #expect(try GeneratedFilesTests.bashComplete("-c disc", completion: completion) == ["discover"])
        #expect(try GeneratedFilesTests.bashComplete("--promotion-rule=mu", completion: completion) == ["must_not"])
    }

    /// Installs nothing on this machine: dpkg works on a scratch root (its own database, no maintainer scripts in
    /// either package), with a stand-in of orchestrator's bash package built the way orchestrator's build.sh does.
    @Test("dpkg upgrades orchestrator's 1:3.2.6 package in place; purge leaves /etc/profile.d alone (scratch root)")
    func upgradesTheBashClientInPlace() async throws {
        let files = try await Self.built.value
        let work = try TemporaryDirectory()
        let root = work.path + "/root", stand = work.path + "/bash-client"
        let manager = FileManager.default
        for directory in [root + "/var/lib/dpkg/info", root + "/var/lib/dpkg/updates", root + "/etc/profile.d",
                          stand + "/DEBIAN", stand + "/usr/bin"] {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        for file in ["status", "available"] { _ = manager.createFile(atPath: root + "/var/lib/dpkg/" + file, contents: Data()) }
        let profile = root + "/etc/profile.d/orchestrator-client.sh"
        try "export ORCHESTRATOR_API=http://mine:3000/api\n".write(toFile: profile, atomically: true, encoding: .utf8)
        try "#!/bin/bash\necho the bash client\n".write(toFile: stand + "/usr/bin/orchestrator-client", atomically: true, encoding: .utf8)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stand + "/usr/bin/orchestrator-client")
        try """
            Package: orchestrator-client
            Version: 1:3.2.6
            Architecture: \(files.architecture)
            Maintainer: shlomi-noach <shlomi-noach@example.org>
            Depends: jq (>= 1.5)
            Description: MySQL replication topology management and HA: client script

            """.write(toFile: stand + "/DEBIAN/control", atomically: true, encoding: .utf8)
        let built = try await AsyncCommand.run("dpkg-deb", ["--root-owner-group", "--build", stand, work.path + "/bash-client.deb"])
        #expect(built.status == 0, "\(built.errors)")

        // --force-depends: the scratch database knows neither jq nor libc6 nor libcurl4.
        func dpkg(_ arguments: [String]) async throws -> Tool.Result {
            try await AsyncCommand.run("dpkg", ["--root=\(root)", "--force-depends", "--force-script-chrootless"] + arguments)
        }
        let old = try await dpkg(["-i", work.path + "/bash-client.deb"])
        #expect(old.status == 0, "\(old.output)\(old.errors)")
        let upgrade = try await dpkg(["-i", files.deb])
        #expect(upgrade.status == 0, "\(upgrade.output)\(upgrade.errors)")
        #expect(upgrade.output.contains("Unpacking orchestrator-client (1:\(Self.version)) over (1:3.2.6)"), "\(upgrade.output)")
        let status = try await dpkg(["-s", "orchestrator-client"])
        #expect(status.output.contains("Status: install ok installed") && status.output.contains("Version: 1:\(Self.version)\n"), "\(status.output)")
        let version = try Support.run(["--version"], program: root + "/usr/bin/orchestrator-client")
        #expect(version.stdout.hasPrefix("orchestrator-client \(Self.version) ("), "the bash script was not replaced: \(version.stdout)")

        let purge = try await dpkg(["--purge", "orchestrator-client"])
        #expect(purge.status == 0, "\(purge.output)\(purge.errors)")
        #expect(!manager.fileExists(atPath: root + "/usr/bin/orchestrator-client"))
        #expect(try String(contentsOfFile: profile, encoding: .utf8) == "export ORCHESTRATOR_API=http://mine:3000/api\n",
                "the administrator's profile file was touched")
    }

    // MARK: the tarball

    @Test("the tarball: one top-level directory, checksums that verify, a binary that runs")
    func tarball() async throws {
        let files = try await Self.built.value
        let top = "orchestrator-client-\(Self.version)/"
        let listing = try await AsyncCommand.run("tar", ["-tvzf", files.tarball])
        #expect(listing.status == 0)
        var names: [String] = []
        for line in listing.lines {
            // -rwxr-xr-x 0/0   9064312 2026-11-27 15:23 orchestrator-client-4.0.0/orchestrator-client
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 6 else { Issue.record("unexpected line: \(line)"); continue }
            #expect(fields[1] == "0/0", "\(fields[5]) owned by \(fields[1])")
            #expect(fields[5].hasPrefix(top), "\(fields[5]) outside \(top)")
            if fields[0].hasPrefix("d") { continue }
            let name = String(fields[5].dropFirst(top.count))
            names.append(name)
            #expect(fields[0] == (name == "orchestrator-client" ? "-rwxr-xr-x" : "-rw-r--r--"), "\(name): \(fields[0])")
        }
        #expect(names.sorted() == ["CHANGELOG.md", "LICENSE", "README.md", "completions/_orchestrator-client",
                                   "completions/orchestrator-client.bash", "completions/orchestrator-client.fish",
                                   "man/orchestrator-client.1", "orchestrator-client"])

        let sums = try await AsyncCommand.run("sha256sum", ["-c", "SHA256SUMS"], directory: files.dist)
        #expect(sums.status == 0, "\(sums.output)\(sums.errors)")
        let released = [files.tarball, files.deb] + (files.rpm.map { [$0] } ?? [])
        #expect(sums.lines.sorted() == released.map { URL(fileURLWithPath: $0).lastPathComponent + ": OK" }.sorted())

        let version = try Support.run(["--version"], program: files.tarTop + "/orchestrator-client")
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("orchestrator-client \(Self.version) ("), "\(version.stdout)")
    }

    @Test("the build prints what the binary needs at run time")
    func runtimeRequirements() async throws {
        let files = try await Self.built.value
        #expect(files.log.contains("shared libraries (NEEDED): "), "\(files.log.suffix(2000))")
        let glibc = try #require(files.log.range(of: #"newest glibc symbol version: GLIBC_2\.[0-9]+"#, options: .regularExpression),
                                 "\(files.log.suffix(2000))")
        // README states it: keep the two in step.
        let readme = try String(contentsOfFile: Support.repositoryRoot + "/README.md", encoding: .utf8)
        let stated = String(files.log[glibc].split(separator: " ").last ?? "")
        let statesIt = readme.contains(stated.replacingOccurrences(of: "GLIBC_", with: "glibc "))
        #expect(statesIt, "README does not state \(stated) (as glibc 2.NN)")
    }

    /// lld ignores names of the ordering file that the binary lacks (the Makefile passes --no-warn-symbol-ordering, or
    /// every build would list them), so a list gone stale only loses start-up time, silently: this says when to
    /// regenerate it (`bash bench/startup-order.sh`, build-support/README.md).
    @Test("build-support/startup-order.txt: at most 5% of its names are missing from the release binary")
    func startupOrderCurrent() async throws {
        _ = try await Self.built.value
        // The binary make linked, before the release scripts stripped their copies of it.
        let binary = Self.scratch + "/release/orchestrator-client"
        let symbols = try await AsyncCommand.run("nm", ["--defined-only", binary])
        #expect(symbols.status == 0, "\(symbols.errors)")
        let defined = Set(symbols.lines.compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(defined.count > 1_000, "nm found \(defined.count) symbols in \(binary): stripped?")
        let listed = try String(contentsOfFile: Support.repositoryRoot + "/build-support/startup-order.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let missing = listed.filter { !defined.contains($0) }
        #expect(!listed.isEmpty)
        #expect(missing.count * 100 <= listed.count * 5,
                """
                \(missing.count) of the \(listed.count) names in build-support/startup-order.txt are not in the release binary: \
                regenerate it with `bash bench/startup-order.sh`. First missing: \(missing.prefix(5).joined(separator: ", "))
                """)
    }
}

/// Runs a command through the one process runner (Support.run) on a thread of its own, so that a long release build
/// does not block a thread of the test pool.
enum AsyncCommand {
    static func run(_ name: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:],
                    timeoutSeconds: Int = 120) async throws -> Tool.Result {
        guard let executable = Tool.find(name) else { throw Tool.Missing(name: name) }
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessResult, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try Support.run(arguments, environment: environment, timeout: TimeInterval(timeoutSeconds), program: executable,
                                    inheritEnvironment: true, directory: directory)
                })
            }
        }
        return Tool.Result(status: result.status, output: result.stdout, errors: result.stderr)
    }
}
