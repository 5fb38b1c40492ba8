import OrchestratorClientKit

/// The library's errors in the command line's words: where the library names an input, a setting or what to
/// change (``ValueSource``, ``InputProblem``, ``Remedy``), the message names the flag and the environment variable a
/// shell user gives it with.
enum ErrorWording {
    /// The message for standard error, without the program's name.
    static func message(_ error: OrchestratorError) -> String {
        if let problem = error.inputProblem { return text(problem) }
        if let invalid = error.refusedValue { return text(invalid) }
        if let remedy = error.remedy { return error.problem(naming: settingName) + text(remedy) }
        return error.message(naming: settingName)
    }

    /// A setting named in a hint the library wrote while requests ran (a TLS or proxy hint): its flag, or its
    /// environment variable when no flag gives it.
    static func settingName(_ setting: Setting) -> String {
        FlagTable.settingNames[setting] ?? setting.environmentVariable ?? setting.rawValue
    }

    /// An input's or setting's flag (`-i/--instance`, `--connect-timeout`), its variable (`ORCHESTRATOR_TIMEOUT`),
    /// or both when either may have given the value (`--ca-file/ORCHESTRATOR_CA_FILE`).
    static func name(_ source: ValueSource) -> String {
        switch source {
        case .input(let input): FlagTable.spec(input: input).primarySpelling
        case .environment(let setting): setting.environmentVariable ?? setting.rawValue
        case .override(let setting): FlagTable.spec(setting: setting)?.primarySpelling ?? source.description
        case .setting(let setting):
            [FlagTable.spec(setting: setting)?.primarySpelling, setting.environmentVariable].compactMap { $0 }.joined(separator: "/")
        case .named(let name): name
        }
    }

    /// `-i/--instance <host[:port]>`.
    static func usage(_ input: CommandInput) -> String {
        let spec = FlagTable.spec(input: input)
        return "\(spec.primarySpelling) <\(spec.valueName)>"
    }

    static func text(_ problem: InputProblem) -> String {
        switch problem {
        case .emptyInput(let input):
            return "\(name(.input(input))) is empty; give a value, or leave it out"
        case let .missingInput(command, inputs, orInstanceSetting):
            return "\(short(.command)) \(command) needs " + inputs.map(usage).joined(separator: " or ")
                + (orInstanceSetting ? " (or ORCHESTRATOR_INSTANCE set)" : "")
        case .emptyInstanceSetting:
            return "ORCHESTRATOR_INSTANCE is set but empty; give \(short(.instance)) <host[:port]>, or unset it to mean this host"
        case let .instanceNeeded(command, given):
            return "\(short(.command)) \(command) needs \(usage(.instance)) (\(name(.input(given))) names no instance for it); without \(short(.instance)) it "
                + "acts on this host, which a command naming another target never means"
        case .unknownCommand(let name):
            return unknownCommand(name)
        case .userNeededForPasswordFile:
            return "\(flag(.passwordFile)) needs the user name alone, from \(flag(.auth)) <user> or ORCHESTRATOR_AUTH_USER"
        case .notUserAndPassword(let source):
            return "\(name(source)) must be user:password (the value given has no user or no ':', and is not shown in case "
                + "it is a password); write user:password, or give the user alone with \(flag(.passwordFile)), "
                + "or set ORCHESTRATOR_AUTH_USER with ORCHESTRATOR_AUTH_PASSWORD_FILE"
        case .keyPasswordWithoutKey:
            return "\(flag(.keyPasswordFile))/ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE is given without \(long(.clientKey))/\(long(.clientCert))"
        }
    }

    /// `unknown command "x"; did you mean y?`: the nearest commands by edit distance.
    static func unknownCommand(_ name: String) -> String {
        // A 100 kB name is neither searched whole (edit distance is quadratic) nor shown whole; compared in lower
        // case, `-c DISCOVER` is as near to discover as `-c Discover`.
        let nearest = name.count > 64 ? []
            : Suggestions.nearest(to: name.lowercased(), among: CommandID.allCases.map { ($0.name, $0.name) }, count: 3,
                                  containingIsCloser: true)
        return "unknown command \"\(FlagParser.shown(name))\""
            + (nearest.isEmpty ? "" : "; did you mean " + nearest.joined(separator: ", ") + "?")
    }

    static func text(_ invalid: InvalidValue) -> String {
        var problem = invalid.problem
        var fix = invalid.fix
        switch invalid.remedy {
        case .give(.clientKey)?:
            problem = "it holds no private key, and no \(long(.clientKey)) was given"
            fix = "give the certificate's key with \(long(.clientKey)) or ORCHESTRATOR_CLIENT_KEY"
        case .give(.clientCertificate)?:
            fix = "give the client certificate with \(long(.clientCert)) or ORCHESTRATOR_CLIENT_CERT"
        case .give(.keyPasswordFile)?:
            fix = "give a file holding its pass phrase with \(flag(.keyPasswordFile)) or ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE "
                + "(mode 600), or use a key without a pass phrase"
        case .give(.endpoints)?:
            fix = "set ORCHESTRATOR_API or \(flag(.api)) to e.g. http://orchestrator:3000/api"
        default:
            break
        }
        // The library masks the passwords it knows of; a URL's given where none was expected is masked here.
        return "invalid \(name(invalid.source)) \"\(TerminalText.value(FlagParser.masked(invalid.value)))\": \(problem); \(fix)"
    }

    /// What to do, with the separator that joins it to the problem.
    static func text(_ remedy: Remedy) -> String {
        switch remedy {
        case .checkCredentials:
            "; check \(flag(.auth)), ORCHESTRATOR_AUTH_USER/ORCHESTRATOR_AUTH_PASSWORD or \(flag(.headersAuth))"
        case .giveCredentials:
            "; give \(flag(.auth)) user with \(flag(.passwordFile)), set ORCHESTRATOR_AUTH_USER and ORCHESTRATOR_AUTH_PASSWORD_FILE, "
                + "or \(flag(.headersAuth))"
        case .useHTTPS: "; the endpoint speaks https: write https:// in ORCHESTRATOR_API or \(short(.api))"
        case .nameTheInstance: "; " + instanceFix
        case .nameTheInstanceAfterLookupTimeout: " (hostname -f; bounded by \(flag(.connectTimeout))); " + instanceFix
        case .give(let setting): "; give " + name(.setting(setting))
        }
    }

    private static var instanceFix: String { "give \(short(.instance)) host[:port] or set ORCHESTRATOR_INSTANCE" }

    /// A setting of the environment that has no effect, as a warning.
    static func ignored(_ setting: Setting) -> String {
        "\(setting.environmentVariable ?? setting.rawValue) is set but ORCHESTRATOR_AUTH_USER is not, so no password is "
            + "sent; set ORCHESTRATOR_AUTH_USER (or give \(short(.auth)) user)"
    }

    /// A flag as messages name it, from the flag table: `-b/--auth`, `--password-file`.
    private static func flag(_ flag: Flag) -> String { FlagTable.spec(flag).primarySpelling }

    /// A flag's letter alone (`-i`), or its long name where it has none.
    private static func short(_ flag: Flag) -> String {
        let spec = FlagTable.spec(flag)
        return spec.letter.map { "-\($0)" } ?? "--" + spec.names[0]
    }

    /// A flag's long name alone (`--key`).
    private static func long(_ flag: Flag) -> String { "--" + FlagTable.spec(flag).names[0] }

}
