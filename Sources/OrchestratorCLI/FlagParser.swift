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
                    throw .usage("\(spec.primarySpelling) takes no value (got \"\(shown(argument))\")")
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
                    throw .usage("\(spec.primarySpelling) needs a value, and the next argument \"\(shown(value))\" is a flag; "
                                 + "give the value, or write --\(name)=\(shown(value)) if that is the value")
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
            throw .usage("\(spec.primarySpelling) given twice with different values (\"\(shown(earlier, of: spec.flag))\", then "
                         + "\"\(shown(value, of: spec.flag))\"); give it once")
        }
        parsed[spec.flag] = value
    }

    /// Where the passwords in `arguments` are, as UTF-8 byte ranges of the argument at `index`: those of each
    /// `-b/--auth` and `-U/--api` value (``passwordBytes(in:of:)``), in every spelling of the flags.
    /// Best effort: an argument that does not parse is skipped (the real parse reports it).
    package static func secretLocations(_ arguments: [String]) -> [(index: Int, bytes: Range<Int>)] {
        var locations: [(index: Int, bytes: Range<Int>)] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            guard argument.hasPrefix("-"), argument != "-", let (spec, inlineValue) = try? resolve(argument) else { continue }
            guard spec.valueKind != .none else { continue }
            let holdsSecrets = spec.flag == .auth || spec.flag == .api
            if let inlineValue {
                guard holdsSecrets else { continue }
                let start = argument.utf8.count - inlineValue.utf8.count
                locations += passwordBytes(in: inlineValue, of: spec.flag).map { (index - 1, (start + $0.lowerBound)..<(start + $0.upperBound)) }
            } else if index < arguments.count {
                if holdsSecrets { locations += passwordBytes(in: arguments[index], of: spec.flag).map { (index, $0) } }
                index += 1
            }
        }
        return locations
    }

    /// Where the passwords in `value`, given to `flag` (`nil`: a word that is no flag's value) are, as UTF-8 byte
    /// ranges: a `-b/--auth` value's password (after its first `:`, or the whole value when it has none); anywhere
    /// else, the password of each URL in it (``Endpoint/passwordRanges(in:)``, as the library's messages mask it).
    static func passwordBytes(in value: String, of flag: Flag?) -> [Range<Int>] {
        func offset(_ index: String.Index) -> Int { value.utf8.distance(from: value.startIndex, to: index) }
        if flag == .auth {
            let start = value.firstIndex(of: ":").map { value.index(after: $0) } ?? value.startIndex
            return [offset(start)..<value.utf8.count]
        }
        return Endpoint.passwordRanges(in: value).map { offset($0.lowerBound)..<offset($0.upperBound) }
    }

    /// A value taken from the command line with each password in it (``passwordBytes(in:of:)``) replaced by `****`:
    /// README promises passwords are never printed, whatever message quotes the value.
    package static func masked(_ value: String, of flag: Flag? = nil) -> String {
        var bytes = Array(value.utf8)
        for range in passwordBytes(in: value, of: flag).sorted(by: { $0.lowerBound > $1.lowerBound }) where !range.isEmpty {
            bytes.replaceSubrange(range, with: Array("****".utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A value taken from the command line as the flag parser's messages quote it: masked, safe for a terminal, short.
    package static func shown(_ value: String, of flag: Flag? = nil) -> String {
        TerminalText.value(masked(value, of: flag), limit: 60)
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
        var message = "unknown flag \"\(Self.shown(shown))\""
        if let best = Suggestions.nearest(to: name, among: candidates, count: 1).first {
            message += "; did you mean \(best)?"
        }
        return message + " (see orchestrator-client --help)"
    }
}
