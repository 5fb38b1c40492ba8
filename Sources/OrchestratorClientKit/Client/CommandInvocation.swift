/// A command with its inputs, validated and rendered into the request it sends: what a tool that takes command
/// names and inputs as text (a command line, a chat bot) hands to ``OrchestratorSession/perform(_:)``.
///
/// Everything is checked here, before a single request leaves: a value that cannot travel faithfully, an empty
/// input, a missing one. A command about this host (``CommandID/defaultsToThisHost``) given no instance reads
/// `ORCHESTRATOR_INSTANCE` from the environment, else looks up this host's name, within the connect timeout.
public struct CommandInvocation: Sendable {
    let request: CommandRequest

    /// Validates `inputs` for `command` and renders its request.
    /// - Parameters:
    ///   - command: the command to run.
    ///   - inputs: its inputs as text, as the command line takes them (`[.instance: "db1:3306"]`); an empty one
    ///     is refused, never read as "not given".
    ///   - environment: where `ORCHESTRATOR_INSTANCE` is read, only when the command needs an instance and none
    ///     is given (its value may hold `$(hostname -f)`).
    ///   - timeouts: bound the host name lookups (``Timeouts/hostNameMilliseconds``).
    /// - Throws: an ``OrchestratorError`` naming the input and the problem.
    public init(_ command: CommandID, inputs: [CommandInput: String], environment: ClientEnvironment,
                timeouts: Timeouts = .default) throws(OrchestratorError) {
        let bound = timeouts.hostNameMilliseconds
        try self.init(command, inputs: inputs, environment: environment, timeouts: timeouts,
                      thisHost: { () throws(OrchestratorError) -> String in try HostIdentity.thisHost(within: bound) })
    }

    /// As above, with this host's name from `thisHost` (tests).
    package init(_ command: CommandID, inputs: [CommandInput: String], environment: ClientEnvironment,
                 timeouts: Timeouts, thisHost: @escaping () throws(OrchestratorError) -> String) throws(OrchestratorError) {
        let bound = timeouts.hostNameMilliseconds
        request = try CommandRequest(CommandTable[command], inputs: inputs,
                                     environmentInstance: { () throws(OrchestratorError) -> String? in
                                         try environment.value("ORCHESTRATOR_INSTANCE", hostNameWithin: bound)
                                     },
                                     thisHost: thisHost)
    }

    /// The command.
    public var command: CommandID { request.spec.id }

    /// The API path the command GETs, percent-encoded as sent, after the endpoint's URL and `/`
    /// (`discover/db1/3306`); `nil` for a command that sends no request of its own (``CommandID/sendsOwnRequest``).
    public var path: String? { request.path?.encoded }

    /// The instance the command was given, for a command whose output is that instance (`async-discover`).
    public var requestedInstance: InstanceKey? { request.requestedInstance }

    /// The path asked before the command's own, when one is: `raft-state` for raft commands, which the node must
    /// answer `Leader`, as the bash client checks.
    public var pathAskedFirst: String? { request.spec.precheck == .raftLeader ? SessionCore.raftStatePath.encoded : nil }
}

/// The answer to a ``CommandInvocation``: the server's JSON, checked to hold what the command prints, and read in
/// place, so that writing it costs its bytes and never a tree of them.
public struct CommandAnswer: Sendable {
    let answer: APIAnswer
    let request: CommandRequest

    /// The endpoint that answered.
    public var endpoint: Endpoint { answer.endpoint }

    /// The HTTP status.
    public var status: Int { answer.status }

    /// The answer as a tree (built on each use).
    public var json: JSONValue { answer.json }

    /// Whether the command asks a yes/no question (`can-replicate-from`) and the answer is no.
    public var answeredNo: Bool {
        guard case .yesNo = request.spec.output else { return false }
        return !OutputFormatter.saysYes(answer.document.root["Message"]?.stringValue)
    }

    /// Writes the answer as indented JSON (as `jq .` prints it), without a trailing newline.
    public func writeJSON(to sink: ByteSink) {
        JSONStreamPrinter.write(answer.document.root, style: .pretty, to: sink)
    }

    /// Writes the text the command prints, each line ending in `\n`, as the bash client printed it (the `api`
    /// command: its JSON, as ``writeJSON(to:)`` and a newline).
    /// - Throws: ``OrchestratorError/Code/answeredNo`` when ``answeredNo``, having written nothing.
    public func writeText(to sink: ByteSink) throws(OrchestratorError) {
        if case .rawAPI = request.spec.kind {
            writeJSON(to: sink)
            sink.write("\n")
            return
        }
        try OutputFormatter.write(request.spec.output, answer: answer.document.root,
                                  requested: request.requestedInstance, to: sink)
    }
}
