import OrchestratorClientKit

/// The flags of one command line, as given.
package struct ParsedArguments: Sendable, Equatable {
    /// Values by flag. Switches hold `""`. A value flag given twice must have the same value both times.
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
                    let shown = spec.flag == .auth ? "" : " (got \"\(TerminalText.value(argument, limit: 60))\")"
                    throw .usage("\(spec.primarySpelling) takes no value\(shown)")
                }
                parsed[spec.flag] = ""
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]
                // `-i --quiet` is a forgotten value, not the host "--quiet": a value that is itself a flag must be
                // attached (`-i=--quiet`, `--instance=--quiet`). Other values may start with '-' (`-r -x`).
                if isFlag(value) {
                    let name = spec.names[0]
                    throw .usage("\(spec.primarySpelling) needs a value, and the next argument \"\(TerminalText.value(value, limit: 60))\" is a flag; "
                                 + "give the value, or write --\(name)=\(value) if that is the value")
                }
                index += 1
            } else {
                throw .usage("\(spec.primarySpelling) needs a value: \(spec.primarySpelling) <\(spec.valueName)>")
            }
            try store(value, for: spec, in: &parsed)
        }
        return parsed
    }

    /// True when `argument` spells a known flag (`--quiet`, `-i`, `-ihost`), as opposed to a value starting with '-'.
    package static func isFlag(_ argument: String) -> Bool {
        argument.hasPrefix("-") && argument.count > 1 && (try? resolve(argument)) != nil
    }

    /// Records a flag's value. An empty value is refused, not read as "not given": `-i "$TARGET"` with `TARGET`
    /// unset must not act on this host. A second, different value is refused, not silently preferred:
    /// `-c which-master -c discover` must not turn a read into a change.
    static func store(_ value: String, for spec: FlagSpec, in parsed: inout ParsedArguments) throws(OrchestratorError) {
        if ValueSource.isEmptyValue(value) {
            var message = "\(spec.primarySpelling) was given an empty value; give a value, or leave the flag out"
            if spec.flag == .instance { message += " (an empty -i never means this host)" }
            throw .usage(message)
        }
        if let earlier = parsed[spec.flag], earlier != value {
            // -b's values are never shown: they hold passwords.
            let values = spec.flag == .auth ? ""
                : " (\"\(TerminalText.value(earlier, limit: 60))\", then \"\(TerminalText.value(value, limit: 60))\")"
            throw .usage("\(spec.primarySpelling) given twice with different values\(values); give it once")
        }
        parsed[spec.flag] = value
    }

    /// Where the passwords in `arguments` are, as UTF-8 byte ranges of the argument at `index`: each `-b/--auth`
    /// value's password (after its first `:`, or the whole value when it has none), and the password of each URL of
    /// an `-U/--api` value (``Endpoint/passwordRanges(in:)``, as messages mask it), in every spelling of the flags.
    /// Best effort: an argument that does not parse is skipped (the real parse reports it).
    package static func secretLocations(_ arguments: [String]) -> [(index: Int, bytes: Range<Int>)] {
        var locations: [(index: Int, bytes: Range<Int>)] = []
        func passwords(_ value: Substring, of flag: Flag) -> [Range<Int>] {
            func offset(_ index: String.Index) -> Int { value.utf8.distance(from: value.startIndex, to: index) }
            switch flag {
            case .auth:
                let start = value.firstIndex(of: ":").map { value.index(after: $0) } ?? value.startIndex
                return [offset(start)..<value.utf8.count]
            case .api:
                let text = String(value)
                return Endpoint.passwordRanges(in: text).map { range in
                    text.utf8.distance(from: text.startIndex, to: range.lowerBound)..<text.utf8.distance(from: text.startIndex, to: range.upperBound)
                }
            default:
                return []
            }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            guard argument.hasPrefix("-"), argument != "-", let (spec, inlineValue) = try? resolve(argument) else { continue }
            guard spec.valueKind != .none else { continue }
            if let inlineValue {
                let start = argument.utf8.count - inlineValue.utf8.count
                locations += passwords(Substring(inlineValue), of: spec.flag).map { (index - 1, (start + $0.lowerBound)..<(start + $0.upperBound)) }
            } else if index < arguments.count {
                locations += passwords(Substring(arguments[index]), of: spec.flag).map { (index, $0) }
                index += 1
            }
        }
        return locations
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
        throw .usage(unknownFlagMessage(argument, name: String(name.prefix(64))))
    }

    static func unknownFlagMessage(_ argument: String, name: String) -> String {
        var candidates: [(shown: String, compared: String)] = []
        for spec in FlagTable.all {
            candidates += spec.names.map { ("--" + $0, $0) }
            if let letter = spec.letter { candidates.append(("-\(letter)", String(letter))) }
        }
        // A value attached to an unknown flag (`--password=…`) may be a secret: only the flag is shown.
        let shown = argument.contains("=") ? String(argument.prefix { $0 != "=" }) + "=…" : argument
        var message = "unknown flag \"\(TerminalText.value(shown, limit: 60))\""
        if let best = Suggestions.nearest(to: name, among: candidates, count: 1).first {
            message += "; did you mean \(best)?"
        }
        return message + " (see orchestrator-client --help)"
    }
}
