import Foundation
import Testing
import OrchestratorClientKit

/// `make rpm` builds the RPM from the binary the .deb and the tarball hold; it is checked here without touching this
/// machine's rpm database: its header and dependencies (`rpm -qp`), its files and modes, rpmlint, the extracted
/// files, and, in scratch roots with databases of their own, an upgrade over orchestrator's 1:3.2.6 package, the
/// replacement of Percona's and removal.
///
/// PackageTests builds it with the .deb and the tarball (`make deb dist rpm`, once, into `.build-package/`) when
/// `rpmbuild` is installed. Skipped where it is missing; CI installs it (scripts/packages.txt).
@Suite("Release files: make rpm", .serialized,
       .enabled(if: Tool.available("rpmbuild") && Tool.available("dpkg-deb"),
                "rpmbuild (Debian's rpm package) is not installed: the RPM tests are skipped"))
struct RPMPackageTests {
    static let version = ClientVersion.current
    static let evr = "1:\(version)-1"

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The release files, with the RPM's path.
    static func built() async throws -> (files: PackageTests.ReleaseFiles, rpm: String) {
        let files = try await PackageTests.built.value
        guard let rpm = files.rpm else { throw Missing(description: "make did not build the rpm target") }
        return (files, rpm)
    }

    /// Debian's rpm creates its database in ~/.rpmdb on first use, by `rpm -qp`, `rpmbuild` and `rpmlint` alike: they
    /// run with a home of their own, so this machine's stays untouched.
    static let home = PackageTests.scratch + "/rpm-home"

    /// `rpm -qp` with `arguments`, one line per answer.
    static func query(_ rpm: String, _ arguments: [String]) async throws -> [String] {
        let result = try await AsyncCommand.run("rpm", ["-qp"] + arguments + [rpm], environment: ["HOME": home])
        #expect(result.status == 0, "rpm -qp \(arguments): \(result.errors)")
        return result.lines
    }

    // MARK: the header

    @Test("header: Epoch 1 and VERSION, release 1, sorting above orchestrator's 1:3.2.6; a fixed build host, xz, the .deb's changelog")
    func header() async throws {
        let (_, rpm) = try await Self.built()
        let architecture = try await PackageTests.rpmArchitecture()
        let format = "%{NAME}|%{EPOCH}:%{VERSION}-%{RELEASE}|%{ARCH}|%{LICENSE}|%{BUILDHOST}|%{PAYLOADCOMPRESSOR}"
        let header = try await Self.query(rpm, ["--qf", format])
        #expect(header == ["orchestrator-client|\(Self.evr)|\(architecture)|Apache-2.0|reproducible|xz"])
        #expect(URL(fileURLWithPath: rpm).lastPathComponent == "orchestrator-client-\(Self.version)-1.\(architecture).rpm")
        let order = try await AsyncCommand.run("rpm", ["--eval", "%{lua: print(rpm.vercmp(\"\(Self.evr)\", \"1:3.2.6\"))}"])
        #expect(order.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(Self.evr) must sort above 1:3.2.6")
        let changelog = try await Self.query(rpm, ["--changelog"])
        #expect(changelog.first?.hasSuffix("> - \(Self.evr)") == true, "%changelog from packaging/deb/changelog: \(changelog.prefix(2))")
    }

