#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an invocation printed and how it ended.
public struct ToolResult: Sendable, Equatable {
    /// The exit status (see ``OrchestratorError/ExitStatus``).
    public var exitStatus: Int32
    /// Text for standard output.
    public var standardOutput: String
    /// Text for standard error.
    public var standardError: String

    /// A result with the given status and texts.
    public init(exitStatus: Int32, standardOutput: String = "", standardError: String = "") {
        self.exitStatus = exitStatus
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Writes both texts to file descriptors 1 and 2, whole, and returns the exit status to end with.
    public func emit() -> Int32 {
        Self.writeAll(standardOutput, to: 1)
        Self.writeAll(standardError, to: 2)
        return exitStatus
    }

    static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 { offset += written } else if errno != EINTR { return }
            }
        }
    }
}

/// The `orchestrator-client` command line: parses arguments, validates every value, talks to the API through
/// ``OrchestratorSession`` and formats the answer as the bash client did.
public struct CommandLineTool {
    /// The name used in messages.
    public static let programName = "orchestrator-client"

    let environment: ClientEnvironment
    let sender: HTTPSending?
    let thisHost: () -> String?

    /// A tool reading `environment`; `sender` replaces libcurl (tests), `thisHost` the host name lookup.
    public init(environment: ClientEnvironment, sender: HTTPSending? = nil,
                thisHost: @escaping () -> String? = HostIdentity.fullyQualifiedName) {
        self.environment = environment
        self.sender = sender
        self.thisHost = thisHost
    }

    /// Runs one invocation with `arguments` (without the program name).
    public func run(_ arguments: [String]) -> ToolResult {
        do {
            return try execute(arguments)
        } catch let error {
            return Self.failure(error)
        }
    }

    static func failure(_ error: OrchestratorError) -> ToolResult {
        switch error {
        case .answeredNo:
            return ToolResult(exitStatus: error.exitStatus)
        case .apiFailure(let failure):
            // The server's message alone, as the bash client printed it; its Details, if any, on stdout.
            let output = failure.details.map { JSONPrinter.render($0, style: .inline) + "\n" } ?? ""
            return ToolResult(exitStatus: error.exitStatus, standardOutput: output, standardError: failure.message + "\n")
        default:
            return ToolResult(exitStatus: error.exitStatus, standardError: "\(programName): \(error.message)\n")
        }
    }

    private func execute(_ arguments: [String]) throws(OrchestratorError) -> ToolResult {
        if arguments.first == "--generate-files" { return try GeneratedFiles.write(to: arguments.dropFirst().first ?? ".") }
        let parsed = try ArgumentParser.parse(arguments)
        if parsed.has(.version) {
            // issue 11: the only path besides a request that loads libcurl, to name it (ClientVersion.versionLine).
            return ToolResult(exitStatus: 0, standardOutput: ClientVersion.versionLine(program: Self.programName) + "\n")
        }
        let commandName = parsed[.command] ?? (parsed.positional.first == "help" ? "help" : nil)
        if parsed.has(.help) || commandName == "help" {
            return ToolResult(exitStatus: 0, standardOutput: try helpText(parsed))
        }
        if let extra = parsed.positional.first {
            throw .usage("unexpected argument \"\(extra)\"; flags take the form -i value or --instance=value")
        }
        guard let commandName, !commandName.isEmpty else {
            throw .usage("no command given; use \(Self.programName) -c <command> [flags], or --help for the list")
        }
        guard let spec = CommandTable.find(commandName) else {
            throw .usage(CommandTable.unknownCommandMessage(commandName) + " (see \(Self.programName) --help)")
        }
        return try runCommand(spec, parsed)
    }

    private func helpText(_ parsed: ParsedArguments) throws(OrchestratorError) -> String {
        let topic = parsed.positional.dropFirst(parsed.positional.first == "help" ? 1 : 0).first
            ?? (parsed[.command].flatMap { $0 == "help" ? nil : $0 })
            ?? (parsed[.command] == "help" ? parsed[.instance] : nil)
        guard let topic else { return HelpText.overview() }
        guard let spec = CommandTable.find(topic) else { throw .usage(CommandTable.unknownCommandMessage(topic)) }
        return HelpText.command(spec)
    }

