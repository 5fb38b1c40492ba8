/// The flags of one command line, as given.
public struct ParsedArguments: Sendable, Equatable {
    /// Values by flag; a repeated flag keeps its last value, as `getopts` does. Switches hold `""`.
    public var values: [Flag: String] = [:]
    /// Words that are not flags (only `help COMMAND` uses one).
    public var positional: [String] = []

    /// Nothing given yet.
    public init() {}

    /// The value of `flag`, if given.
    public subscript(flag: Flag) -> String? {
        get { values[flag] }
        set { values[flag] = newValue }
    }

    /// True when the switch `flag` was given.
    public func has(_ flag: Flag) -> Bool { values[flag] != nil }
}

/// Parses the bash client's flag syntax and the spellings people use with it: `-c x`, `-cx`, `-command x`,
/// `--command x`, `--command=x`, `-command=x`. An unknown flag is an error naming the nearest known one;
/// nothing is ever guessed (the bash client read `--owner=cron` as owner `wner=cron`).
public enum ArgumentParser {
    /// Parses `arguments` (without the program name).
    public static func parse(_ arguments: [String]) throws(OrchestratorError) -> ParsedArguments {
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
                parsed[spec.flag] = arguments[index]
                index += 1
            } else {
                throw .usage("\(spec.primarySpelling) needs a value: \(spec.primarySpelling) <\(spec.valueName)>")
            }
        }
        return parsed
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
        var candidates: [(String, Int)] = []
        for spec in FlagTable.all {
            for long in spec.names { candidates.append(("--" + long, editDistance(name, long))) }
            if let letter = spec.letter { candidates.append(("-\(letter)", editDistance(name, String(letter)))) }
        }
        let best = candidates.min { $0.1 < $1.1 }
        var message = "unknown flag \"\(argument)\""
        if let best, best.1 <= max(2, name.count / 3) {
            message += "; did you mean \(best.0)?"
        }
        return message + " (see orchestrator-client --help)"
    }

    /// Levenshtein distance, for suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