    @Test("requires: libcurl.so.4()(64bit) by hand, glibc's libraries from rpm's generator, no newer glibc than the binary's")
    func requires() async throws {
        let (files, rpm) = try await Self.built()
        let requires = try await Self.query(rpm, ["--requires"]).filter { !$0.hasPrefix("rpmlib(") }
        #expect(requires.contains("libcurl.so.4()(64bit)"), "libcurl is dlopened, so named by hand: \(requires)")
        let generated = ["libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "ld-linux-x86-64.so.2", "rtld(GNU_HASH)"]
        let unexpected = requires.filter { name in name != "libcurl.so.4()(64bit)" && !generated.contains { name.hasPrefix($0) } }
        #expect(unexpected.isEmpty, "the Swift runtime, libstdc++ and libgcc are linked in; nothing else is needed: \(unexpected)")
        #expect(requires.contains { $0.hasPrefix("libc.so.6(GLIBC_") }, "rpm's generator read the binary: \(requires)")

        // The package asks for exactly the glibc the binary binds: once the binary is built for an older glibc, so is it.
        func newestGlibc<Lines: Sequence>(_ lines: Lines) -> String where Lines.Element: StringProtocol {
            lines.compactMap { line in line.range(of: #"GLIBC_[0-9][0-9.]*"#, options: .regularExpression).map { String(line[$0]) } }
                .max { $0.compare($1, options: .numeric) == .orderedAscending } ?? "none"
        }
        let symbols = try await AsyncCommand.run("objdump", ["-T", files.debRoot + "/usr/bin/orchestrator-client"]).output
        let (required, bound) = (newestGlibc(requires), newestGlibc(symbols.split(separator: "\n")))
        #expect(required != "none" && required == bound, "the package requires \(required), the binary binds \(bound)")
        let relr = try await AsyncCommand.run("readelf", ["-V", files.debRoot + "/usr/bin/orchestrator-client"]).output.contains("GLIBC_ABI_DT_RELR")
        #expect(requires.contains { $0.contains("GLIBC_ABI_DT_RELR") } == relr, "packed relocations are required exactly when the binary has them")
    }

    @Test("provides its own name only; obsoletes and conflicts with Percona's percona-orchestrator-client, never orchestrator's")
    func relations() async throws {
        let (_, rpm) = try await Self.built()
        // rpm's ISA name: x86-64 for x86_64.
        let isa = try await PackageTests.rpmArchitecture().replacingOccurrences(of: "_", with: "-")
        let provides = try await Self.query(rpm, ["--provides"]).sorted()
        #expect(provides == ["orchestrator-client = \(Self.evr)", "orchestrator-client(\(isa)) = \(Self.evr)"])
        #expect(try await Self.query(rpm, ["--obsoletes"]) == ["percona-orchestrator-client < 1:4"])
        #expect(try await Self.query(rpm, ["--conflicts"]) == ["percona-orchestrator-client"])
        #expect(try await Self.query(rpm, ["--scripts"]).isEmpty, "no scriptlets: nothing to run on install or removal")
    }

    // MARK: the files

    static let packagedFiles: [String: String] = [
        "/usr/bin/orchestrator-client": "-rwxr-xr-x",
        "/usr/share/bash-completion/completions/orchestrator-client": "-rw-r--r--",
        "/usr/share/zsh/site-functions/_orchestrator-client": "-rw-r--r--",
        "/usr/share/fish/vendor_completions.d/orchestrator-client.fish": "-rw-r--r--",
        "/usr/share/man/man1/orchestrator-client.1.gz": "-rw-r--r--",
        "/usr/share/licenses/orchestrator-client": "drwxr-xr-x",
        "/usr/share/licenses/orchestrator-client/LICENSE": "-rw-r--r--",
        "/usr/share/doc/orchestrator-client": "drwxr-xr-x",
        "/usr/share/doc/orchestrator-client/README.md": "-rw-r--r--",
        "/usr/share/doc/orchestrator-client/CHANGELOG.md": "-rw-r--r--",
        "/usr/share/doc/orchestrator-client/examples": "drwxr-xr-x",
        "/usr/share/doc/orchestrator-client/examples/orchestrator-client.sh": "-rw-r--r--",
        "/usr/share/doc/orchestrator-client/examples/crontab": "-rw-r--r--",
    ]

    @Test("contents: every file in Fedora's places with its mode, root:root, dated SOURCE_DATE_EPOCH; nothing in /etc, no build-id links")
    func contents() async throws {
        let (_, rpm) = try await Self.built()
        let listed = try await Self.query(rpm, ["-l"])
        #expect(listed.sorted() == Self.packagedFiles.keys.sorted())
        #expect(!listed.contains { $0.hasPrefix("/etc/") || $0.hasPrefix("/usr/lib/.build-id") }, "\(listed)")
        let buildTime = try await Self.query(rpm, ["--qf", "%{BUILDTIME}"]).first
        let format = "[%{FILENAMES}|%{FILEMODES:perms}|%{FILEUSERNAME}:%{FILEGROUPNAME}|%{FILEMTIMES}|%{FILEFLAGS:fflags}\\n]"
        for line in try await Self.query(rpm, ["--qf", format]) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5 else { Issue.record("unexpected line: \(line)"); continue }
            let (path, mode, owner, mtime, flags) = (fields[0], fields[1], fields[2], fields[3], fields[4])
            #expect(mode == Self.packagedFiles[path], "\(path): \(mode)")
            #expect(owner == "root:root", "\(path) is owned by \(owner)")
            #expect(mtime == buildTime, "\(path) dated \(mtime), built \(String(describing: buildTime))")
            if path.hasSuffix("/LICENSE") { #expect(flags == "l", "\(path) is %license: \(flags)") }
            if path.hasPrefix("/usr/share/doc/") && mode.hasPrefix("-") { #expect(flags == "d", "\(path) is %doc: \(flags)") }
        }
    }

    @Test("the extracted files: the .deb's binary byte for byte, which runs; the repository's completions, man page and license")
    func extractedFiles() async throws {
        let (files, rpm) = try await Self.built()
        let work = try TemporaryDirectory()
        let unpack = try await AsyncCommand.run("bash", ["-c", "rpm2cpio \"$1\" | cpio -idm --quiet", "bash", rpm], directory: work.path)
        #expect(unpack.status == 0, "\(unpack.errors)")
        let manager = FileManager.default
        let binary = work.path + "/usr/bin/orchestrator-client"
        #expect(manager.contents(atPath: binary) == manager.contents(atPath: files.debRoot + "/usr/bin/orchestrator-client"),
                "the RPM's binary is not the .deb's")
        let version = try Support.run(["--version"], program: binary)
        #expect(version.status == 0 && version.stdout.hasPrefix("orchestrator-client \(Self.version) ("), "\(version.stdout)\(version.stderr)")
        let root = Support.repositoryRoot
        for (packaged, source) in [("usr/share/bash-completion/completions/orchestrator-client", "completions/orchestrator-client.bash"),
                                   ("usr/share/zsh/site-functions/_orchestrator-client", "completions/_orchestrator-client"),
                                   ("usr/share/fish/vendor_completions.d/orchestrator-client.fish", "completions/orchestrator-client.fish"),
                                   ("usr/share/licenses/orchestrator-client/LICENSE", "LICENSE"),
                                   ("usr/share/doc/orchestrator-client/examples/orchestrator-client.sh", "examples/profile.d/orchestrator-client.sh")] {
            #expect(manager.contents(atPath: work.path + "/" + packaged) == manager.contents(atPath: root + "/" + source),
                    "\(packaged) differs from \(source)")
        }
        #expect(manager.contents(atPath: work.path + "/usr/share/man/man1/orchestrator-client.1.gz")
                == manager.contents(atPath: files.debRoot + "/usr/share/man/man1/orchestrator-client.1.gz"), "the man page is gzipped as in the .deb")
    }

    @Test("rpmlint: no error, no warning (packaging/rpm/orchestrator-client.rpmlintrc explains each filter)",
          .enabled(if: Tool.available("rpmlint") || Tool.required, "rpmlint is not installed"))
    func rpmlint() async throws {
        let (files, rpm) = try await Self.built()
        let rc = Support.repositoryRoot + "/packaging/rpm/orchestrator-client.rpmlintrc"
        let result = try await AsyncCommand.run("rpmlint", ["-r", rc, rpm], environment: ["HOME": Self.home], timeoutSeconds: 300)
        #expect(result.status == 0, "rpmlint:\n\(result.output)\(result.errors)")
        #expect(result.output.contains(" 0 errors, 0 warnings"), "\(result.output)")
        #expect(files.log.contains("rpmlint: no errors, no warnings"), "make rpm ran rpmlint")
    }

    @Test("rebuilt from the same binary, the RPM is the same bytes")
    func reproducible() async throws {
        let (_, rpm) = try await Self.built()
        let work = try TemporaryDirectory()
        let binary = PackageTests.scratch + "/release/orchestrator-client"
        let again = try await AsyncCommand.run("bash", [Support.repositoryRoot + "/scripts/build-rpm.sh", binary, work.path], timeoutSeconds: 600)
        #expect(again.status == 0, "\(again.output.suffix(2000))\(again.errors.suffix(2000))")
        let copy = work.path + "/" + URL(fileURLWithPath: rpm).lastPathComponent
        #expect(FileManager.default.contents(atPath: copy) == FileManager.default.contents(atPath: rpm), "two builds differ")
    }

    // MARK: scratch roots

    /// A root directory with an rpm database of its own (this machine's is never opened); rpm installs files owned by
    /// root, so these tests need root (CI has it).
    final class ScratchRoot {
        let work: TemporaryDirectory
        let root: String

        init() async throws {
            work = try TemporaryDirectory()
            root = work.path + "/root"
            try FileManager.default.createDirectory(atPath: root + "/etc/profile.d", withIntermediateDirectories: true)
            let initialized = try await rpm(["--initdb"])
            #expect(initialized.status == 0, "\(initialized.errors)")
        }

        /// `rpm` on this root; --nodeps for installs, since the scratch database knows no glibc, libcurl or jq.
        func rpm(_ arguments: [String]) async throws -> Tool.Result {
            try await AsyncCommand.run("rpm", ["--root", root, "--dbpath", "/var/lib/rpm"] + arguments)
        }

        func installed() async throws -> [String] {
            try await rpm(["-qa", "--qf", "%{NAME}-%{EPOCH}:%{VERSION}-%{RELEASE}\\n"]).lines.sorted()
        }

        /// A noarch package holding /usr/bin/orchestrator-client as a bash script, as orchestrator's and Percona's do.
        func standIn(name: String, epoch: Int?, version: String, release: String) async throws -> String {
            let top = work.path + "/build-" + name
            let spec = """
                Name: \(name)
                \(epoch.map { "Epoch: \($0)" } ?? "")
                Version: \(version)
                Release: \(release)
                Summary: stand-in of the bash orchestrator-client
                License: Apache-2.0
                BuildArch: noarch
                AutoReqProv: no
                Requires: jq
                %description
                A stand-in of the bash orchestrator-client script's package.
                %install
                mkdir -p %{buildroot}/usr/bin
                printf '#!/bin/bash\\necho the bash client\\n' >%{buildroot}/usr/bin/orchestrator-client
                %files
                %attr(0755,root,root) /usr/bin/orchestrator-client

                """
            try FileManager.default.createDirectory(atPath: top, withIntermediateDirectories: true)
            try spec.write(toFile: top + "/\(name).spec", atomically: true, encoding: .utf8)
            let built = try await AsyncCommand.run("rpmbuild", [
                "-bb", "--quiet", "--define", "_topdir \(top)", "--define", "_rpmdir \(top)", "--define", "_buildhost stand-in",
                "--define", "_build_name_fmt %%{NAME}.rpm", top + "/\(name).spec",
            ], environment: ["HOME": work.path])
            #expect(built.status == 0, "\(built.errors)")
            return top + "/\(name).rpm"
        }

        /// Every file and link left under the root but rpm's database and the administrator's profile file.
        func leftovers() throws -> [String] {
            let enumerator = FileManager.default.enumerator(atPath: root)
            var left: [String] = []
            while let path = enumerator?.nextObject() as? String {
                let type = enumerator?.fileAttributes?[.type] as? FileAttributeType
                if type != .typeDirectory && !path.hasPrefix("var/lib/rpm/") && path != "etc/profile.d/orchestrator-client.sh" {
                    left.append(path)
                }
            }
            return left
        }

        func client() throws -> ProcessResult { try Support.run(["--version"], program: root + "/usr/bin/orchestrator-client") }
    }

    static let profile = "export ORCHESTRATOR_API=http://mine:3000/api\n"

    @Test("rpm -U upgrades orchestrator's orchestrator-client 1:3.2.6 in place; rpm -e leaves no file and the profile file alone",
          .enabled(if: getuid() == 0, "rpm installs root-owned files: needs root (CI runs as root)"))
    func upgradesOrchestratorsPackage() async throws {
        let (_, rpm) = try await Self.built()
        let scratch = try await ScratchRoot()
        let profile = scratch.root + "/etc/profile.d/orchestrator-client.sh"
        try Self.profile.write(toFile: profile, atomically: true, encoding: .utf8)
        let old = try await scratch.standIn(name: "orchestrator-client", epoch: 1, version: "3.2.6", release: "1")
        let installOld = try await scratch.rpm(["-i", "--nodeps", old])
        #expect(installOld.status == 0, "\(installOld.errors)")
        #expect(try await scratch.installed() == ["orchestrator-client-1:3.2.6-1"])

        let upgrade = try await scratch.rpm(["-U", "--nodeps", rpm])
        #expect(upgrade.status == 0, "\(upgrade.output)\(upgrade.errors)")
        #expect(try await scratch.installed() == ["orchestrator-client-\(Self.evr)"])
        let version = try scratch.client()
        #expect(version.stdout.hasPrefix("orchestrator-client \(Self.version) ("), "the bash script was not replaced: \(version.stdout)")
        let verify = try await scratch.rpm(["-V", "--nodeps", "orchestrator-client"])
        #expect(verify.status == 0, "rpm -V: \(verify.output)\(verify.errors)")

        let remove = try await scratch.rpm(["-e", "orchestrator-client"])
        #expect(remove.status == 0, "\(remove.output)\(remove.errors)")
        #expect(try await scratch.installed().isEmpty)
        let left = try scratch.leftovers()
        #expect(left.isEmpty, "left after rpm -e: \(left)")
        #expect(try String(contentsOfFile: profile, encoding: .utf8) == Self.profile, "the administrator's profile file was touched")
    }

    @Test("rpm -U replaces Percona's percona-orchestrator-client (Obsoletes), which cannot then be installed beside it (Conflicts)",
          .enabled(if: getuid() == 0, "rpm installs root-owned files: needs root (CI runs as root)"))
    func replacesPerconasPackage() async throws {
        let (_, rpm) = try await Self.built()
        let scratch = try await ScratchRoot()
        let percona = try await scratch.standIn(name: "percona-orchestrator-client", epoch: nil, version: "3.2.6", release: "15")
        let installPercona = try await scratch.rpm(["-i", "--nodeps", percona])
        #expect(installPercona.status == 0, "\(installPercona.errors)")

        let replace = try await scratch.rpm(["-U", "--nodeps", rpm])
        #expect(replace.status == 0, "\(replace.output)\(replace.errors)")
        #expect(try await scratch.installed() == ["orchestrator-client-\(Self.evr)"], "Percona's package was not replaced")
        #expect(try scratch.client().stdout.hasPrefix("orchestrator-client \(Self.version) ("))

        // Checked without --nodeps, which would skip conflicts too; the stand-in's Requires: jq is unmet as well.
        let again = try await scratch.rpm(["-i", percona])
        #expect(again.status != 0, "Percona's package was installed beside this one")
        #expect(again.errors.contains("percona-orchestrator-client conflicts with (installed) orchestrator-client-\(Self.evr)."),
                "\(again.errors)")

        let remove = try await scratch.rpm(["-e", "orchestrator-client"])
        #expect(remove.status == 0, "\(remove.output)\(remove.errors)")
        let left = try scratch.leftovers()
        #expect(left.isEmpty, "left after rpm -e: \(left)")
    }
}
