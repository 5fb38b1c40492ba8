/// Bounds on how long the client waits. Every request is bounded; nothing waits forever.
public struct Timeouts: Sendable, Equatable {
    /// Longest wait for a TCP (and TLS) connection to be established.
    public var connectMilliseconds: Int
    /// Longest wait for one endpoint's answer to `leader-check` / `routed-leader-check`.
    public var leaderProbeMilliseconds: Int
    /// Longest the whole operation may take, retries and leader detection included.
    public var totalMilliseconds: Int

    /// 3 s to connect, 1 s per leader probe (as the bash client), 60 s in all.
    public static let `default` = Timeouts(connectMilliseconds: 3_000, leaderProbeMilliseconds: 1_000, totalMilliseconds: 60_000)

    /// Bounds in milliseconds.
    public init(connectMilliseconds: Int, leaderProbeMilliseconds: Int, totalMilliseconds: Int) {
        self.connectMilliseconds = connectMilliseconds
        self.leaderProbeMilliseconds = leaderProbeMilliseconds
        self.totalMilliseconds = totalMilliseconds
    }

    /// The bound on looking up this host's name: a connection's, within the whole invocation's.
    public var hostNameMilliseconds: Int { max(1, min(connectMilliseconds, totalMilliseconds)) }

    /// Parses `500ms`, `2s`, `1m` or a bare number of seconds (`1.5`).
    public static func parseMilliseconds(_ text: String, source: String) throws(OrchestratorError) -> Int {
        var number = Substring(text)
        var scale = 1000.0
        if number.hasSuffix("ms") { number = number.dropLast(2); scale = 1 }
        else if number.hasSuffix("s") { number = number.dropLast() }
        else if number.hasSuffix("m") { number = number.dropLast(); scale = 60_000 }
        guard let value = Double(number), value > 0, value <= 86_400, number.allSatisfy({ $0.isNumber || $0 == "." }) else {
            throw .invalidValue(InvalidValue(source: source, value: text, problem: "it is not a positive duration",
                                             fix: "give e.g. 500ms, 2s, 1.5 (seconds) or 1m"))
        }
        return max(1, Int(value * scale))
    }
}

/// TLS settings for https endpoints. Verification against the system trust store is on unless `insecure`.
public struct TLSOptions: Sendable, Equatable {
    /// A PEM bundle of certificate authorities to trust instead of the system store.
    public var caFile: String?
    /// A client certificate (PEM) for orchestrator's mutual TLS.
    public var certificateFile: String?
    /// The client certificate's private key (PEM).
    public var keyFile: String?
    /// The pass phrase of an encrypted ``keyFile``; never printed. Without it, an encrypted key is refused
    /// before anything is sent: the TLS library is never allowed to ask for one on the terminal or read standard input.
    public var keyPassword: String?
    /// Skip certificate and host name verification. Only when explicitly asked for.
    public var insecure: Bool

    /// TLS settings; by default, verification against the system trust store and no client certificate.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, keyPassword: String? = nil,
                insecure: Bool = false) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.keyPassword = keyPassword
        self.insecure = insecure
    }

    /// Refuses, before anything is sent, TLS files the client cannot use: missing, not regular files, empty or
    /// without the PEM blocks they must hold, a certificate without its key (or a key without a certificate), an
    /// encrypted key without its pass phrase, a key others can read. See ``checkFiles()``.
    public func checkFilesReadable() throws(OrchestratorError) {
        try checkFiles()
    }
}

/// Where the API is and how to talk to it.
public struct ClientConfiguration: Sendable, Equatable {
    /// The API endpoints; with more than one, the raft leader among them is found and used.
    public var endpoints: [Endpoint]
    /// Basic-auth credentials; when `nil`, credentials written in an endpoint's URL are used.
    public var credentials: Credentials?
    /// A header (`Name: value`) for orchestrator behind an authenticating proxy (`AuthUserHeader`).
    public var authHeader: String?
    /// Timeouts for connections, leader probes and the whole operation.
    public var timeouts: Timeouts
    /// TLS verification and client certificates.
    public var tls: TLSOptions

    /// The bash client's default endpoint.
    public static let defaultEndpoint = "http://localhost:3000/api"

