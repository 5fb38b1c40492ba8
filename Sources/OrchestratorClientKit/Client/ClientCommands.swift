/// A typed value a method passes for one value of its command's route.
enum CommandArgument: Sendable {
    case key(InstanceKey)
    case keys([InstanceKey])
    case cluster(ClusterReference)
    case text(String)
    case rule(PromotionRule)
    case duration(DowntimeDuration)
    case seconds(Int)
}

/// Every command of the table, from Swift: the same validation, routes and checks as the command line.
extension OrchestratorClient {
    /// Sends the command `id` with `arguments` (a `nil` one is left out, as an optional value
    /// the command line was not given): each is validated as the command line validates its flag, so nothing is
    /// sent when one is refused; the route, the retry rule and any check made first all come from the table.
    ///
    /// Every typed method, hand-written or generated, sends through here.
    func command(_ id: CommandID, _ arguments: [RouteValue: CommandArgument?] = [:]) async throws(OrchestratorError) -> JSONValue {
        let spec = CommandTable[id]
        guard let template = spec.template else { throw .usage("\(spec.name) sends no request of its own") }
        var values: [RouteValue: ResolvedValue] = [:]
        for part in template.parts {
            guard case let .value(value, _, _, inQuery) = part, let argument = arguments[value] ?? nil else { continue }
            values[value] = try Self.resolve(argument, for: value, inQuery: inQuery)
        }
        let path = template.render(values)
        return try await withSession { session throws(OrchestratorError) in try await session.perform(spec, path: path).json }
    }

    /// `argument` checked by the rule the command line applies to the same value.
    static func resolve(_ argument: CommandArgument, for value: RouteValue, inQuery: Bool) throws(OrchestratorError) -> ResolvedValue {
        let source = ValueSource.named(value.rawValue)
        switch argument {
        case .key(let key):
            // A key built from unchecked parts is checked as a typed one is: `a/b` must not split the route.
            return .instance(try InstanceKey(parsing: key.description, source: source))
        case .keys(let keys):
            let list = keys.map(\.description).joined(separator: ",")
            return .text(try ValueRules.instanceList(list, defaultPort: InstanceKey.defaultPort, source: source))
        case .cluster(let cluster):
            if case .instance(let key) = cluster { return .text(try InstanceKey(parsing: key.description, source: source).description) }
            return .text(try ValueRules.pathSegment(cluster.description, source: source))
        case .text(let text):
            return try value.text(text, inQuery: inQuery, source: source)
        case .rule(let rule):
            return .text(rule.rawValue)
        case .duration(let duration):
            return .text(duration.description)
        case .seconds(let seconds):
            return .text(try ValueRules.seconds(String(seconds), source: source))
        }
    }

    /// Runs the command called `name` (any of ``CommandID/names``, `slave` spellings included) with `inputs`
    /// given as the command line takes them, and returns the API's answer. Every command that sends a request
    /// also has a typed method (``relocate(_:below:)``, ``moveBelow(_:sibling:)``, …), which is easier to call right.
    ///
    /// ```swift
    /// let answer = try await client.run("relocate", [.instance: "db3:3306", .destination: "db2:3306"])
    /// print(answer["Details"]?["Key"] ?? .null)
    /// ```
    ///
    /// Values are validated exactly as on the command line (nothing is sent when one is refused); without
    /// `.instance`, commands about this host use this host's name, as the command line does.
    /// Commands answered locally (`help`, `which-api`, `api`, `endpoints`) are refused: use ``leader()``,
    /// ``get(path:)`` or ``endpointReport()``.
    public func run(_ name: String, _ inputs: [CommandInput: String] = [:]) async throws(OrchestratorError) -> JSONValue {
        guard let spec = CommandTable.find(name) else { throw .input(.unknownCommand(name)) }
        guard case .route = spec.kind else {
            throw .usage("\(spec.name) is answered locally; use leader(), get(path:) or endpointReport()")
        }
        // The call's bound starts here: looking up this host's name is inside it.
        let started = Clock.nowMilliseconds()
        let bound = configuration.timeouts.hostNameMilliseconds
        let request = try CommandRequest(spec, inputs: inputs, thisHost: { () throws(OrchestratorError) in try HostIdentity.thisHost(within: bound) })
        guard let path = request.path else { throw .usage("\(spec.name) sends no request of its own") }
        return try await withSession(startedAt: started) { session throws(OrchestratorError) in try await session.perform(spec, path: path).json }
    }
}
