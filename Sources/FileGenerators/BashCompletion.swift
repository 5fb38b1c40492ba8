import OrchestratorCLI
import OrchestratorClientKit

/// `completions/orchestrator-client.bash`, for bash-completion's `completions/` directory.
enum BashCompletion {
    static func script() -> String {
        let m = CompletionModel.self
        var flags: [String] = []
        for spec in FlagTable.all {
            flags += m.spellings(spec)
            if spec.valueKind != .none { flags += spec.names.map { "--\($0)=" } }
        }
        var kindCases = ""
        for spec in FlagTable.all {
            kindCases += "        " + m.spellings(spec).joined(separator: "|") + ") echo \(m.kind(spec.valueKind)) ;;\n"
        }
        let commands = m.commandNames.map(\.name)

        return m.header("bash", installAs: "/usr/share/bash-completion/completions/\(m.program)") + """

        _orchestrator_client_commands='
        \(m.wrapped(commands, indent: "    "))
        '
        _orchestrator_client_rules='\(m.promotionRules.joined(separator: " "))'
        _orchestrator_client_flags='
        \(m.wrapped(flags, indent: "    "))
        '

        # The kind of value flag $1 takes: command, instance, alias, rule, file, other; none for a switch or no flag.
        _orchestrator_client_kind()
        {
            case $1 in
        \(kindCases)        *) echo none ;;
            esac
        }

        # Runs the client with -c $1, bounded; prints its output only when it succeeded.
        _orchestrator_client_query()
        {
            local bin=${\(m.clientVariable):-\(m.program)} out
            if type -P timeout >/dev/null 2>&1; then
                out=$(timeout \(m.outerTimeoutSeconds) "$bin" --timeout \(m.clientTimeout) -c "$1" 2>/dev/null </dev/null) || return 0
            else
                out=$("$bin" --timeout \(m.clientTimeout) -c "$1" 2>/dev/null </dev/null) || return 0
            fi
            printf '%s\\n' "$out"
        }

        # The lines of standard input that start with $1 (server data is never expanded, unlike with compgen -W).
        _orchestrator_client_matching()
        {
            local word
            while IFS= read -r word; do
                [[ -n $word && $word == "$1"* ]] && printf '%s\\n' "$word"
            done
            return 0
        }

        # Cluster aliases from `name,alias` lines (the name when a cluster has no alias).
        _orchestrator_client_aliases()
        {
            local line
            while IFS= read -r line; do
                [[ -n $line ]] || continue
                if [[ -n ${line#*,} && $line == *,* ]]; then
                    printf '%s\\n' "${line#*,}"
                else
                    printf '%s\\n' "${line%%,*}"
                fi
            done < <(_orchestrator_client_query \(m.aliasesCommand))
        }

        _orchestrator_client()
        {
            # Words are taken from the line up to the cursor, so `--flag=value` and `host:port` stay whole.
            local line=${COMP_LINE:0:COMP_POINT}
            local -a words
            read -r -a words <<<"$line"
            local count=${#words[@]} cur="" prev=""
            if [[ -z $line || $line == *[[:space:]] ]]; then
                (( count > 0 )) && prev=${words[count-1]}
            else
                cur=${words[count-1]}
                (( count > 1 )) && prev=${words[count-2]}
            fi

            local prefix="" kind
            if [[ $cur == -*=* ]]; then
                prefix=${cur%%=*}=
                kind=$(_orchestrator_client_kind "${cur%%=*}")
                cur=${cur#*=}
                [[ $kind == none ]] && kind=other
            elif [[ $cur == -* ]]; then
                kind=flags
            else
                kind=$(_orchestrator_client_kind "$prev")
                if [[ $kind == none ]]; then
                    if [[ $prev == help ]] && (( count <= 3 )); then kind=command; else kind=flags; fi
                fi
            fi

            COMPREPLY=()
            case $kind in
                flags) mapfile -t COMPREPLY < <(compgen -W "$_orchestrator_client_flags" -- "$cur") ;;
                command) mapfile -t COMPREPLY < <(compgen -W "$_orchestrator_client_commands" -- "$cur") ;;
                rule) mapfile -t COMPREPLY < <(compgen -W "$_orchestrator_client_rules" -- "$cur") ;;
                instance)
                    mapfile -t COMPREPLY < <(_orchestrator_client_query \(m.instancesCommand) | _orchestrator_client_matching "$cur")
                    ;;
                alias) mapfile -t COMPREPLY < <(_orchestrator_client_aliases | _orchestrator_client_matching "$cur") ;;
                file)
                    compopt -o filenames 2>/dev/null
                    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                    ;;
            esac
            (( ${#COMPREPLY[@]} )) || return 0
            if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
                compopt -o nospace 2>/dev/null
            fi

            # Bash replaces only the part of the word after its last `=` or `:` (COMP_WORDBREAKS): drop that head.
            local full=$prefix$cur head="" c part
            for c in = :; do
                [[ $COMP_WORDBREAKS == *"$c"* && $full == *"$c"* ]] || continue
                part=${full%"$c"*}$c
                (( ${#part} > ${#head} )) && head=$part
            done
            local i
            for i in "${!COMPREPLY[@]}"; do
                part=$prefix${COMPREPLY[i]}
                COMPREPLY[i]=${part#"$head"}
            done
        }

        complete -F _orchestrator_client \(m.program)

        # ex: filetype=sh

        """
    }
}
