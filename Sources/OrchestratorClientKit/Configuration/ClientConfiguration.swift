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

    /// These bounds with the whole invocation's cut to what is left of it at this moment, for an invocation whose
    /// bound started at `startedAt` (``Clock/nowMilliseconds()``): work done before its session (this host's
    /// lookup) is bounded by that, so that the whole invocation fits ``totalMilliseconds``.
    package func left(startedAt: UInt64) -> Timeouts {
        var left = self
        let elapsed = Int(clamping: Clock.nowMilliseconds() &- startedAt)
        left.totalMilliseconds = max(1, totalMilliseconds - elapsed)
        return left
    }

    /// Parses `500ms`, `2s`, `1m`, `1h`, `1d` or a bare number of seconds (`1.5`), at most one day.
    public static func parseMilliseconds(_ text: String, source: ValueSource) throws(OrchestratorError) -> Int {
        try DurationText.milliseconds(text, source: source, rule: .timeout)
    }

    /// Parses the longest random delay a caller waits before its first request, so that many hosts started by one
    /// scheduler do not all call at once: whole seconds (`600`) or `10m`, `1h`, at most one day; `0` waits not at all.
    public static func parseDelayMilliseconds(_ text: String, source: ValueSource) throws(OrchestratorError) -> Int {
        try DurationText.milliseconds(text, source: source, rule: .jitter)
    }
}

/// TLS settings for https endpoints and https proxies. Verification against the system trust store is on unless
/// `insecure` (orchestrator) or `proxyInsecure` (the proxy). TLS 1.0 and 1.1 are refused with either (RFC 8996).
public struct TLSOptions: Sendable, Equatable {
    /// A PEM bundle of certificate authorities to trust instead of the system store (and of ``inheritedAuthorities``).
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
    /// The authorities the variables curl reads name (`CURL_CA_BUNDLE`, `SSL_CERT_FILE`, `SSL_CERT_DIR`), used when
    /// ``caFile`` is not given and ``insecure`` is off; see ``InheritedAuthorities``.
    public var inheritedAuthorities: InheritedAuthorities
    /// A PEM bundle of certificate authorities to trust for an https proxy (`https_proxy=https://…`) instead of the
    /// system store: ``caFile`` verifies orchestrator, through the proxy's tunnel, never the proxy.
    public var proxyCAFile: String?
    /// Skip verification of an https proxy's certificate and host name; orchestrator's is still verified.
    public var proxyInsecure: Bool