    /// A configuration for `endpoints`, with default timeouts and TLS verification unless given.
    public init(endpoints: [Endpoint], credentials: Credentials? = nil, authHeader: String? = nil,
                timeouts: Timeouts = .default, tls: TLSOptions = TLSOptions()) {
        self.endpoints = endpoints
        self.credentials = credentials
        self.authHeader = authHeader
        self.timeouts = timeouts
        self.tls = tls
    }

    /// Parses a whitespace-separated endpoint list as `ORCHESTRATOR_API` holds it; duplicates are dropped.
    public static func parseEndpoints(_ text: String) throws(OrchestratorError) -> [Endpoint] {
        var endpoints: [Endpoint] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            let endpoint = try Endpoint(parsing: String(word))
            if !endpoints.contains(endpoint) { endpoints.append(endpoint) }
        }
        if endpoints.isEmpty {
            throw .invalidValue(InvalidValue(source: "API endpoint list", value: text, problem: "it names no endpoint",
                                             fix: "set ORCHESTRATOR_API or -U/--api to e.g. http://orchestrator:3000/api"))
        }
        return endpoints
    }

    /// The configuration the environment describes, with the bash client's precedence: `apiOverride`
    /// (`-U/--api`), then `ORCHESTRATOR_API`, then `http://localhost:3000/api`.
    public static func fromEnvironment(_ environment: ClientEnvironment, apiOverride: String? = nil) throws(OrchestratorError) -> ClientConfiguration {
        try resolve(environment, overrides: ConfigurationOverrides(api: apiOverride))
    }

    /// The one place where settings meet: `environment` (process environment and profile file), then
    /// `overrides` (the command line's flags) on top, each value validated where it is read.
    public static func resolve(_ environment: ClientEnvironment, overrides: ConfigurationOverrides) throws(OrchestratorError) -> ClientConfiguration {
        // A profile line that sets a variable the client reads, and that the client cannot read as bash would, stops
        // here: guessing could send requests, and credentials, to the wrong server.
        try environment.checkNotices()
        var hostNameBound = Timeouts.default.connectMilliseconds
        func raw(_ name: String) throws(OrchestratorError) -> String? { try environment.value(name, hostNameWithin: hostNameBound) }
        func setting(_ name: String) throws(OrchestratorError) -> String? { try raw(name).flatMap { $0.isEmpty ? nil : $0 } }
        func duration(_ flag: String?, _ flagName: String, _ variable: String) throws(OrchestratorError) -> Int? {
            if let flag { return try Timeouts.parseMilliseconds(flag, source: flagName) }
            if let value = try setting(variable) { return try Timeouts.parseMilliseconds(value, source: variable) }
            return nil
        }
        // The bounds first: a `$(hostname -f)` in another setting is looked up within them.
        var timeouts = Timeouts.default
        if let value = try duration(overrides.connectTimeout, "--connect-timeout", "ORCHESTRATOR_CONNECT_TIMEOUT") {
            timeouts.connectMilliseconds = value
        }
        if let value = try duration(overrides.leaderTimeout, "--leader-timeout", "ORCHESTRATOR_LEADER_TIMEOUT") {
            timeouts.leaderProbeMilliseconds = value
        }
        if let value = try duration(overrides.timeout, "--timeout", "ORCHESTRATOR_TIMEOUT") {
            timeouts.totalMilliseconds = value
        }
        hostNameBound = timeouts.hostNameMilliseconds

        let fromEnvironment = try raw("ORCHESTRATOR_API")
        let api = [overrides.api, fromEnvironment].compactMap { $0 }.first(where: { !$0.allSatisfy(\.isWhitespace) }) ?? defaultEndpoint
        var configuration = ClientConfiguration(endpoints: try parseEndpoints(api), timeouts: timeouts)

        let userSetting = try setting("ORCHESTRATOR_AUTH_USER")
        let user = overrides.auth.flatMap { $0.isEmpty ? nil : $0 } ?? userSetting
        if let file = overrides.passwordFile {
            guard let user, !user.contains(":") else {
                throw .usage("--password-file needs the user name alone, from -b/--auth <user> or ORCHESTRATOR_AUTH_USER")
            }
            configuration.credentials = Credentials(user: user, password: try SecretFile.read(path: file, source: "--password-file"))
        } else if let auth = overrides.auth, !auth.isEmpty {
            configuration.credentials = try Credentials(parsing: auth)
        } else if let user {
            let password: String
            if let file = try setting("ORCHESTRATOR_AUTH_PASSWORD_FILE") {
                password = try SecretFile.read(path: file, source: "ORCHESTRATOR_AUTH_PASSWORD_FILE")
            } else {
                password = try raw("ORCHESTRATOR_AUTH_PASSWORD") ?? ""
            }
            configuration.credentials = Credentials(user: user, password: password)
        }
        try configuration.credentials?.checkSendable()
        for endpoint in configuration.endpoints { try endpoint.credentials?.checkSendable(source: "the credentials in an endpoint URL") }

        if let header = overrides.headersAuth.flatMap({ $0.isEmpty ? nil : $0 }) {
            configuration.authHeader = try validatedHeader(header, source: "-e/--headers-auth")
        } else if let header = try setting("ORCHESTRATOR_AUTH_USER_HEADER") {
            configuration.authHeader = try validatedHeader(header, source: "ORCHESTRATOR_AUTH_USER_HEADER")
        }

        func file(_ flag: String?, _ variable: String) throws(OrchestratorError) -> String? {
            if let flag { return flag }
            return try setting(variable)
        }
        configuration.tls.caFile = try file(overrides.caFile, "ORCHESTRATOR_CA_FILE")
        configuration.tls.certificateFile = try file(overrides.clientCert, "ORCHESTRATOR_CLIENT_CERT")
        configuration.tls.keyFile = try file(overrides.clientKey, "ORCHESTRATOR_CLIENT_KEY")
        if let file = overrides.clientKeyPasswordFile {
            configuration.tls.keyPassword = try SecretFile.read(path: file, source: "--key-password-file", what: "the key's pass phrase")
        } else if let file = try setting("ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE") {
            configuration.tls.keyPassword = try SecretFile.read(path: file, source: "ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE",
                                                                what: "the key's pass phrase")
        }
        let insecureSetting = try raw("ORCHESTRATOR_INSECURE") ?? ""
        configuration.tls.insecure = overrides.insecure || ["1", "true", "yes"].contains(insecureSetting.lowercased())
        return configuration
    }

    /// Checks a `Name: value` header: no line breaks (which would inject headers), a non-empty name.
    public static func validatedHeader(_ text: String, source: String) throws(OrchestratorError) -> String {
        try ValueRules.noControlCharacters(text, source: source)
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
              !text[..<colon].contains(where: { $0 == " " }) else {
            throw .invalidValue(InvalidValue(source: source, value: text, problem: "it is not a header",
                                             fix: "write Header-Name: value, e.g. X-Forwarded-User: alice"))
        }
        return text
    }
}

