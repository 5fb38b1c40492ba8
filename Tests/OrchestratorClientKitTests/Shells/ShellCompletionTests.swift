import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit
@testable import OrchestratorCLI
@testable import FileGenerators

/// The completions at work in real shells (bash, fish, zsh), against the test server too (see GeneratedFilesTests).
extension GeneratedFilesTests {
    // MARK: bash

    static let bashCompletion = "/usr/share/bash-completion/bash_completion"

    /// What bash's completion function puts in COMPREPLY for `line` (the cursor at its end); `completion` is the
    /// script to source (by default the generator's output; the package tests pass the packaged copy).
    static func bashComplete(_ line: String, client: String? = nil, api: String? = nil, completion: String? = nil) throws -> [String] {
        let directory = try TemporaryDirectory()
        _ = try GeneratedFiles.write(to: directory.path)
        let script = #"""
        source "$1" || exit 90
        source "$2" || exit 91
        COMP_LINE=$3
        COMP_POINT=${#COMP_LINE}
        read -r -a COMP_WORDS <<<"$COMP_LINE"
        [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        registered=$(complete -p orchestrator-client) || exit 92
        function=${registered#*-F }
        function=${function%% *}
        COMPREPLY=()
        "$function" orchestrator-client "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        (( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
        exit 0
        """#
        let result = try Tool.run("bash", ["--norc", "--noprofile", "-c", script, "bash", bashCompletion,
                                           completion ?? directory.path + "/completions/orchestrator-client.bash", "orchestrator-client " + line],
                                  environment: apiEnvironment(api).merging(client.map { ["ORCHESTRATOR_CLIENT_BIN": $0] } ?? [:]) { $1 })
        #expect(result.status == 0, "bash failed (\(result.status)): \(result.errors)")
        return result.lines
    }

    static let bashReady = Tool.available("bash") && FileManager.default.fileExists(atPath: bashCompletion)

    @Test(.enabled(if: bashReady || Tool.required, "bash or bash-completion is not installed (apt-get install bash-completion)"))
    func bashCompletesCommandsRulesAndFlags() throws {
        #expect(try Self.bashComplete("-c disc") == ["discover"])
        #expect(try Self.bashComplete("--command=disc") == ["discover"])
        #expect(try Self.bashComplete("-command disc") == ["discover"])
        #expect(try Self.bashComplete("-c which-sl") == ["which-slaves"])
        #expect(try Self.bashComplete("help which-mas") == ["which-master"])
        #expect(Set(try Self.bashComplete("--promotion-rule ")) == Set(PromotionRule.allCases.map(\.rawValue)))
        #expect(try Self.bashComplete("--promotion-rule ").count == PromotionRule.allCases.count)
        #expect(try Self.bashComplete("-R prefer_") == ["prefer_not"])
        #expect(try Self.bashComplete("--promotion-rule=mu") == ["must_not"])
        #expect(try Self.bashComplete("--prom") == ["--promotion-rule", "--promotion-rule="])
        #expect(try Self.bashComplete("-c discover --js") == ["--json"])
        #expect(try Self.bashComplete("-o ") == [], "free text is not completed")
        let allCommands = try Self.bashComplete("-c ")
        #expect(Set(allCommands) == Set(CommandTable.all.flatMap(\.allNames)))
        let allFlags = Set(try Self.bashComplete("-"))
        for spec in FlagTable.all {
            for spelling in CompletionModel.spellings(spec) { #expect(allFlags.contains(spelling), "\(spelling)") }
        }
    }

    @Test(.enabled(if: bashReady || Tool.required, "bash or bash-completion is not installed (apt-get install bash-completion)"))
    func bashCompletesInstancesAliasesAndFiles() throws {
        let fake = try FakeClient()
        #expect(try Self.bashComplete("-i db", client: fake.path) == ["db1.example.com:3306", "db2.example.com:3306"])
        #expect(try Self.bashComplete("-d db2", client: fake.path) == ["db2.example.com:3306"])
        // After `:` bash replaces only what follows it.
        #expect(try Self.bashComplete("--instance db1.example.com:33", client: fake.path) == ["3306"])
        #expect(try Self.bashComplete("-a my", client: fake.path) == ["mycluster"])
        #expect(try Self.bashComplete("-a ", client: fake.path) == ["mycluster", "noalias.example.com:3306"])
        #expect(try Self.bashComplete("-i db", client: fake.failingPath) == [], "a failing client offers nothing")
        #expect(try Self.bashComplete("-i db", client: fake.directory.path + "/missing") == [])
        #expect(try Self.bashComplete("--ca-file " + fake.directory.path + "/ca-b") == [fake.directory.path + "/ca-bundle.pem"])
    }

    // MARK: fish

    /// What fish offers for `line`, without descriptions.
    static func fishComplete(_ line: String, client: String? = nil, api: String? = nil) throws -> [String] {
        let directory = try TemporaryDirectory()
        _ = try GeneratedFiles.write(to: directory.path)
        var environment = ["HOME": directory.path, "XDG_CONFIG_HOME": directory.path, "XDG_DATA_HOME": directory.path]
            .merging(apiEnvironment(api)) { $1 }
        if let client { environment["ORCHESTRATOR_CLIENT_BIN"] = client }
        let result = try Tool.run("fish", ["--no-config", "-c", "source $argv[1]; or exit 90; complete -C $argv[2]",
                                           directory.path + "/completions/orchestrator-client.fish", "orchestrator-client " + line],
                                  environment: environment)
        #expect(result.status == 0, "fish failed (\(result.status)): \(result.errors)")
        #expect(result.errors.isEmpty, "fish: \(result.errors)")
        return result.lines.map { String($0.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
    }

    @Test(.enabled(if: Tool.available("fish") || Tool.required, "fish is not installed (apt-get install fish)"))
    func fishCompletes() throws {
        #expect(try Self.fishComplete("-c disc") == ["discover"])
        #expect(try Self.fishComplete("--command=disc") == ["--command=discover"])
        #expect(try Self.fishComplete("-command disc") == ["discover"])
        #expect(try Self.fishComplete("--prom") == ["--promotion-rule"])
        #expect(try Self.fishComplete("-c discover --js") == ["--json"])
        #expect(try Self.fishComplete("-c which-sl") == ["which-slaves"])
        #expect(Set(try Self.fishComplete("--promotion-rule ")) == Set(PromotionRule.allCases.map(\.rawValue)))
        #expect(try Self.fishComplete("--promotion-rule ").count == PromotionRule.allCases.count)
        #expect(try Self.fishComplete("-R must") == ["must_not"])
        let fake = try FakeClient()
        #expect(try Self.fishComplete("-i db", client: fake.path) == ["db1.example.com:3306", "db2.example.com:3306"])
        #expect(try Self.fishComplete("-s db1", client: fake.path) == ["db1.example.com:3306"])
        #expect(try Self.fishComplete("-a my", client: fake.path) == ["mycluster"])
        #expect(try Self.fishComplete("-i db", client: fake.failingPath) == [])
        #expect(try Self.fishComplete("--ca-file " + fake.directory.path + "/ca-b") == [fake.directory.path + "/ca-bundle.pem"])
    }

    // MARK: zsh

    /// Drives an interactive zsh through a pseudo-terminal (zsh/zpty): types `orchestrator-client LINE`, then
    /// either TAB and Enter (mode `complete`: prints the arguments the completed line ran with, through a
    /// function standing in for the client) or Ctrl-D (mode `list`: prints the terminal output listing choices).
    static let zshDriver = #"""
    zmodload zsh/zpty || exit 93
    dir=$1 mode=$2 typed=$3
    out=""
    wait_for() {
      integer deadline=$(( SECONDS + 20 ))
      local chunk
      while (( SECONDS < deadline )); do
        chunk=""
        if zpty -r -t z chunk; then out+=$chunk; else sleep 0.05; fi
        [[ $out == $~1 ]] && return 0
      done
      print -r -- "timed out waiting for $1 in: $out" >&2
      zpty -d z
      exit 94
    }
    zpty z zsh -f -i
    zpty -w z "PS1='%% '; unsetopt beep; bindkey -e; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D; orchestrator-client() { print -r -- \"RE\"\"SULT<\$*>\" }; print RE\"\"ADY"
    wait_for '*READY*% *'
    out=""
    if [[ $mode == complete ]]; then
      zpty -w -n z "orchestrator-client $typed"$'\t\r'
      wait_for '*RESULT<*>*'
      [[ $out =~ 'RESULT<([^>]*)>' ]] && print -r -- "$match[1]"
    else
      zpty -w -n z "orchestrator-client $typed"$'\C-d'
      sleep 1
      zpty -w -n z $'\C-u'
      zpty -w z 'print EN""D'
      wait_for '*END*% *'
      print -r -- "$out"
    fi
    zpty -d z
    """#

    static func zsh(_ mode: String, _ line: String, client: String? = nil, api: String? = nil) throws -> String {
        let directory = try TemporaryDirectory()
        _ = try GeneratedFiles.write(to: directory.path)
        let driver = directory.path + "/driver.zsh"
        try zshDriver.write(toFile: driver, atomically: true, encoding: .utf8)
        var environment = ["HOME": directory.path, "ZDOTDIR": directory.path, "TERM": "xterm"].merging(apiEnvironment(api)) { $1 }
        if let client { environment["ORCHESTRATOR_CLIENT_BIN"] = client }
        let result = try Tool.run("zsh", ["-f", driver, directory.path + "/completions", mode, line], environment: environment)
        #expect(result.status == 0, "zsh failed (\(result.status)): \(result.errors)")
        return result.output.trimmingCharacters(in: .newlines)
    }

    @Test(.enabled(if: Tool.available("zsh") || Tool.required, "zsh is not installed (apt-get install zsh)"))
    func zshCompletesAUniqueMatch() throws {
        #expect(try Self.zsh("complete", "-c disc") == "-c discover")
        #expect(try Self.zsh("complete", "--command=disc") == "--command=discover")
        #expect(try Self.zsh("complete", "-c which-sl") == "-c which-slaves")
        #expect(try Self.zsh("complete", "-R prefer_") == "-R prefer_not")
        #expect(try Self.zsh("complete", "--promotion-rule=mu") == "--promotion-rule=must_not")
        #expect(try Self.zsh("complete", "-c zzz") == "-c zzz", "nothing to complete leaves the line alone")
        let fake = try FakeClient()
        #expect(try Self.zsh("complete", "-i db1", client: fake.path) == "-i db1.example.com:3306")
        #expect(try Self.zsh("complete", "-a my", client: fake.path) == "-a mycluster")
        #expect(try Self.zsh("complete", "-i db1", client: fake.failingPath) == "-i db1")
    }

    @Test(.enabled(if: Tool.available("zsh") || Tool.required, "zsh is not installed (apt-get install zsh)"))
    func zshListsChoices() throws {
        let rules = try Self.zsh("list", "--promotion-rule ")
        for rule in PromotionRule.allCases { #expect(rules.contains(rule.rawValue), "\(rule.rawValue) not listed: \(rules)") }
        #expect(!rules.contains("discover"))
        let fake = try FakeClient()
        let instances = try Self.zsh("list", "-i db", client: fake.path)
        #expect(instances.contains("db1.example.com:3306") && instances.contains("db2.example.com:3306"), "\(instances)")
        #expect(!instances.contains("other.example.com"))
    }

    // MARK: against the test server

    /// The environment that points the real client at `api` (and reads no profile file).
    static func apiEnvironment(_ api: String?) -> [String: String] {
        guard let api else { return [:] }
        return ["ORCHESTRATOR_API": api, "ORCHESTRATOR_CLIENT_PROFILE": ""]
    }

    /// A test server answering all-instances and clusters-info with the recorded answers.
    static func recordedServer() throws -> TestServer {
        let instances = try Support.transcript("a019-all-instances").answer(0).reply
        let clusters = try Support.transcript("a003-clusters-alias").answer(0).reply
        return try TestServer { request in
            switch request.target {
            case "/api/all-instances": return instances
            case "/api/clusters-info": return clusters
            default: return .notFound
            }
        }
    }

    @Test(.enabled(if: (bashReady && Tool.available("fish") && Tool.available("zsh")) || Tool.required,
                   "bash-completion, fish or zsh is not installed"))
    func shellsAskTheRealClientAgainstTheTestServer() throws {
        let server = try Self.recordedServer()
        defer { server.stop() }
        let client = Support.executable
        let recorded = ["127.0.0.1:10111", "127.0.0.1:10112", "127.0.0.1:10113", "127.0.0.1:10114"]
        #expect(try Self.bashComplete("-i 127.0", client: client, api: server.apiURL) == recorded)
        #expect(try Self.bashComplete("-a c", client: client, api: server.apiURL) == ["ci"])
        #expect(try Self.fishComplete("-i 127.0", client: client, api: server.apiURL) == recorded)
        #expect(try Self.fishComplete("-a c", client: client, api: server.apiURL) == ["ci"])
        #expect(try Self.zsh("complete", "-a c", client: client, api: server.apiURL) == "-a ci")
        let listed = try Self.zsh("list", "-i 127.0", client: client, api: server.apiURL)
        for instance in recorded { #expect(listed.contains(instance), "\(instance) not listed: \(listed)") }
        #expect(server.targets.contains("/api/all-instances") && server.targets.contains("/api/clusters-info"))
    }
}
