import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit
@testable import OrchestratorCLI
@testable import FileGenerators

/// The completions, the man page and the library's generated methods: checked-in copies current, the page clean for
/// mandoc, the scripts completing for real in bash, zsh and fish, and a typed method for every command that sends
/// a request.
///
/// A test needing a tool that is not installed is skipped, except when `CI` is set: then it runs and fails,
/// so CI cannot pass without really running the shells (CI installs bash-completion zsh fish mandoc).
@Suite("Generated files")
struct GeneratedFilesTests {
    static let staleMessage = "generated files are stale: run `make generate` (swift run generate-files .) and commit the result"

    /// The completion scripts and the man page, which list every command and flag.
    static let shellAndManPaths = GeneratedFiles.all().map(\.path).filter { !$0.hasSuffix(".swift") }

    /// The repository root.
    static let repositoryRoot = URL(fileURLWithPath: Support.repositoryRoot)

    // MARK: checked-in files

    @Test("checked-in file is current", arguments: GeneratedFiles.all().map(\.path))
    func checkedInFileIsCurrent(path: String) throws {
        let expected = try #require(GeneratedFiles.all().first { $0.path == path }).contents
        let url = Self.repositoryRoot.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("\(path) is missing. \(Self.staleMessage)")
            return
        }
        let actual = String(decoding: data, as: UTF8.self)
        if actual != expected {
            Issue.record("\(path) differs from the generator's output (\(Self.firstDifference(actual, expected))). \(Self.staleMessage)")
        }
    }

    @Test func theGeneratorWritesEveryFileAndSaysSo() throws {
        let directory = try TemporaryDirectory()
        let result = try Support.run([directory.path], program: Support.builtProduct("generate-files"))
        #expect(result.status == 0, "\(result.stderr)")
        let expectedLines = GeneratedFiles.all().map { directory.path + "/" + $0.path }
        #expect(result.stdout.split(separator: "\n").map(String.init) == expectedLines)
        for (path, contents) in GeneratedFiles.all() {
            let written = FileManager.default.contents(atPath: directory.path + "/" + path).map { String(decoding: $0, as: UTF8.self) }
            #expect(written == contents, "\(path)")
        }
    }

    @Test func theGeneratorReportsADirectoryItCannotWrite() throws {
        let result = try Support.run(["/dev/null/not-a-directory"], program: Support.builtProduct("generate-files"))
        #expect(result.status == ExitStatus.usage)
        #expect(result.stderr.contains("/dev/null/not-a-directory"))
        #expect(result.stdout.isEmpty)
    }

    @Test func theShippedClientHasNoGeneratorFlag() throws {
        let result = try Support.run(["--generate-files", "/tmp"])
        #expect(result.status == ExitStatus.usage)
        #expect(result.stderr.contains("unknown flag \"--generate-files\""))
    }

    // MARK: contents come from the tables

    @Test("every command name and synonym is in the file", arguments: shellAndManPaths)
    func everyCommandNameIsListed(path: String) throws {
        let contents = try #require(GeneratedFiles.all().first { $0.path == path }).contents
        let isManPage = path.hasPrefix("man/")
        for spec in CommandTable.all {
            for name in spec.allNames {
                let found: Bool
                if isManPage {
                    let roff = name.replacingOccurrences(of: "-", with: "\\-")
                    found = contents.contains("\n.B \(roff)\n") || contents.contains("\\fB\(roff)\\fR")
                } else {
                    found = Self.containsWord(contents, name)
                }
                #expect(found, "\(path) does not offer \(name)")
            }
        }
        for rule in PromotionRule.allCases where !isManPage {
            #expect(contents.contains(rule.rawValue), "\(path) does not offer the promotion rule \(rule.rawValue)")
        }
    }

    // MARK: typed methods of the library

    @Test func everyCommandThatSendsARequestHasOneTypedMethod() {
        let sending = CommandTable.all.filter { $0.template != nil }.map(\.id)
        let methods = ClientMethods.methods
        #expect(methods.map(\.command) == sending, "one method per command that sends a request, in table order")
        #expect(methods.contains { $0.isGenerated } && methods.contains { !$0.isGenerated })
        let answeredLocally = CommandTable.all.filter { $0.template == nil }.map(\.id)
        #expect(!answeredLocally.isEmpty && answeredLocally.allSatisfy { id in !methods.contains { $0.command == id } })
    }

    @Test func commandsShareAMethodOnlyWhenTheySendTheSameRequest() {
        let bySignature = Dictionary(grouping: ClientMethods.methods, by: \.signature)
        for (signature, methods) in bySignature {
            let specs = methods.map { CommandTable[$0.command] }
            #expect(Set(specs.map { $0.route ?? "" }).count == 1, "\(signature) stands for different routes")
            #expect(Set(specs.map { "\($0.safety)" }).count == 1, "\(signature) stands for a read and a change")
            #expect(methods.filter(\.isGenerated).count <= 1, "\(signature) is generated twice")
        }
    }

    @Test func everyHandWrittenMethodExists() throws {
        let path = "Sources/OrchestratorClientKit/Client/OrchestratorClient.swift"
        let source = try String(contentsOf: Self.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
        for (command, signature) in ClientMethods.handWritten {
            let name = signature.prefix { $0 != "(" }
            let labels = signature.dropFirst(name.count + 1).dropLast().split(separator: ":").map(String.init)
            // `public func relocate(_ key: InstanceKey, below destination: …`: each label opens a parameter.
            let declaration = source.components(separatedBy: "public func \(name)(").dropFirst().first { declaration in
                let parameters = declaration.prefix { $0 != ")" }.split(separator: ",")
                return parameters.map { String(($0.split(separator: " ").first ?? "").prefix { $0 != ":" }) } == labels
            }
            #expect(declaration != nil, "\(command.rawValue): no \(signature) in \(path)")
        }
    }

    @Test func generatedMethodsAreDocumentedInTheLibrarysTerms() {
        for (path, contents) in ClientMethods.files() {
            #expect(contents.hasPrefix("// Generated by `make generate`"), "\(path) does not say it is generated")
            let flag = contents.firstMatch(of: /[ (]--?[A-Za-z][a-z-]*[ ,).]/)
            #expect(flag == nil, "\(path) names a command-line flag: \(flag.map { String($0.output) } ?? "")")
            #expect(!contents.contains("exit "), "\(path) names an exit status")
            #expect(contents.split(separator: "\n").count <= 400, "\(path) is over 400 lines")
        }
    }

    @Test func theGeneratedFolderHoldsOnlyGeneratedFiles() throws {
        let folder = Self.repositoryRoot.appendingPathComponent(ClientMethods.directory).path
        let present = try FileManager.default.contentsOfDirectory(atPath: folder).map { ClientMethods.directory + "/" + $0 }
        #expect(Set(present) == Set(ClientMethods.files().map(\.path)), "\(Self.staleMessage)")
    }

    @Test("every flag spelling is in the file", arguments: shellAndManPaths)
    func everyFlagSpellingIsListed(path: String) throws {
        let contents = try #require(GeneratedFiles.all().first { $0.path == path }).contents
        for spec in FlagTable.all {
            if path.hasSuffix(".fish") {
                // fish spells flags by letter and name: -s c -l command -o command.
                if let letter = spec.letter {
                    let found = contents.contains("-s \(letter) ")
                    #expect(found, "\(path) does not offer -\(letter)")
                }
                for name in spec.names {
                    let found = contents.contains("-l \(name) -o \(name) ")
                    #expect(found, "\(path) does not offer --\(name) and -\(name)")
                }
                continue
            }
            var spellings = CompletionModel.spellings(spec)
            if spec.valueKind != .none { spellings += spec.names.map { "--\($0)=" } }
            for spelling in spellings {
                let written = path.hasPrefix("man/") ? spelling.replacingOccurrences(of: "-", with: "\\-") : spelling
                let found = contents.contains(written)
                #expect(found, "\(path) does not offer \(spelling)")
            }
        }
    }

    @Test func theManPageDocumentsEveryEnvironmentVariableAndExitStatus() {
        let page = ManPage.text()
        for name in ["ORCHESTRATOR_API", "ORCHESTRATOR_INSTANCE", "ORCHESTRATOR_AUTH_USER", "ORCHESTRATOR_AUTH_PASSWORD",
                     "ORCHESTRATOR_AUTH_PASSWORD_FILE", "ORCHESTRATOR_AUTH_USER_HEADER", "ORCHESTRATOR_TIMEOUT",
                     "ORCHESTRATOR_CONNECT_TIMEOUT", "ORCHESTRATOR_LEADER_TIMEOUT", "ORCHESTRATOR_CA_FILE",
                     "ORCHESTRATOR_CLIENT_CERT", "ORCHESTRATOR_CLIENT_KEY", "ORCHESTRATOR_INSECURE",
                     "ORCHESTRATOR_CLIENT_PROFILE", "ORCHESTRATOR_CLIENT_BIN"] {
            #expect(page.contains(".B \(name)\n"), "ENVIRONMENT lacks \(name)")
        }
        for status in [ExitStatus.success, ExitStatus.apiFailure,
                       ExitStatus.usage, ExitStatus.unreachable,
                       ExitStatus.timeout] {
            #expect(page.contains(".TP\n.B \(status)\n"), "EXIT STATUS lacks \(status)")
        }
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "ENVIRONMENT", "FILES",
                        "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            #expect(page.contains("\n.SH \(section)\n"), "no \(section) section")
        }
        for group in CommandGroup.allCases {
            #expect(page.contains("\n.SS \(group.rawValue.replacingOccurrences(of: "-", with: "\\-"))\n"), "no \(group.rawValue) group")
        }
        #expect(page.contains("unless  => 'orchestrator\\-client \\-c is\\-replicating \\-i db1:3306 | grep \\-q .'"))
        #expect(page.contains("\\-\\-jitter 600"))
        #expect(page.contains(".TH ORCHESTRATOR\\-CLIENT 1 \(ManPage.date) \"orchestrator\\-client \(ClientVersion.current)\""))
    }

    @Test func synonymsAreRealWords() {
        // Only the words replica/replicas have slave spellings; replication and replicate have none.
        let made = CompletionModel.commandNames.map(\.name).filter { $0.contains("slavet") || $0.contains("slavi") }
        #expect(made.isEmpty, "made-up synonyms: \(made.joined(separator: ", "))")
        #expect(CompletionModel.commandNames.map(\.name).contains("which-slaves"))
    }

    // MARK: mandoc

    @Test(.enabled(if: Tool.available("mandoc"), "mandoc is not installed (apt-get install mandoc)"))
    func theManPageIsCleanForMandoc() throws {
        let directory = try TemporaryDirectory()
        let page = directory.path + "/orchestrator-client.1"
        try ManPage.text().write(toFile: page, atomically: true, encoding: .utf8)
        let lint = try Tool.run("mandoc", ["-Tlint", "-Wwarning", page])
        #expect(lint.output.isEmpty && lint.errors.isEmpty, "mandoc -Tlint -Wwarning: \(lint.output)\(lint.errors)")
        let rendered = try Tool.run("mandoc", ["-Tascii", page])
        #expect(rendered.status == 0)
        #expect(rendered.output.contains("orchestrator-client -c begin-downtime -i this.hostname.com --duration=5m --owner=cron --reason=continuous_downtime"))
    }

    // MARK: helpers

    /// True when `name` stands in `text` as a whole word: not preceded or followed by a letter, digit, `-` or `_`.
    static func containsWord(_ text: String, _ name: String) -> Bool {
        let isNameCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        var rest = text[...]
        while let range = rest.range(of: name) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before.map(isNameCharacter) ?? false) && !(after.map(isNameCharacter) ?? false) { return true }
            rest = text[range.upperBound...]
        }
        return false
    }

    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, e.count) {
            let left = index < a.count ? String(a[index]) : "<end of file>"
            let right = index < e.count ? String(e[index]) : "<end of file>"
            if left != right { return "line \(index + 1): checked in \"\(left)\", generated \"\(right)\"" }
        }
        return "no line differs"
    }
}

