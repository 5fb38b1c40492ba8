/// Why a command's inputs or the settings cannot be used, before anything is sent (``OrchestratorError/Code/usage``).
///
/// Structured so that a program taking these values from its own users can say what to type; ``description``
/// says it in the library's terms (the input or setting to give).
public enum InputProblem: Sendable, Hashable, CustomStringConvertible {
    /// An input was given empty: a mistake, never "not given" (an empty instance must not mean this host).
    case emptyInput(CommandInput)
    /// `command` needs one of `inputs`; `orInstanceSetting`: ``Setting/instance`` would do too.
    case missingInput(command: String, oneOf: [CommandInput], orInstanceSetting: Bool)
    /// ``Setting/instance`` is set but empty, for a command that would otherwise act on this host.
    case emptyInstanceSetting
    /// A command about this host was given `given`, which names another target: it is refused rather than run on
    /// this host.
    case instanceNeeded(command: String, given: CommandInput)
    /// No command has this name.
    case unknownCommand(String)
    /// A password file was given without the user name alone (``Setting/credentials`` or ``Setting/user``).
    case userNeededForPasswordFile
    /// The credentials are not `user:password`; the value is not shown, it may be a password.
    case notUserAndPassword(ValueSource)
    /// A key's pass phrase file is given without a client key or certificate.
    case keyPasswordWithoutKey

    /// The problem and its fix in the library's terms, naming inputs and settings as the library does.
    public var description: String {
        switch self {
        case .emptyInput(let input):
            return "the \(input.rawValue) input is empty; give a value, or leave it out"
        case let .missingInput(command, inputs, orInstanceSetting):
            return "\(command) needs the " + inputs.map(\.rawValue).joined(separator: " or ") + " input"
                + (orInstanceSetting ? " (or ORCHESTRATOR_INSTANCE set)" : "")
        case .emptyInstanceSetting:
            return "ORCHESTRATOR_INSTANCE is set but empty; give the instance input, or unset it to mean this host"
        case let .instanceNeeded(command, given):
            return "\(command) needs the instance input (the \(given.rawValue) input names no instance for it); without "
                + "an instance it acts on this host, which a command naming another target never means"
        case .unknownCommand(let name):
            return "unknown command \"\(OrchestratorError.shown(name, limit: 60))\""
        case .userNeededForPasswordFile:
            return "ConfigurationOverrides.passwordFile needs the user name alone, from ConfigurationOverrides.auth "
                + "or ORCHESTRATOR_AUTH_USER"
        case .notUserAndPassword(let source):
            return "\(source) must be user:password (the value given has no user or no ':', and is not shown in case "
                + "it is a password); write user:password, or give the user alone with ConfigurationOverrides.passwordFile, "
                + "or set ORCHESTRATOR_AUTH_USER with ORCHESTRATOR_AUTH_PASSWORD_FILE"
        case .keyPasswordWithoutKey:
            return "ConfigurationOverrides.clientKeyPasswordFile/ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE is given without "
                + "a client key or certificate"
        }
    }
}

/// What would fix an error, when it is to give or change a setting or an input; ``OrchestratorError/message``
/// and ``InvalidValue/fix`` say it in the library's terms, a program taking settings from its users can say it
/// in its own (``OrchestratorError/problem`` is the message without it).
public enum Remedy: Sendable, Hashable {
    /// Check the credentials sent (``Setting/credentials``, ``Setting/user`` and ``Setting/password``, or
    /// ``Setting/authHeader``): the server refused them.
    case checkCredentials
    /// Configure credentials: the server needs some, and none were sent.
    case giveCredentials
    /// Write `https://` in the endpoint's URL: the endpoint answered that it speaks https.
    case useHTTPS
    /// Name the instance (input or ``Setting/instance``): this host's name cannot be told.
    case nameTheInstance
    /// As ``nameTheInstance``, after the lookup of this host's name ran out of ``Setting/connectTimeout``.
    case nameTheInstanceAfterLookupTimeout
    /// Give `setting`, which the refused value needs beside it.
    case give(Setting)

    /// The library's wording, with the separator that joins it to the problem.
    var text: String {
        switch self {
        case .checkCredentials:
            "; check ConfigurationOverrides.auth, ORCHESTRATOR_AUTH_USER/ORCHESTRATOR_AUTH_PASSWORD or ConfigurationOverrides.headersAuth"
        case .giveCredentials:
            "; give ConfigurationOverrides.auth (a user) with ConfigurationOverrides.passwordFile, set ORCHESTRATOR_AUTH_USER "
                + "and ORCHESTRATOR_AUTH_PASSWORD_FILE, or ConfigurationOverrides.headersAuth"
        case .useHTTPS: "; the endpoint speaks https: write https:// in the endpoint's URL"
        case .nameTheInstance: "; " + Self.instanceFix
        case .nameTheInstanceAfterLookupTimeout: " (hostname -f; bounded by the connect timeout); " + Self.instanceFix
        case .give(let setting): "; give " + ValueSource.setting(setting).description
        }
    }

    private static let instanceFix = "give the instance input or set ORCHESTRATOR_INSTANCE"
}