    /// TLS settings; by default, verification against the system trust store and no client certificate.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, keyPassword: String? = nil,
                insecure: Bool = false, inheritedAuthorities: InheritedAuthorities = InheritedAuthorities(),
                proxyCAFile: String? = nil, proxyInsecure: Bool = false) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.keyPassword = keyPassword
        self.insecure = insecure
        self.inheritedAuthorities = inheritedAuthorities
        self.proxyCAFile = proxyCAFile
        self.proxyInsecure = proxyInsecure
    }

    /// Refuses, before anything is sent, TLS files the client cannot use (the certificate authorities in use included,
    /// whichever setting or variable named them): missing, not regular files, empty or
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
    /// The proxy requests go through, if any: the process environment's proxy variables, as libcurl reads them
    /// (``resolve(_:overrides:)`` takes them from the environment given, and `noProxy` turns them off).
    package var proxy: ProxySettings
    /// The largest answer read, in bytes; a larger one fails (a read as an unreadable answer, a change as "outcome unknown").
    /// Peak memory stays under about twice this plus 20 MiB.
    public var maximumAnswerBytes: Int

    /// The bash client's default endpoint.
    public static let defaultEndpoint = "http://localhost:3000/api"

    /// 512 MiB: orchestrator's largest answers (every instance of a fleet of 100,000) stay below it.
    public static let defaultMaximumAnswerBytes = 512 << 20

    /// A configuration for `endpoints`, with default timeouts and TLS verification unless given.
    public init(endpoints: [Endpoint], credentials: Credentials? = nil, authHeader: String? = nil,
                timeouts: Timeouts = .default, tls: TLSOptions = TLSOptions(),
                maximumAnswerBytes: Int = ClientConfiguration.defaultMaximumAnswerBytes) {
        self.endpoints = endpoints
        self.credentials = credentials
        self.authHeader = authHeader
        self.timeouts = timeouts
        self.tls = tls
        self.proxy = .processEnvironment()
        self.maximumAnswerBytes = maximumAnswerBytes
    }

    /// Parses a size such as `64M`, `512MiB`, `1G` or a number of bytes, from 1 KiB to 4 GiB.
    public static func parseSize(_ text: String, source: ValueSource) throws(OrchestratorError) -> Int {
        var number = Substring(text)
        var scale = 1
        for (suffixes, multiple) in [(["KiB", "K", "k"], 1 << 10), (["MiB", "M", "m"], 1 << 20), (["GiB", "G", "g"], 1 << 30)] {
            if let suffix = suffixes.first(where: { text.hasSuffix($0) }) {
                number = number.dropLast(suffix.count)
                scale = multiple
                break
            }
        }
        guard !number.isEmpty, number.count <= 10, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number),
              value <= (4 << 30) / scale, value * scale >= 1 << 10 else {
            throw .invalidValue(InvalidValue(source: source, value: text, problem: "it is not a size from 1K to 4G",
                                             fix: "give a number of bytes or a number followed by K, M or G (binary), e.g. 64M"))
        }
        return value * scale
    }

    /// Parses an endpoint list as `ORCHESTRATOR_API` holds it: URLs separated by spaces, tabs, line breaks or
    /// commas; duplicates are dropped.
    ///
    /// A word that does not start with `http://` or `https://` is not an endpoint of its own but the rest of the
    /// one before (a password holding a space or a comma): it is joined back, so that such a password is used
    /// whole when it can be (a comma) and refused masked when it cannot (a space), never shown in pieces. An empty
    /// list (``ValueSource/isEmptyValue(_:)``) is refused: set, even to nothing, it never means the default.
    /// `source` names where `text` came from, for messages.
    public static func parseEndpoints(_ text: String, source: ValueSource = "API endpoint list") throws(OrchestratorError) -> [Endpoint] {
        func namesNoEndpoint(_ problem: String) -> OrchestratorError {
            .invalidValue(InvalidValue(source: source, value: text, problem: problem,
                                       fix: "set ORCHESTRATOR_API or ConfigurationOverrides.api to e.g. http://orchestrator:3000/api",
                                       remedy: .give(.endpoints)))
        }
        // `ORCHESTRATOR_API="$UNSET"` names no server; only an unset one means the default.
        if ValueSource.isEmptyValue(text) {
            throw namesNoEndpoint("it is set but empty, which names no endpoint (only an unset one means \(defaultEndpoint))")
        }
        var words: [String] = []
        var separator = ""
        var word = ""
        func endWord() {
            guard !word.isEmpty else { return }
            let lowered = word.lowercased()
            if let last = words.indices.last, !lowered.hasPrefix("http://"), !lowered.hasPrefix("https://") {
                words[last] += separator + word
            } else {
                words.append(word)
            }
            word = ""
            separator = ""
        }
        for character in text {
            if character == " " || character == "\t" || character == "\n" || character == "," || character == "\r\n" || character == "\r" {
                endWord()
                separator.append(character)
            } else {
                if word.isEmpty && words.isEmpty { separator = "" }
                word.append(character)
            }
        }
        endWord()
        var endpoints: [Endpoint] = []
        for word in words {
            let endpoint = try Endpoint(parsing: word)
            if !endpoints.contains(endpoint) { endpoints.append(endpoint) }
        }
        if endpoints.isEmpty { throw namesNoEndpoint("it names no endpoint") }
        return endpoints
    }

    /// The configuration the environment describes, with the bash client's precedence: `apiOverride`
    /// (as ``ConfigurationOverrides/api``), then `ORCHESTRATOR_API`, then `http://localhost:3000/api`.
    public static func fromEnvironment(_ environment: ClientEnvironment, apiOverride: String? = nil) throws(OrchestratorError) -> ClientConfiguration {
        try resolve(environment, overrides: ConfigurationOverrides(api: apiOverride))
    }

    /// The one place where settings meet: `environment` (process environment and profile file), then
    /// `overrides` (a program's own settings, the command line's flags) on top, each value validated where it is read.
    public static func resolve(_ environment: ClientEnvironment, overrides: ConfigurationOverrides) throws(OrchestratorError) -> ClientConfiguration {
        // A profile line that sets a variable the client reads, and that the client cannot read as bash would, stops
        // here: guessing could send requests, and credentials, to the wrong server.
        try environment.checkNotices()
        var hostNameBound = Timeouts.default.connectMilliseconds
        func raw(_ name: String) throws(OrchestratorError) -> String? { try environment.value(name, hostNameWithin: hostNameBound) }
        func setting(_ name: String) throws(OrchestratorError) -> String? { try raw(name).flatMap { ValueSource.isEmptyValue($0) ? nil : $0 } }
        func duration(_ given: String?, _ which: Setting) throws(OrchestratorError) -> Int? {
            if let given { return try Timeouts.parseMilliseconds(given, source: .override(which)) }
            if let value = try setting(which.environmentVariable!) {
                return try Timeouts.parseMilliseconds(value, source: .environment(which))
            }
            return nil
        }
        // The bounds first: a `$(hostname -f)` in another setting is looked up within them.
        var timeouts = Timeouts.default
        if let value = try duration(overrides.connectTimeout, .connectTimeout) {
            timeouts.connectMilliseconds = value
        }
        if let value = try duration(overrides.leaderTimeout, .leaderTimeout) {
            timeouts.leaderProbeMilliseconds = value
        }
        if let value = try duration(overrides.timeout, .timeout) {
            timeouts.totalMilliseconds = value
        }
        hostNameBound = timeouts.hostNameMilliseconds

        let endpoints: [Endpoint]
        if let api = overrides.api {
            endpoints = try parseEndpoints(api, source: .override(.endpoints))
        } else if let api = try raw("ORCHESTRATOR_API") {
            endpoints = try parseEndpoints(api, source: .environment(.endpoints))
        } else {
            endpoints = try parseEndpoints(defaultEndpoint)
        }
        var configuration = ClientConfiguration(endpoints: endpoints, timeouts: timeouts)
        var proxyVariables: [String: String] = [:]
        for name in ProxySettings.variableNames { proxyVariables[name] = try raw(name) }
        let noProxySetting = (try raw("ORCHESTRATOR_NO_PROXY") ?? "").lowercased()
        configuration.proxy = ProxySettings(environment: proxyVariables,
                                            disabled: overrides.noProxy || ["1", "true", "yes"].contains(noProxySetting))
        try configuration.proxy.checkUsable(for: configuration.endpoints)
        if let size = overrides.maxAnswerSize {
            configuration.maximumAnswerBytes = try parseSize(size, source: .override(.maximumAnswerSize))
        } else if let size = try setting("ORCHESTRATOR_MAX_ANSWER_SIZE") {
            configuration.maximumAnswerBytes = try parseSize(size, source: .environment(.maximumAnswerSize))
        }

        let userSetting = try setting("ORCHESTRATOR_AUTH_USER")
        let user = overrides.auth.flatMap { ValueSource.isEmptyValue($0) ? nil : $0 } ?? userSetting
        if let file = overrides.passwordFile {
            guard let user, !user.contains(":") else {
                throw .input(.userNeededForPasswordFile)
            }
            configuration.credentials = Credentials(user: user, password: try SecretFile.read(path: file, source: .override(.passwordFile)))
        } else if let auth = overrides.auth, !ValueSource.isEmptyValue(auth) {
            configuration.credentials = try Credentials(parsing: auth)
        } else if let user {
            let password: String
            if let file = try setting("ORCHESTRATOR_AUTH_PASSWORD_FILE") {
                password = try SecretFile.read(path: file, source: .environment(.passwordFile))
            } else {
                password = try raw("ORCHESTRATOR_AUTH_PASSWORD") ?? ""
            }
            configuration.credentials = Credentials(user: user, password: password)
        }
        try configuration.credentials?.checkSendable(source: overrides.auth.map(ValueSource.isEmptyValue) == false
                                                     ? .override(.credentials) : .environment(.user))
        for endpoint in configuration.endpoints { try endpoint.credentials?.checkSendable(source: "API endpoint credentials") }

        if let header = overrides.headersAuth.flatMap({ ValueSource.isEmptyValue($0) ? nil : $0 }) {
            configuration.authHeader = try validatedHeader(header, source: .override(.authHeader))
        } else if let header = try setting("ORCHESTRATOR_AUTH_USER_HEADER") {
            configuration.authHeader = try validatedHeader(header, source: .environment(.authHeader))
        }

        func file(_ flag: String?, _ variable: String) throws(OrchestratorError) -> String? {
            if let flag { return flag }
            return try setting(variable)
        }
        configuration.tls.caFile = try file(overrides.caFile, "ORCHESTRATOR_CA_FILE")
        configuration.tls.certificateFile = try file(overrides.clientCert, "ORCHESTRATOR_CLIENT_CERT")
        configuration.tls.keyFile = try file(overrides.clientKey, "ORCHESTRATOR_CLIENT_KEY")
        if let file = overrides.clientKeyPasswordFile {
            configuration.tls.keyPassword = try SecretFile.read(path: file, source: .override(.keyPasswordFile), what: "the key's pass phrase")
        } else if let file = try setting("ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE") {
            configuration.tls.keyPassword = try SecretFile.read(path: file, source: .environment(.keyPasswordFile),
                                                                what: "the key's pass phrase")
        }
        func isOn(_ given: Bool, _ which: Setting) throws(OrchestratorError) -> Bool {
            let value = try raw(which.environmentVariable!) ?? ""
            return given || ["1", "true", "yes"].contains(value.lowercased())
        }
        configuration.tls.insecure = try isOn(overrides.insecure, .insecure)
        // As curl's tool: the variables only when no CA file is given and verification is on.
        if configuration.tls.caFile == nil && !configuration.tls.insecure {
            configuration.tls.inheritedAuthorities = try InheritedAuthorities(reading: setting).used(by: configuration)
        }
        configuration.tls.proxyCAFile = try file(overrides.proxyCAFile, Setting.proxyCAFile.environmentVariable!)
        configuration.tls.proxyInsecure = try isOn(overrides.proxyInsecure, .proxyInsecure)
        return configuration
    }

    /// Settings of the environment that are set but have no effect, for a warning: a password without a user is
    /// sent nowhere (``Setting/password`` and ``Setting/passwordFile``, when neither ``Setting/user`` nor
    /// ``ConfigurationOverrides/auth`` is given).
    public static func ignoredSettings(_ environment: ClientEnvironment, overrides: ConfigurationOverrides) -> [Setting] {
        func isSet(_ setting: Setting) -> Bool { !ValueSource.isEmptyValue(environment[setting.environmentVariable!] ?? "") }
        guard overrides.auth == nil, !isSet(.user) else { return [] }
        return [Setting.password, .passwordFile].filter(isSet)
    }

    /// Checks a `Name: value` header: no line breaks (which would inject headers), a non-empty name, a value that is
    /// not empty (``ValueSource/isEmptyValue(_:)``): libcurl sends no header at all for `Name:` alone, so
    /// `X-Forwarded-User: $USER` with `USER` unset would go out without the user it was meant to name.
    public static func validatedHeader(_ text: String, source: ValueSource) throws(OrchestratorError) -> String {
        try ValueRules.noControlCharacters(text, source: source)
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
              !text[..<colon].contains(where: { $0 == " " }) else {
            throw .invalidValue(InvalidValue(source: source, value: text, problem: "it is not a header",
                                             fix: "write Header-Name: value, e.g. X-Forwarded-User: alice"))
        }
        if ValueSource.isEmptyValue(String(text[text.index(after: colon)...])) {
            throw .invalidValue(InvalidValue(source: source, value: text, problem: "its value is empty, and libcurl would send no header at all",
                                             fix: "give the value after the ':', e.g. X-Forwarded-User: alice"))
        }
        return text
    }
}

