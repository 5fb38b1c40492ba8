import OrchestratorClientKit

/// The `orchestrator-client` command line: parses arguments, validates every value, talks to the API through
/// ``OrchestratorSession`` and formats the answer as the bash client did.
package struct CommandLineTool {
    /// The name used in messages.
    package static let programName = "orchestrator-client"

    let environment: ClientEnvironment
    let sender: HTTPSending?
    let thisHost: () -> String?

    /// A tool reading `environment`; `sender` replaces libcurl (tests), `thisHost` the host name lookup.
    package init(environment: ClientEnvironment, sender: HTTPSending? = nil,
                 thisHost: @escaping () -> String? = HostIdentity.fullyQualifiedName) {
        self.environment = environment
        self.sender = sender
        self.thisHost = thisHost
    }

    /// Runs one invocation with `arguments` (without the program name).
    package func run(_ arguments: [String]) -> ToolResult {
        do {
            return try execute(arguments)
        } catch let error {
            return Self.failure(error)
        }
    }

    static func failure(_ error: OrchestratorError) -> ToolResult {
        let status = ExitStatus.of(error)
        if error.code == .answeredNo { return ToolResult(exitStatus: status) }
        if let failure = error.failure {
            // The server's message alone, as the bash client printed it; its Details, if any, on stdout.
            let output = failure.details.map { JSONPrinter.render($0, style: .inline) + "\n" } ?? ""
            return ToolResult(exitStatus: status, standardOutput: output, standardError: failure.message + "\n")
        }
        return ToolResult(exitStatus: status, standardError: "\(programName): \(error.message)\n")
    }

    private func execute(_ arguments: [String]) throws(OrchestratorError) -> ToolResult {
        let parsed = try FlagParser.parse(arguments)
        if parsed.has(.version) {
            // The only path besides a request that loads libcurl: support asks for its version first.
            return ToolResult(exitStatus: 0, standardOutput: ClientVersion.versionLine(program: Self.programName) + "\n")
        }
        let helpAsked = parsed.has(.help) || parsed.positional.first == CommandID.help.rawValue
            || parsed[.command].flatMap(CommandTable.find)?.id == .help
        if helpAsked {
            return ToolResult(exitStatus: 0, standardOutput: try helpText(parsed))
        }
        if let extra = parsed.positional.first {
            throw .usage("unexpected argument \"\(extra)\"; flags take the form -i value or --instance=value")
        }
        guard let commandName = parsed[.command], !commandName.isEmpty else {
            throw .usage("no command given; use \(Self.programName) -c <command> [flags], or --help for the list")
        }
        guard let spec = CommandTable.find(commandName) else {
            throw .usage(CommandTable.unknownCommandMessage(commandName) + " (see \(Self.programName) --help)")
        }
        return try runCommand(spec, parsed)
    }

    private func helpText(_ parsed: ParsedArguments) throws(OrchestratorError) -> String {
        let help = CommandID.help.rawValue
        let topic = parsed.positional.dropFirst(parsed.positional.first == help ? 1 : 0).first
            ?? (parsed[.command].flatMap { $0 == help ? nil : $0 })
            ?? (parsed[.command] == help ? parsed[.instance] : nil)
        guard let topic else { return HelpText.overview() }
        guard let spec = CommandTable.find(topic) else { throw .usage(CommandTable.unknownCommandMessage(topic)) }
        return HelpText.command(spec)
    }

    /// The configuration from the environment, overridden by command-line flags.
    func configuration(_ parsed: ParsedArguments) throws(OrchestratorError) -> ClientConfiguration {
        let overrides = ConfigurationOverrides(
            api: parsed[.api], auth: parsed[.auth], passwordFile: parsed[.passwordFile], headersAuth: parsed[.headersAuth],
            timeout: parsed[.timeout], connectTimeout: parsed[.connectTimeout], leaderTimeout: parsed[.leaderTimeout],
            caFile: parsed[.caFile], clientCert: parsed[.clientCert], clientKey: parsed[.clientKey],
            insecure: parsed.has(.insecure))
        let configuration = try ClientConfiguration.resolve(environment, overrides: overrides)
        try configuration.tls.checkFilesReadable()
        return configuration
    }

    private func runCommand(_ spec: CommandSpec, _ parsed: ParsedArguments) throws(OrchestratorError) -> ToolResult {
        let configuration = try configuration(parsed)
        // Everything is validated before anything is sent, --dry-run included.
        let request = try CommandRequest(spec, inputs: parsed.inputs, instanceFromEnvironment: environment["ORCHESTRATOR_INSTANCE"],
                                         thisHost: thisHost)
        let jitter = try parsed[.jitter].map { text throws(OrchestratorError) in try Self.jitterSeconds(text) }

        if parsed.has(.dryRun) {
            return ToolResult(exitStatus: 0, standardOutput: DryRun.describe(request, configuration: configuration))
        }
        if let jitter, jitter > 0 { Self.sleepRandomly(upTo: jitter) }

        let session = OrchestratorSession(configuration: configuration, sender: sender)
        var output: String
        switch spec.kind {
        case .whichAPI:
            output = try session.leaderEndpoint().url + "\n"
        case .help:
            output = ""
        case .endpointReport:
            // Every endpoint is asked, none chosen; the verdict is the exit status.
            let report = EndpointProbe.run(configuration: configuration, sender: sender)
            let text = parsed.has(.json) ? JSONPrinter.render(EndpointReportText.json(report), style: .pretty) + "\n"
                : EndpointReportText.text(report)
            return ToolResult(exitStatus: EndpointReportText.exitStatus(report), standardOutput: parsed.has(.quiet) ? "" : text)
        case .rawAPI, .route:
            guard let path = request.path else { output = ""; break }
            let answer: APIAnswer
            do {
                answer = try session.perform(spec, path: path)
            } catch let error {
                // `-c api` prints the server's JSON answer even when it reports an error, as the bash client did.
                if case .rawAPI = spec.kind, let failure = error.failure, let json = failure.answer {
                    return ToolResult(exitStatus: ExitStatus.apiFailure, standardOutput: JSONPrinter.render(json, style: .pretty) + "\n",
                                      standardError: failure.message + "\n")
                }
                throw error
            }
            if case .rawAPI = spec.kind {
                output = JSONPrinter.render(answer.json, style: .pretty) + "\n"
            } else if parsed.has(.json) {
                output = JSONPrinter.render(answer.json, style: .pretty) + "\n"
            } else {
                output = try OutputFormatter.render(spec.output, answer: answer.json, requested: request.requestedInstance)
            }
        }
        if parsed.has(.quiet) { output = "" }
        return ToolResult(exitStatus: 0, standardOutput: output)
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
        Clock.sleep(milliseconds: Int.random(in: 0...(seconds * 1000), using: &generator))
    }
}
