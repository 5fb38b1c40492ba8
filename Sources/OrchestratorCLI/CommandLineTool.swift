import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `orchestrator-client` command line: parses arguments, validates every value (``CommandInvocation``), talks
/// to the API through the blocking ``OrchestratorSession`` and prints the answer as the bash client did
/// (``CommandAnswer``). It uses the library's public API only; `sender` and `thisHost` are test seams.
package struct CommandLineTool {
    /// The name used in messages.
    package static let programName = "orchestrator-client"

    let environment: ClientEnvironment
    let sender: HTTPSending?
    let thisHost: (() throws(OrchestratorError) -> String)?

    /// A tool reading `environment`; `sender` replaces libcurl (tests), `thisHost` the host name lookup (by default
    /// the library's, bounded by the connect timeout, and made only when a command needs it).
    package init(environment: ClientEnvironment, sender: HTTPSending? = nil,
                 thisHost: (() throws(OrchestratorError) -> String)? = nil) {
        self.environment = environment
        self.sender = sender
        self.thisHost = thisHost
    }

    /// Runs one invocation with `arguments` (without the program name); standard output is kept in the result.
    package func run(_ arguments: [String]) -> ToolResult {
        let sink = MemorySink()
        var result = run(arguments, output: sink)
        result.standardOutput = sink.text
        return result
    }

    /// Runs one invocation, writing standard output to `output` as it is produced; the result holds the exit
    /// status and standard error (warnings first), every line made terminal-safe (``TerminalText``).
    package func run(_ arguments: [String], output: ByteSink) -> ToolResult {
        // --timeout bounds the whole invocation from here: this host's lookup, before the session, is inside it.
        let started = Clock.nowMilliseconds()
        var warnings: [String] = []
        var result: ToolResult
        do {
            result = try execute(arguments, output: output, started: started, warnings: &warnings)
        } catch let error {
            result = Self.failure(error, output: output)
        }
        let warningText = warnings.map { "\(Self.programName): warning: \($0)\n" }.joined()
        result.standardError = TerminalText.message(warningText + result.standardError)
        return result
    }

    static func failure(_ error: OrchestratorError, output: ByteSink) -> ToolResult {
        let status = ExitStatus.of(error)
        if error.code == .answeredNo { return ToolResult(exitStatus: status) }
        if let failure = error.failure {
            // The server's message alone, as the bash client printed it (escaped, on one line); its Details, if any,
            // on stdout.
            if failure.hasDetails {
                failure.writeDetails(to: output)
                output.write("\n")
            }
            return ToolResult(exitStatus: status, standardError: failure.shownMessage(limit: 2_000) + "\n")
        }
        return ToolResult(exitStatus: status, standardError: "\(programName): \(ErrorWording.message(error))\n")
    }

    private func execute(_ arguments: [String], output: ByteSink, started: UInt64,
                         warnings: inout [String]) throws(OrchestratorError) -> ToolResult {
        let parsed = try FlagParser.parse(arguments)
        if parsed.has(.version) {
            // The only path besides a request that loads libcurl: support asks for its version first.
            output.write(Self.versionLine() + "\n")
            return ToolResult(exitStatus: 0)
        }
        let helpAsked = parsed.has(.help) || parsed.positional.first == CommandID.help.rawValue
            || parsed[.command].flatMap(CommandID.init(named:)) == .help
        if helpAsked {
            output.write(try helpText(parsed))
            return ToolResult(exitStatus: 0)
        }
        if let extra = parsed.positional.first {
            throw .usage("unexpected argument \"\(FlagParser.shown(extra))\"; flags take the form -i value or --instance=value")
        }
        guard let commandName = parsed[.command], !ValueSource.isEmptyValue(commandName) else {
            throw .usage("no command given; use \(Self.programName) -c <command> [flags], or --help for the list")
        }
        guard let command = CommandID(named: commandName) else {
            throw .usage(ErrorWording.unknownCommand(commandName) + " (see \(Self.programName) --help)")
        }
        return try runCommand(command, parsed, output: output, started: started, warnings: &warnings)
    }

    private func helpText(_ parsed: ParsedArguments) throws(OrchestratorError) -> String {
        let help = CommandID.help.rawValue
        let topic = parsed.positional.dropFirst(parsed.positional.first == help ? 1 : 0).first
            ?? (parsed[.command].flatMap { $0 == help ? nil : $0 })
            ?? (parsed[.command] == help ? parsed[.instance] : nil)
        guard let topic else { return HelpText.overview() }
        guard let command = CommandID(named: topic) else { throw .usage(ErrorWording.unknownCommand(topic)) }
        return HelpText.command(command)
    }

    /// The configuration from the environment, overridden by command-line flags.
    func configuration(_ parsed: ParsedArguments) throws(OrchestratorError) -> ClientConfiguration {
        let overrides = ConfigurationOverrides(
            api: parsed[.api], auth: parsed[.auth], passwordFile: parsed[.passwordFile], headersAuth: parsed[.headersAuth],
            timeout: parsed[.timeout], connectTimeout: parsed[.connectTimeout], leaderTimeout: parsed[.leaderTimeout],
            caFile: parsed[.caFile], clientCert: parsed[.clientCert], clientKey: parsed[.clientKey],
            clientKeyPasswordFile: parsed[.keyPasswordFile], insecure: parsed.has(.insecure), noProxy: parsed.has(.noProxy),
            maxAnswerSize: parsed[.maxAnswerSize], proxyCAFile: parsed[.proxyCAFile], proxyInsecure: parsed.has(.proxyInsecure))
        let configuration = try ClientConfiguration.resolve(environment, overrides: overrides)
        try configuration.tls.checkFilesReadable()
        return configuration
    }

    /// Settings given that have no effect (a password without a user), for warnings.
    func ignoredSettings(_ parsed: ParsedArguments) -> [String] {
        ClientConfiguration.ignoredSettings(environment, overrides: ConfigurationOverrides(auth: parsed[.auth])).map(ErrorWording.ignored)
    }

    private func runCommand(_ command: CommandID, _ parsed: ParsedArguments, output: ByteSink, started: UInt64,
                            warnings: inout [String]) throws(OrchestratorError) -> ToolResult {
        let configuration = try configuration(parsed)
        // What the profile file holds and the client did not apply (not said when the profile stopped the run), and
        // what the settings would do that their author may not have meant (credentials in cleartext).
        warnings += environment.warnings + ignoredSettings(parsed) + configuration.warnings
        // Everything is validated before anything is sent, --dry-run included. This host's name and
        // ORCHESTRATOR_INSTANCE (which may hold `$(hostname -f)`) are looked up only when the command needs them,
        // within the connect timeout and what is left of --timeout.
        let invocation: CommandInvocation
        let left = configuration.timeouts.left(startedAt: started)
        if let thisHost {
            invocation = try CommandInvocation(command, inputs: parsed.inputs, environment: environment,
                                               timeouts: left, thisHost: thisHost)
        } else {
            invocation = try CommandInvocation(command, inputs: parsed.inputs, environment: environment, timeouts: left)
        }
        let jitter = try parsed[.jitter].map { text throws(OrchestratorError) in try Self.jitterMilliseconds(text) }

        if parsed.has(.dryRun) {
            output.write(DryRun.describe(invocation, configuration: configuration))
            return ToolResult(exitStatus: 0)
        }
        // The jitter is a wait asked for, outside --timeout: the bound starts that much later.
        var boundStart = started
        if let jitter, jitter > 0 { boundStart += UInt64(Self.sleepRandomly(upToMilliseconds: jitter)) }

        let session = OrchestratorSession(configuration: configuration, sender: sender, startedAt: boundStart)
        defer { warnings += session.warnings }
        let out: ByteSink = parsed.has(.quiet) ? DiscardSink() : output
        switch command {
        case .whichAPI:
            out.write(try session.leaderEndpoint().url + "\n")
        case .endpoints:
            // Every endpoint is asked, none chosen; the verdict is the exit status.
            let report = session.endpointReport()
            if parsed.has(.json) {
                out.write(EndpointReportText.json(report).jsonText(indented: true) + "\n")
            } else {
                out.write(EndpointReportText.text(report))
            }
            return ToolResult(exitStatus: EndpointReportText.exitStatus(report))
        default:
            let answer: CommandAnswer
            do {
                guard let sent = try session.perform(invocation) else { break }
                answer = sent
            } catch let error {
                // `-c api` prints the server's JSON answer even when it reports an error, as the bash client did.
                if command == .api, let failure = error.failure, failure.hasAnswer {
                    failure.writeAnswer(to: output)
                    output.write("\n")
                    return ToolResult(exitStatus: ExitStatus.apiFailure,
                                      standardError: failure.shownMessage(limit: 2_000) + "\n")
                }
                throw error
            }
            if parsed.has(.json) {
                answer.writeJSON(to: out)
                out.write("\n")
                // The answer is printed, but a "no" stays a no: scripts test `can-replicate-from`'s exit status.
                if answer.answeredNo { return ToolResult(exitStatus: ExitStatus.apiFailure) }
            } else {
                try answer.writeText(to: out)
            }
        }
        return ToolResult(exitStatus: 0)
    }
    /// `--jitter`: a duration (a bare number is seconds), at most a day.
    static func jitterMilliseconds(_ text: String) throws(OrchestratorError) -> Int {
        try Timeouts.parseDelayMilliseconds(text, source: .named("--jitter"))
    }

    /// Sleeps a random time up to `milliseconds`, and returns the time chosen.
    @discardableResult
    static func sleepRandomly(upToMilliseconds milliseconds: Int) -> Int {
        var generator = SystemRandomNumberGenerator()
        let chosen = Int.random(in: 0...milliseconds, using: &generator)
        var request = timespec(tv_sec: chosen / 1_000, tv_nsec: (chosen % 1_000) * 1_000_000)
        var remaining = timespec()
        // A signal cuts the sleep short; the rest is slept.
        while nanosleep(&request, &remaining) != 0 { request = remaining }
        return chosen
    }
}
