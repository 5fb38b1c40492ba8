/// Applies scanned commands the way bash would, for the subset it can evaluate exactly.
struct ProfileInterpreter {
    let path: String
    let environment: [String: String]
    var assigned: [String: ProfileValue] = [:]
    var notices: [ProfileNotice] = []

    /// The closing words of the compound commands open at this point (`fi`, `done`, `esac`, `}`, `)`).
    private var open: [String] = []
    private var compound: (start: Int, kind: String, mentions: Bool)?

    init(path: String, environment: [String: String]) {
        self.path = path
        self.environment = environment
    }

    /// Variables bash sets itself, which the environment does not show: their values cannot be known here.
    static let bashVariables: Set<String> = [
        "BASH", "BASHOPTS", "BASHPID", "BASH_ALIASES", "BASH_ARGC", "BASH_ARGV", "BASH_ARGV0", "BASH_CMDS", "BASH_COMMAND",
        "BASH_LINENO", "BASH_SOURCE", "BASH_SUBSHELL", "BASH_VERSINFO", "BASH_VERSION", "COLUMNS", "DIRSTACK",
        "EPOCHREALTIME", "EPOCHSECONDS", "EUID", "FUNCNAME", "GROUPS", "HISTCMD", "HISTFILE", "HISTFILESIZE", "HISTSIZE",
        "HOSTTYPE", "IFS", "LINENO", "LINES", "MACHTYPE", "OPTARG", "OPTERR", "OPTIND", "OSTYPE", "PIPESTATUS", "PPID",
        "PS1", "PS2", "PS4", "RANDOM", "SECONDS", "SHELLOPTS", "SHLVL", "SRANDOM", "UID",
    ]

    static let reservedWords: Set<String> = ["if", "then", "elif", "else", "fi", "case", "esac", "for", "select", "while",
                                             "until", "do", "done", "function", "{", "}", "!", "[[", "time", "coproc"]

    private mutating func notice(_ line: Int, _ endLine: Int, _ problem: String, mentions: Bool) {
        let location = endLine > line ? "\(path):\(line)-\(endLine)" : "\(path):\(line)"
        if mentions {
            notices.append(ProfileNotice(location: location, problem: "not applied: " + problem,
                                         fix: "the client reads the file without running it: write plain assignments "
                                             + "(export NAME=\"value\"), or set the variable in the environment or with its flag",
                                         isError: true))
        } else {
            notices.append(ProfileNotice(location: location, problem: "not run: " + problem,
                                         fix: "the client reads only plain assignments from this file and runs nothing", isError: false))
        }
    }

    mutating func run(_ commands: [ShellCommand]) {
        var previousJoins = false
        for command in commands {
            let mentions = command.source.contains("ORCHESTRATOR_")
            let wasOpen = !open.isEmpty
            var words = command.words[...]
            var keywords: [String] = []
            let isCasePattern = open.last == "esac" && command.terminator == .closeParen && words.first?.reserved != "esac"
            while !isCasePattern, let keyword = words.first?.reserved {
                keywords.append(keyword)
                words.removeFirst()
                var restIsNotCommand = false
                switch keyword {
                case "if": open.append("fi")
                case "while", "until": open.append("done")
                case "for", "select": open.append("done"); restIsNotCommand = true
                case "case": open.append("esac"); restIsNotCommand = true
                case "{":
                    // The body of a function definition replaces its placeholder.
                    if open.last == "body" { open.removeLast() }
                    open.append("}")
                case "function":
                    if !words.isEmpty { words.removeFirst() }
                    open.append("body")
                case "fi", "done", "esac", "}":
                    if open.last == keyword { open.removeLast() } else { open.append("?") }
                default: break
                }
                if restIsNotCommand { break }
            }
            if !isCasePattern {
                if open.last == "name()" {
                    // `name (` was seen: this is its `)`.
                    open.removeLast()
                    open.append(words.isEmpty && command.terminator == .closeParen ? "body" : "?")
                } else if words.count == 1, words.first?.assignment == nil, command.terminator == .openParen {
                    open.append("name()")
                    keywords.append("function")
                } else if words.isEmpty && command.terminator == .openParen {
                    let isBody = open.last == "body"
                    if isBody { open.removeLast() }
                    open.append(")")
                    keywords.append(isBody ? "function" : "(")
                }
            }
            let inCompound = wasOpen || !open.isEmpty || !keywords.isEmpty
            if inCompound {
                if compound == nil { compound = (command.line, keywords.first ?? "compound", false) }
                compound!.mentions = compound!.mentions || mentions
                if command.terminator == .closeParen && open.last == ")" && !isCasePattern { open.removeLast() }
                if open.isEmpty || open.contains("?") {
                    finishCompound(endLine: command.endLine, unbalanced: open.contains("?"))
                    open.removeAll()
                }
                previousJoins = false
                continue
            }
            let joins = [.and, .or, .pipe, .background].contains(command.terminator)
            defer { previousJoins = joins }
            if words.isEmpty {
                if let problem = command.problem { notice(command.line, command.endLine, problem, mentions: mentions) }
                continue
            }
            if previousJoins || joins {
                notice(command.line, command.endLine, "it is part of a list or pipeline (&&, ||, |, &), which runs conditionally or apart",
                       mentions: mentions)
                continue
            }
            if let problem = command.problem {
                notice(command.line, command.endLine, problem, mentions: mentions)
                continue
            }
            apply(words, command: command, mentions: mentions)
        }
        if let compound {
            notice(compound.start, compound.start, "\(Self.describe(compound.kind)) is not closed", mentions: compound.mentions)
            self.compound = nil
        }
    }

