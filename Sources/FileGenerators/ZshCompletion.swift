import OrchestratorCLI
import OrchestratorClientKit

/// `completions/_orchestrator-client`, for a directory of zsh's `$fpath` (Debian: /usr/share/zsh/vendor-completions).
enum ZshCompletion {
    static func script() -> String {
        let m = CompletionModel.self
        let commandLines = m.commandNames.map { "    " + m.shellQuoted($0.name + ":" + $0.summary) }.joined(separator: "\n")
        var specs: [String] = []
        for spec in FlagTable.all {
            let spellings = m.spellings(spec)
            let exclusions = "(" + spellings.joined(separator: " ") + ")"
            let description = "[" + escapedDescription(spec.summary) + "]"
            let value: String
            if spec.valueKind == .none {
                value = ""
            } else {
                value = ":" + spec.valueName.replacing(":", with: "\\:") + ":" + action(spec.valueKind)
            }
            for spelling in spellings {
                let form: String
                if spec.valueKind == .none {
                    form = spelling
                } else if spelling.count == 2 {
                    form = spelling + "+"      // -c value, -cvalue
                } else {
                    form = spelling + "="      // -command value, --command=value
                }
                specs.append(m.shellQuoted(exclusions + form + description + value))
            }
        }
        let arguments = specs.map { "    " + $0 }.joined(separator: " \\\n")

        return "#compdef \(m.program)\n" + m.header("zsh", installAs: "_\(m.program) in a directory of $fpath") + """

        # Runs the client with -c $1, bounded; prints its output only when it succeeded.
        _orchestrator_client_query() {
          local bin=${\(m.clientVariable):-\(m.program)} out
          if (( $+commands[timeout] )); then
            out=$(timeout \(m.outerTimeoutSeconds) $bin --timeout \(m.clientTimeout) -c $1 2>/dev/null </dev/null) || return 0
          else
            out=$($bin --timeout \(m.clientTimeout) -c $1 2>/dev/null </dev/null) || return 0
          fi
          print -r -- $out
        }

        _orchestrator_client_commands() {
          local -a names
          names=(
        \(commandLines)
          )
          _describe -t commands 'command' names
        }

        _orchestrator_client_instances() {
          local -a instances expl
          instances=(${(f)"$(_orchestrator_client_query \(m.instancesCommand))"})
          _wanted instances expl 'instance' compadd -a instances
        }

        # Cluster aliases from `name,alias` lines (the name when a cluster has no alias).
        _orchestrator_client_aliases() {
          local -a aliases expl
          local line
          for line in ${(f)"$(_orchestrator_client_query \(m.aliasesCommand))"}; do
            if [[ $line == *,?* ]]; then aliases+=(${line#*,}); else aliases+=(${line%%,*}); fi
          done
          _wanted aliases expl 'cluster alias' compadd -a aliases
        }

        _orchestrator-client() {
          _arguments \\
        \(arguments)
        }

        _orchestrator-client "$@"

        """
    }

    /// What completes a value of `kind`.
    static func action(_ kind: FlagValueKind) -> String {
        switch kind {
        case .command: return "_orchestrator_client_commands"
        case .instance: return "_orchestrator_client_instances"
        case .alias: return "_orchestrator_client_aliases"
        case .promotionRule: return "(" + CompletionModel.promotionRules.joined(separator: " ") + ")"
        case .file: return "_files"
        case .none, .duration, .number, .text: return " "
        }
    }

    /// An `_arguments` description: brackets and backslashes escaped.
    static func escapedDescription(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("[", with: "\\[").replacing("]", with: "\\]")
    }
}
