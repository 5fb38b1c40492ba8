import OrchestratorClientKit

/// The flags of one command line, as given.
package struct ParsedArguments: Sendable, Equatable {
    /// Values by flag; a repeated flag keeps its last value, as `getopts` does. Switches hold `""`.
    package var values: [Flag: String] = [:]
    /// Words that are not flags (only `help COMMAND` uses one).
    package var positional: [String] = []

    /// Nothing given yet.
    package init() {}

    /// The value of `flag`, if given.
    package subscript(flag: Flag) -> String? {
        get { values[flag] }
        set { values[flag] = newValue }
    }

    /// True when the switch `flag` was given.
    package func has(_ flag: Flag) -> Bool { values[flag] != nil }

    /// The values of the flags that give a command its inputs.
    package var inputs: [CommandInput: String] {
        var inputs: [CommandInput: String] = [:]
        for (flag, value) in values { if let input = flag.input { inputs[input] = value } }
        return inputs
    }
}

/// Parses the bash client's flag syntax and the spellings people use with it: `-c x`, `-cx`, `-command x`,
/// `--command x`, `--command=x`, `-command=x`. An unknown flag is an error naming the nearest known one;
/// nothing is ever guessed (the bash client read `--owner=cron` as owner `wner=cron`).
package enum FlagParser {
    /// Parses `arguments` (without the program name).
    package static func parse(_ arguments: [String]) throws(OrchestratorError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument != "-" else {
                parsed.positional.append(argument)
                continue
            }
            if argument == "--" {
                parsed.positional += arguments[index...]
                break
            }
            let (spec, inlineValue) = try resolve(argument)
            if spec.valueKind == .none {
                if inlineValue != nil {
                    throw .usage("\(spec.primarySpelling) takes no value (got \"\(argument)\")")
                }
                parsed[spec.flag] = ""
                continue
            }
            if let inlineValue {
                parsed[spec.flag] = inlineValue
            } else if index < arguments.count {
                let value = arguments[index]
                // `-i --quiet` is a forgotten value, not the host "--quiet": a value that is itself a flag must be
                // attached (`-i=--quiet`, `--instance=--quiet`). Other values may start with '-' (`-r -x`).
                if isFlag(value) {
                    let name = spec.names[0]
                    throw .usage("\(spec.primarySpelling) needs a value, and the next argument \"\(value)\" is a flag; "
                                 + "give the value, or write --\(name)=\(value) if that is the value")
                }
                parsed[spec.flag] = value
                index += 1
            } else {
                throw .usage("\(spec.primarySpelling) needs a value: \(spec.primarySpelling) <\(spec.valueName)>")
            }
        }
        return parsed
    }

    /// True when `argument` spells a known flag (`--quiet`, `-i`, `-ihost`), as opposed to a value starting with '-'.
    package static func isFlag(_ argument: String) -> Bool {
        argument.hasPrefix("-") && argument.count > 1 && (try? resolve(argument)) != nil
    }

    /// Finds the flag an argument names, and a value attached to it (`=value`, or `-cvalue`).
    static func resolve(_ argument: String) throws(OrchestratorError) -> (FlagSpec, String?) {
        let doubleDash = argument.hasPrefix("--")
        let body = argument.dropFirst(doubleDash ? 2 : 1)
        var name = body
        var value: String?
        if let equals = body.firstIndex(of: "=") {
            name = body[..<equals]
            value = String(body[body.index(after: equals)...])
        }
        if let spec = FlagTable.spec(name: String(name)) { return (spec, value) }
        if !doubleDash, name.count == 1, let spec = FlagTable.spec(letter: name.first!) { return (spec, value) }
        if !doubleDash, let letter = body.first, let spec = FlagTable.spec(letter: letter) {
            let rest = body.dropFirst()
            if rest.isEmpty { return (spec, nil) }
            // getopts' attached form `-ihost:3306`; a switch cannot carry one.
            if spec.valueKind != .none { return (spec, String(rest)) }
        }
        throw .usage(unknownFlagMessage(argument, name: String(name)))
    }

    static func unknownFlagMessage(_ argument: String, name: String) -> String {
        var candidates: [(shown: String, compared: String)] = []
        for spec in FlagTable.all {
            candidates += spec.names.map { ("--" + $0, $0) }
            if let letter = spec.letter { candidates.append(("-\(letter)", String(letter))) }
        }
        var message = "unknown flag \"\(argument)\""
        if let best = Suggestions.nearest(to: name, among: candidates, count: 1).first {
            message += "; did you mean \(best)?"
        }
        return message + " (see orchestrator-client --help)"
    }
}