/// Settings given on the command line (or by a program), which take precedence over the environment.
/// `nil` means "not given"; values are validated by ``ClientConfiguration/resolve(_:overrides:)``.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `-U/--api`: endpoint(s), space-separated.
    public var api: String?
    /// `-b/--auth`: `user:password`, or the user alone with ``passwordFile``.
    public var auth: String?
    /// `--password-file`: a file (mode 600) holding the password.
    public var passwordFile: String?
    /// `-e/--headers-auth`: `Header: user`.
    public var headersAuth: String?
    /// `--timeout`, `--connect-timeout`, `--leader-timeout`: durations such as `2s`.
    public var timeout: String?, connectTimeout: String?, leaderTimeout: String?
    /// `--ca-file`, `--cert`, `--key`: PEM files.
    public var caFile: String?, clientCert: String?, clientKey: String?
    /// `--key-password-file`: a file (mode 600) holding the pass phrase of an encrypted `--key`.
    public var clientKeyPasswordFile: String?
    /// `--insecure`: skip TLS verification.
    public var insecure: Bool

    /// Nothing overridden unless given.
    public init(api: String? = nil, auth: String? = nil, passwordFile: String? = nil, headersAuth: String? = nil,
                timeout: String? = nil, connectTimeout: String? = nil, leaderTimeout: String? = nil,
                caFile: String? = nil, clientCert: String? = nil, clientKey: String? = nil, clientKeyPasswordFile: String? = nil,
                insecure: Bool = false) {
        self.api = api
        self.auth = auth
        self.passwordFile = passwordFile
        self.headersAuth = headersAuth
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.leaderTimeout = leaderTimeout
        self.caFile = caFile
        self.clientCert = clientCert
        self.clientKey = clientKey
        self.clientKeyPasswordFile = clientKeyPasswordFile
        self.insecure = insecure
    }
}
