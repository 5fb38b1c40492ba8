#if canImport(Glibc)
import Glibc
#endif
import OrchestratorCLI
import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shell completions, the man page and the library's typed methods, generated from ``CommandTable`` and
/// ``FlagTable`` so they cannot drift from what the parser accepts. `swift run generate-files DIR` (`make generate`) writes them; a test
/// checks that the checked-in copies are current.
package enum GeneratedFiles {
    /// Every generated file, with its path relative to the repository root.
    package static func all() -> [(path: String, contents: String)] {
        [
            (path: "completions/orchestrator-client.bash", contents: BashCompletion.script()),
            (path: "completions/_orchestrator-client", contents: ZshCompletion.script()),
            (path: "completions/orchestrator-client.fish", contents: FishCompletion.script()),
            (path: "man/orchestrator-client.1", contents: ManPage.text()),
        ] + ClientMethods.files()
    }

    /// Writes every file below `directory`, creating the folders when missing; returns the paths written.
    package static func write(to directory: String) throws(GenerationError) -> [String] {
        var written: [String] = []
        for (path, contents) in all() {
            let target = directory.hasSuffix("/") ? directory + path : directory + "/" + path
            try makeFolders(of: target)
            guard let file = fopen(target, "w") else { throw failure(target, "cannot open it for writing") }
            var bytes = Array(contents.utf8)
            let count = fwrite(&bytes, 1, bytes.count, file)
            let closed = fclose(file)
            guard count == bytes.count, closed == 0 else { throw failure(target, "cannot write it") }
            written.append(target)
        }
        return written
    }

    /// Creates every missing folder on the way to `file`, as `mkdir -p` does.
    static func makeFolders(of file: String) throws(GenerationError) {
        var folder = file
        while let last = folder.last, last != "/" { folder.removeLast() }
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        guard !folder.isEmpty, folder != "/", access(folder, F_OK) != 0 else { return }
        try makeFolders(of: folder)
        if mkdir(folder, 0o755) != 0, errno != EEXIST { throw failure(folder, "cannot create the directory") }
    }

    static func failure(_ path: String, _ problem: String) -> GenerationError {
        GenerationError(description: "\(path): \(problem) (\(String(cString: strerror(errno))))")
    }
}

/// A generated file could not be written.
package struct GenerationError: Error, CustomStringConvertible {
    package let description: String
}

/// What the three completion scripts share, read from the tables.
enum CompletionModel {
    /// The program the scripts complete.
    static let program = CommandLineTool.programName
    /// The variable naming the client the scripts run to list instances and aliases (tests point it at a fake).
    static let clientVariable = "ORCHESTRATOR_CLIENT_BIN"
    /// The bound passed to the client (`--timeout`) and to `timeout(1)` around it, so a TAB never hangs.
    static let clientTimeout = "2s"
    static let outerTimeoutSeconds = "3"
    /// The command listing instances, one `host:port` per line.
    static let instancesCommand = "all-instances"
    /// The command listing clusters as `name,alias` lines.
    static let aliasesCommand = "clusters-alias"

    /// Every command name and synonym (`slave` spellings included), each once, in table order.
    static var commandNames: [(name: String, summary: String)] {
        var seen = Set<String>()
        var names: [(name: String, summary: String)] = []
        for spec in CommandTable.all {
            for name in spec.allNames where seen.insert(name).inserted { names.append((name, spec.id.helpSummary)) }
        }
        return names
    }

    /// The promotion rules, as `-R` takes them.
    static var promotionRules: [String] { PromotionRule.allCases.map(\.rawValue) }

    /// `-c`, `-command`, `--command`: every way to write the flag (the `=value` forms come on top).
    static func spellings(_ spec: FlagSpec) -> [String] {
        var result: [String] = []
        if let letter = spec.letter { result.append("-\(letter)") }
        for name in spec.names { result += ["-" + name, "--" + name] }
        return result
    }

    /// The word the scripts use for a flag's value kind.
    static func kind(_ valueKind: FlagValueKind) -> String {
        switch valueKind {
        case .none: return "none"
        case .command: return "command"
        case .instance: return "instance"
        case .alias: return "alias"
        case .promotionRule: return "rule"
        case .file: return "file"
        case .duration, .number, .text: return "other"
        }
    }

    /// `text` in single quotes for sh, bash, zsh (a `'` becomes `'\''`).
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }

    /// `text` in single quotes for fish (`\` and `'` escaped).
    static func fishQuoted(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }

    /// Words joined in lines no longer than about 100 columns, each line starting with `indent`.
    static func wrapped(_ words: [String], indent: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in words {
            if !line.isEmpty, line.count + 1 + word.count > 100 - indent.count {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { indent + $0 }.joined(separator: "\n")
    }

    /// The header comment every script starts with.
    static func header(_ shell: String, installAs: String) -> String {
        """
        # \(shell) completion for \(program) \(ClientVersion.current).
        # Generated by `make generate` (the generate-files tool) from the command and flag tables: do not edit.
        # Install as \(installAs).
        # Instance names (-i, -d, -s) and cluster aliases (-a) come from `\(program) -c \(instancesCommand)` and
        # `-c \(aliasesCommand)`, run with --timeout \(clientTimeout) (and `timeout \(outerTimeoutSeconds)` when available);
        # nothing is offered when that fails. $\(clientVariable) names another client binary to run.

        """
    }
}
