/// Where a refused value came from, in the library's terms: a command input, a setting of the configuration, or a
/// parameter of a method. A program that takes these values from its own users (a command line, a form) words
/// the source with its own names; ``description`` is the library's.
public enum ValueSource: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// A value given to a command (``OrchestratorClient/run(_:_:)``'s inputs).
    case input(CommandInput)
    /// A setting given in ``ConfigurationOverrides``.
    case override(Setting)
    /// A setting read from its environment variable (or the profile file that sets it).
    case environment(Setting)
    /// A setting that either may have given (the TLS files are checked after both were merged).
    case setting(Setting)
    /// A method's parameter or a part of a setting, named as the library's documentation names it
    /// (`path`, `cluster`, `API endpoint`).
    case named(String)

    /// A literal names a parameter or a part of a setting: `"path"` is `.named("path")`.
    public init(stringLiteral value: String) { self = .named(value) }

    /// How the library's messages name the source: the input, the ``ConfigurationOverrides`` property, the
    /// environment variable, both of them for ``setting(_:)``, or the name.
    public var description: String {
        switch self {
        case .input(let input): input.rawValue
        case .override(let setting): setting.libraryName
        case .environment(let setting): setting.environmentVariable ?? setting.rawValue
        case .setting(let setting): [setting.libraryName, setting.environmentVariable].compactMap { $0 }.joined(separator: "/")
        case .named(let name): name
        }
    }
}

extension ValueSource {
    /// The library's one rule for whether a value is empty, wherever it comes from: a value is empty when it has
    /// nothing but white space (spaces, tabs, line breaks, or nothing at all): no input, setting or host name is
    /// made of white space, so a blank value is a variable that held nothing (`-U "$UNSET "`), never a value. A
    /// password is the one value where white space can count, and it is never judged by this rule.
    ///
    /// An empty input is refused, never read as "not given" (an empty instance must not mean this host); an empty
    /// setting counts as unset, except where unset would choose the target: an empty ``Setting/instance`` is refused
    /// where it would mean this host, and an empty ``Setting/endpoints`` is refused rather than mean
    /// `http://localhost:3000/api`; an instance key with an empty host name in an answer names no instance. A program
    /// that takes values from its users applies the same rule, so that it refuses what the library would.
    public static func isEmptyValue(_ value: String) -> Bool { value.allSatisfy(\.isWhitespace) }
}

/// A setting of ``ClientConfiguration``, named once for messages: the ``ConfigurationOverrides`` property that gives
/// it and the environment variable the library reads it from.
public enum Setting: String, Sendable, Hashable, CaseIterable {
    case endpoints, credentials, user, password, passwordFile, authHeader
    case timeout, connectTimeout, leaderTimeout, maximumAnswerSize
    case caFile, clientCertificate, clientKey, keyPasswordFile, insecure, noProxy
    /// The trust of an https proxy (curl's `--proxy-cacert` and `--proxy-insecure`): orchestrator's TLS settings
    /// never reach the proxy's certificate.
    case proxyCAFile, proxyInsecure
    /// The instance a command acts on when it is given none (`ORCHESTRATOR_INSTANCE`).
    case instance

    /// The environment variable the library reads it from, if any.
    public var environmentVariable: String? {
        switch self {
        case .endpoints: "ORCHESTRATOR_API"
        case .credentials: nil
        case .user: "ORCHESTRATOR_AUTH_USER"
        case .password: "ORCHESTRATOR_AUTH_PASSWORD"
        case .passwordFile: "ORCHESTRATOR_AUTH_PASSWORD_FILE"
        case .authHeader: "ORCHESTRATOR_AUTH_USER_HEADER"
        case .timeout: "ORCHESTRATOR_TIMEOUT"
        case .connectTimeout: "ORCHESTRATOR_CONNECT_TIMEOUT"
        case .leaderTimeout: "ORCHESTRATOR_LEADER_TIMEOUT"
        case .maximumAnswerSize: "ORCHESTRATOR_MAX_ANSWER_SIZE"
        case .caFile: "ORCHESTRATOR_CA_FILE"
        case .clientCertificate: "ORCHESTRATOR_CLIENT_CERT"
        case .clientKey: "ORCHESTRATOR_CLIENT_KEY"
        case .keyPasswordFile: "ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE"
        case .insecure: "ORCHESTRATOR_INSECURE"
        case .noProxy: "ORCHESTRATOR_NO_PROXY"
        case .proxyCAFile: "ORCHESTRATOR_PROXY_CA_FILE"
        case .proxyInsecure: "ORCHESTRATOR_PROXY_INSECURE"
        case .instance: "ORCHESTRATOR_INSTANCE"
        }
    }

    /// How the library's messages name it: its ``ConfigurationOverrides`` property.
    var libraryName: String { "ConfigurationOverrides." + (overrideName ?? rawValue) }

    /// The ``ConfigurationOverrides`` property that gives it, if any.
    public var overrideName: String? {
        switch self {
        case .endpoints: "api"
        case .credentials, .user: "auth"
        case .password, .instance: nil
        case .passwordFile: "passwordFile"
        case .authHeader: "headersAuth"
        case .timeout: "timeout"
        case .connectTimeout: "connectTimeout"
        case .leaderTimeout: "leaderTimeout"
        case .maximumAnswerSize: "maxAnswerSize"
        case .caFile: "caFile"
        case .clientCertificate: "clientCert"
        case .clientKey: "clientKey"
        case .keyPasswordFile: "clientKeyPasswordFile"
        case .insecure: "insecure"
        case .noProxy: "noProxy"
        case .proxyCAFile: "proxyCAFile"
        case .proxyInsecure: "proxyInsecure"
        }
    }
}