    static func describe(_ keyword: String) -> String {
        switch keyword {
        case "if": return "an if … fi compound command"
        case "case": return "a case … esac compound command"
        case "for", "select", "while", "until": return "a \(keyword) loop"
        case "function": return "a function definition"
        case "{": return "a { … } group"
        case "(": return "a ( … ) subshell"
        default: return "a compound command"
        }
    }

    private mutating func finishCompound(endLine: Int, unbalanced: Bool) {
        guard let compound else { return }
        self.compound = nil
        var problem = Self.describe(compound.kind) + (unbalanced ? " the client cannot follow" : "")
        if compound.kind == "if" || compound.kind == "case" || compound.kind == "while" || compound.kind == "until" {
            problem += " (its assignments depend on a condition the client does not evaluate)"
        }
        notice(compound.start, endLine, problem, mentions: compound.mentions)
    }

    /// `export A=1 B`, `A=1 B=2`: applies every assignment, or none when one word cannot be read exactly.
    private mutating func apply(_ words: ArraySlice<ShellWord>, command: ShellCommand, mentions: Bool) {
        var words = words
        let exported = words.first?.assignment == nil && words.first?.literal == "export"
        if exported { words.removeFirst() }
        var pending: [(String, ProfileValue)] = []
        for word in words {
            if let unsupported = word.unsupported {
                notice(command.line, command.endLine, "bash would expand \(unsupported), which the client does not evaluate", mentions: mentions)
                return
            }
            if let name = word.assignment {
                if exported && word.hasPattern {
                    notice(command.line, command.endLine, "bash may expand the pattern or braces in \(name)'s value (quote the value)",
                           mentions: mentions)
                    return
                }
                var parts: [ProfileValue.Part] = []
                for part in word.value {
                    switch part {
                    case .literal(let text): parts.append(.text(text))
                    case .fullyQualifiedName: parts.append(.fullyQualifiedName)
                    case .variable(let variable):
                        if let value = pending.last(where: { $0.0 == variable })?.1 ?? assigned[variable] {
                            parts += value.parts
                        } else if let value = environment[variable] {
                            parts.append(.text(value))
                        } else if variable == "HOSTNAME" {
                            parts.append(.text(HostIdentity.shortName() ?? ""))
                        } else if Self.bashVariables.contains(variable) {
                            notice(command.line, command.endLine, "it uses $\(variable), which bash sets itself", mentions: mentions)
                            return
                        }
                        // Unset: empty, as in bash.
                    }
                }
                pending.append((name, ProfileValue(Self.merged(parts))))
            } else if exported, let name = word.literal, ShellWord.isName(name) {
                continue // `export NAME` marks a variable; its value does not change.
            } else {
                let shown = word.literal ?? "a command"
                notice(command.line, command.endLine,
                       exported ? "export is given \"\(shown)\", which is not NAME=value"
                                : (pending.isEmpty ? "it runs \(shown)" : "it runs \(shown) with assignments that apply to that command only"),
                       mentions: mentions)
                return
            }
        }
        for (name, value) in pending { assigned[name] = value }
    }

    static func merged(_ parts: [ProfileValue.Part]) -> [ProfileValue.Part] {
        var result: [ProfileValue.Part] = []
        for part in parts {
            if case .text(let text) = part, case .text(let previous)? = result.last {
                result[result.count - 1] = .text(previous + text)
            } else {
                result.append(part)
            }
        }
        return result
    }
}
