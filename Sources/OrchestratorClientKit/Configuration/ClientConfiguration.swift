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
    /// Skip certificate and host name verification. Only when explicitly asked for.
    public var insecure: Bool

    /// TLS settings; by default, verification against the system trust store and no client certificate.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.insecure = insecure
    }

    /// Refuses, before anything is sent, a CA file, certificate or key that cannot be read.
    public func checkFilesReadable() throws(OrchestratorError) {
        let files = [("--ca-file/ORCHESTRATOR_CA_FILE", caFile), ("--cert/ORCHESTRATOR_CLIENT_CERT", certificateFile),
                     ("--key/ORCHESTRATOR_CLIENT_KEY", keyFile)]
        for case let (source, path?) in files where access(path, R_OK) != 0 {
            throw .invalidValue(InvalidValue(source: source, value: path, problem: "the file does not exist or cannot be read",
                                             fix: "give the path of a readable PEM file"))
        }
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
        func setting(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let api = [overrides.api, environment["ORCHESTRATOR_API"]].compactMap { $0 }
            .first(where: { !$0.allSatisfy(\.isWhitespace) }) ?? defaultEndpoint
        var configuration = ClientConfiguration(endpoints: try parseEndpoints(api))

        let user = overrides.auth.flatMap { $0.isEmpty ? nil : $0 } ?? setting("ORCHESTRATOR_AUTH_USER")
        if let file = overrides.passwordFile {
            guard let user, !user.contains(":") else {
                throw .usage("--password-file needs the user name alone, from -b/--auth <user> or ORCHESTRATOR_AUTH_USER")
            }
            configuration.credentials = Credentials(user: user, password: try SecretFile.read(path: file, source: "--password-file"))
        } else if let auth = overrides.auth, !auth.isEmpty {
            configuration.credentials = try Credentials(parsing: auth)
        } else if let user {
            let password: String
            if let file = setting("ORCHESTRATOR_AUTH_PASSWORD_FILE") {
                password = try SecretFile.read(path: file, source: "ORCHESTRATOR_AUTH_PASSWORD_FILE")
            } else {
                password = environment["ORCHESTRATOR_AUTH_PASSWORD"] ?? ""
            }
            configuration.credentials = Credentials(user: user, password: password)
        }

        if let header = overrides.headersAuth.flatMap({ $0.isEmpty ? nil : $0 }) {
            configuration.authHeader = try validatedHeader(header, source: "-e/--headers-auth")
        } else if let header = setting("ORCHESTRATOR_AUTH_USER_HEADER") {
            configuration.authHeader = try validatedHeader(header, source: "ORCHESTRATOR_AUTH_USER_HEADER")
        }

        func duration(_ flag: String?, _ flagName: String, _ variable: String) throws(OrchestratorError) -> Int? {
            if let flag { return try Timeouts.parseMilliseconds(flag, source: flagName) }
            if let value = setting(variable) { return try Timeouts.parseMilliseconds(value, source: variable) }
            return nil
        }
        if let value = try duration(overrides.connectTimeout, "--connect-timeout", "ORCHESTRATOR_CONNECT_TIMEOUT") {
            configuration.timeouts.connectMilliseconds = value
        }
        if let value = try duration(overrides.leaderTimeout, "--leader-timeout", "ORCHESTRATOR_LEADER_TIMEOUT") {
            configuration.timeouts.leaderProbeMilliseconds = value
        }
        if let value = try duration(overrides.timeout, "--timeout", "ORCHESTRATOR_TIMEOUT") {
            configuration.timeouts.totalMilliseconds = value
        }

        configuration.tls.caFile = overrides.caFile ?? setting("ORCHESTRATOR_CA_FILE")
        configuration.tls.certificateFile = overrides.clientCert ?? setting("ORCHESTRATOR_CLIENT_CERT")
        configuration.tls.keyFile = overrides.clientKey ?? setting("ORCHESTRATOR_CLIENT_KEY")
        configuration.tls.insecure = overrides.insecure
            || ["1", "true", "yes"].contains((environment["ORCHESTRATOR_INSECURE"] ?? "").lowercased())
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
    /// `--insecure`: skip TLS verification.
    public var insecure: Bool

    /// Nothing overridden unless given.
    public init(api: String? = nil, auth: String? = nil, passwordFile: String? = nil, headersAuth: String? = nil,
                timeout: String? = nil, connectTimeout: String? = nil, leaderTimeout: String? = nil,
                caFile: String? = nil, clientCert: String? = nil, clientKey: String? = nil, insecure: Bool = false) {
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
        self.insecure = insecure
    }
}