    /// The configuration from the environment, overridden by command-line flags.
    func configuration(_ parsed: ParsedArguments) throws(OrchestratorError) -> ClientConfiguration {
        var configuration = try ClientConfiguration.fromEnvironment(environment, apiOverride: parsed[.api])
        if let passwordFile = parsed[.passwordFile] {
            let user = parsed[.auth] ?? environment["ORCHESTRATOR_AUTH_USER"] ?? ""
            guard !user.isEmpty, !user.contains(":") else {
                throw .usage("--password-file needs the user name alone, from -b/--auth <user> or ORCHESTRATOR_AUTH_USER")
            }
            configuration.credentials = Credentials(user: user,
                                                    password: try SecretFile.read(path: passwordFile, source: "--password-file"))
        } else if let auth = parsed[.auth], !auth.isEmpty {
            configuration.credentials = try Credentials(parsing: auth)
        }
        if let header = parsed[.headersAuth], !header.isEmpty {
            configuration.authHeader = try ClientConfiguration.validatedHeader(header, source: "-e/--headers-auth")
        }
        if let value = parsed[.timeout] {
            configuration.timeouts.totalMilliseconds = try Timeouts.parseMilliseconds(value, source: "--timeout")
        }
        if let value = parsed[.connectTimeout] {
            configuration.timeouts.connectMilliseconds = try Timeouts.parseMilliseconds(value, source: "--connect-timeout")
        }
        if let value = parsed[.leaderTimeout] {
            configuration.timeouts.leaderProbeMilliseconds = try Timeouts.parseMilliseconds(value, source: "--leader-timeout")
        }
        if let file = parsed[.caFile] { configuration.tls.caFile = file }
        if let file = parsed[.clientCert] { configuration.tls.certificateFile = file }
        if let file = parsed[.clientKey] { configuration.tls.keyFile = file }
        if parsed.has(.insecure) { configuration.tls.insecure = true }
        try configuration.tls.checkFilesReadable()
        return configuration
    }

    private func runCommand(_ spec: CommandSpec, _ parsed: ParsedArguments) throws(OrchestratorError) -> ToolResult {
        let configuration = try configuration(parsed)
        let resolver = ValueResolver(spec: spec, arguments: parsed, environment: environment,
                                     defaultPort: try ValueRules.defaultPort(parsed[.defaultPort]), thisHost: thisHost)
        // Everything is validated before anything is sent, --dry-run included.
        let path: APIPath?
        switch spec.name {
        case "api":
            guard let raw = parsed[.path], !raw.isEmpty else { throw .usage("-c api needs -P/--path <api path>") }
            path = try APIPath(validating: raw)
        case "which-api", "help":
            path = nil
        default:
            if let template = spec.template {
                path = template.render(try resolver.resolve(template))
            } else {
                path = nil
            }
        }
        let requested = spec.output.needsRequestedInstance ? try resolver.requestedInstance() : nil
        let jitter = try parsed[.jitter].map { text throws(OrchestratorError) in try Self.jitterSeconds(text) }

        if parsed.has(.dryRun) {
            return ToolResult(exitStatus: 0, standardOutput: DryRun.describe(spec: spec, path: path, configuration: configuration))
        }
        if let jitter, jitter > 0 { Self.sleepRandomly(upTo: jitter) }

        let session = OrchestratorSession(configuration: configuration, sender: sender)
        var output: String
        if spec.name == "which-api" {
            output = try session.leaderEndpoint().url + "\n"
        } else if let path {
            if spec.precheck == .raftLeader { try Self.confirmRaftLeader(session) }
            let answer: APIAnswer
            do {
                answer = try session.get(path, safety: spec.safety)
            } catch .apiFailure(let failure) where spec.name == "api" && failure.answer != nil {
                return ToolResult(exitStatus: OrchestratorError.ExitStatus.apiFailure,
                                  standardOutput: JSONPrinter.render(failure.answer!, style: .pretty) + "\n",
                                  standardError: failure.message + "\n")
            }
            if spec.name == "api" || parsed.has(.json) {
                output = JSONPrinter.render(answer.json, style: .pretty) + "\n"
            } else {
                output = try OutputFormatter.render(spec.output, answer: answer.json, requested: requested)
            }
        } else {
            output = ""
        }
        if parsed.has(.quiet) { output = "" }
        return ToolResult(exitStatus: 0, standardOutput: output)
    }

    static func confirmRaftLeader(_ session: OrchestratorSession) throws(OrchestratorError) {
        let state = try session.get(APIPath(segments: ["raft-state"]), safety: .readOnly)
        guard let text = state.json.stringValue, text.contains("Leader") else {
            throw .apiFailure(APIFailure(endpoint: state.endpoint.url, status: state.status,
                                         message: "Cannot determine raft state: \(state.endpoint.url) answered raft-state "
                                             + JSONPrinter.render(state.json, style: .inline),
                                         details: nil))
        }
    }

    static func jitterSeconds(_ text: String) throws(OrchestratorError) -> Int {
        guard let seconds = Int(text), seconds >= 0, seconds <= 86_400 else {
            throw .invalidValue(InvalidValue(source: "--jitter", value: text, problem: "it is not a whole number of seconds",
                                             fix: "give e.g. --jitter 600 to wait up to ten minutes"))
        }
        return seconds
    }

    static func sleepRandomly(upTo seconds: Int) {
        var generator = SystemRandomNumberGenerator()
        OrchestratorSession.sleep(milliseconds: Int.random(in: 0...(seconds * 1000), using: &generator))
    }
}

extension OutputRule {
    var needsRequestedInstance: Bool {
        if case .requestedInstance = self { return true }
        return false
    }
}