/// A stand-in for the client the completions run: lists instances and cluster aliases.
struct FakeClient {
    let directory: TemporaryDirectory
    var path: String { directory.path + "/fake-client" }
    var failingPath: String { directory.path + "/failing-client" }

    init() throws {
        directory = try TemporaryDirectory()
        let fake = """
        #!/bin/sh
        # Answers as the client would, and checks the completions bound it with --timeout.
        case " $* " in *" --timeout "*) ;; *) echo "no --timeout" >&2; exit 2 ;; esac
        case " $* " in
          *" -c all-instances "*) printf 'db1.example.com:3306\\ndb2.example.com:3306\\nother.example.com:3306\\n' ;;
          *" -c clusters-alias "*) printf 'db1.example.com:3306,mycluster\\nnoalias.example.com:3306,\\n' ;;
          *) exit 2 ;;
        esac

        """
        // Prints instances but fails, as a client that timed out part way would: nothing may be offered.
        let failing = """
        #!/bin/sh
        printf 'db1.example.com:3306\\ndb2.example.com:3306\\n'
        echo "cannot reach http://localhost:3000/api" >&2
        exit 3

        """
        try fake.write(toFile: path, atomically: true, encoding: .utf8)
        try failing.write(toFile: failingPath, atomically: true, encoding: .utf8)
        for file in [path, failingPath] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        _ = FileManager.default.createFile(atPath: directory.path + "/ca-bundle.pem", contents: Data())
    }
}

/// Running the shells and mandoc.
enum Tool {
    /// True when `CI` is set: missing tools then fail the tests instead of skipping them.
    static let required = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    static func find(_ name: String) -> String? { Support.find(name) }

    static func available(_ name: String) -> Bool { find(name) != nil }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
        var lines: [String] { output.split(separator: "\n").map(String.init) }
    }

    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) is not installed" }
    }

    /// Runs `name` with `arguments` (bounded to 60 s), `environment` added to this process's.
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        guard let executable = find(name) else { throw Missing(name: name) }
        let result = try Support.run(arguments, environment: environment, timeout: 60, program: executable, inheritEnvironment: true)
        return Result(status: result.status, output: result.stdout, errors: result.stderr)
    }
}
