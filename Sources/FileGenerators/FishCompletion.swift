import OrchestratorCLI
import OrchestratorClientKit

/// `completions/orchestrator-client.fish`, for fish's `vendor_completions.d`.
enum FishCompletion {
    static func script() -> String {
        let m = CompletionModel.self
        let commandLines = m.commandNames.map { "        " + m.fishQuoted($0.name) + " " + m.fishQuoted($0.summary) }
            .joined(separator: " \\\n")
        var lines: [String] = []
        for spec in FlagTable.all {
            var words = ["complete", "-c", m.program]
            if let letter = spec.letter { words += ["-s", String(letter)] }
            for name in spec.names { words += ["-l", name, "-o", name] }
            switch spec.valueKind {
            case .none: break
            case .file: words += ["-r", "-F"]
            case .command: words += ["-x", "-a", "'(__orchestrator_client_commands)'"]
            case .instance: words += ["-x", "-a", "'(__orchestrator_client_query \(m.instancesCommand))'"]
            case .alias: words += ["-x", "-a", "'(__orchestrator_client_aliases)'"]
            case .promotionRule: words += ["-x", "-a", m.fishQuoted(m.promotionRules.joined(separator: " "))]
            case .duration, .number, .text: words += ["-x"]
            }
            words += ["-d", m.fishQuoted(spec.summary)]
            lines.append(words.joined(separator: " "))
        }

        return m.header("fish", installAs: "/usr/share/fish/vendor_completions.d/\(m.program).fish") + """

        # Runs the client with -c $argv[1], bounded; prints its output only when it succeeded.
        function __orchestrator_client_query
            set -l bin \(m.program)
            if test -n "$\(m.clientVariable)"
                set bin $\(m.clientVariable)
            end
            set -l out
            if command -q timeout
                set out (timeout \(m.outerTimeoutSeconds) $bin --timeout \(m.clientTimeout) -c $argv[1] 2>/dev/null </dev/null); or return 0
            else
                set out ($bin --timeout \(m.clientTimeout) -c $argv[1] 2>/dev/null </dev/null); or return 0
            end
            test (count $out) -gt 0; and printf '%s\\n' $out
            return 0
        end

        # Cluster aliases from `name,alias` lines (the name when a cluster has no alias).
        function __orchestrator_client_aliases
            for line in (__orchestrator_client_query \(m.aliasesCommand))
                set -l parts (string split -m 1 , -- $line)
                if test -n "$parts[2]"
                    printf '%s\\n' $parts[2]
                else if test -n "$parts[1]"
                    printf '%s\\n' $parts[1]
                end
            end
        end

        # Command names and synonyms, each with its summary.
        function __orchestrator_client_commands
            printf '%s\\t%s\\n' \\
        \(commandLines)
        end

        complete -c \(m.program) -f
        \(lines.joined(separator: "\n"))

        """
    }
}