/// Settings a program gives (the command line: its flags), which take precedence over the environment.
/// `nil` means "not given"; values are validated by ``ClientConfiguration/resolve(_:overrides:)``.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// Endpoint(s), space-separated, as ``Setting/endpoints``.
    public var api: String?
    /// Basic-auth credentials: `user:password`, or the user alone with ``passwordFile``.
    public var auth: String?
    /// A file (mode 600) holding the password.
    public var passwordFile: String?
    /// A header naming the user for an authenticating proxy: `Header: user`.
    public var headersAuth: String?
    /// The whole operation's, each connection's and each leader probe's bound: durations such as `2s`.
    public var timeout: String?, connectTimeout: String?, leaderTimeout: String?
    /// The certificate authorities to trust, the client certificate and its key: PEM files.
    public var caFile: String?, clientCert: String?, clientKey: String?
    /// A file (mode 600) holding the pass phrase of an encrypted ``clientKey``.
    public var clientKeyPasswordFile: String?
    /// Skip TLS verification.
    public var insecure: Bool
    /// The certificate authorities to trust for an https proxy (PEM), as ``TLSOptions/proxyCAFile``.
    public var proxyCAFile: String?
    /// Skip the verification of an https proxy's certificate, as ``TLSOptions/proxyInsecure``.
    public var proxyInsecure: Bool
    /// Never use a proxy, whatever `http_proxy` and the like say.
    public var noProxy: Bool
    /// The largest answer read, e.g. `64M`.
    public var maxAnswerSize: String?

    /// Nothing overridden unless given.
    public init(api: String? = nil, auth: String? = nil, passwordFile: String? = nil, headersAuth: String? = nil,
                timeout: String? = nil, connectTimeout: String? = nil, leaderTimeout: String? = nil,
                caFile: String? = nil, clientCert: String? = nil, clientKey: String? = nil, clientKeyPasswordFile: String? = nil,
                insecure: Bool = false, noProxy: Bool = false, maxAnswerSize: String? = nil,
                proxyCAFile: String? = nil, proxyInsecure: Bool = false) {
        self.proxyCAFile = proxyCAFile
        self.proxyInsecure = proxyInsecure
        self.noProxy = noProxy
        self.maxAnswerSize = maxAnswerSize
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
