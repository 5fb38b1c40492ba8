/// Turns the flags of a command line into the validated values its route needs, refusing anything that cannot
/// be sent faithfully before a single request leaves.
struct ValueResolver {
    let spec: CommandSpec
    let arguments: ParsedArguments
    let environment: ClientEnvironment
    let defaultPort: Int
    /// This host's name, asked for only when a command defaults to it.
    let thisHost: () -> String?

    /// The instance given with `-i`, or `ORCHESTRATOR_INSTANCE`, or (for commands about this host) this host.
    var instanceText: String? {
        if let given = arguments[.instance], !given.isEmpty { return given }
        if let fromEnvironment = environment["ORCHESTRATOR_INSTANCE"], !fromEnvironment.isEmpty { return fromEnvironment }
        return spec.defaultsToThisHost ? thisHost() : nil
    }

    /// The instance key named by the command line, if any (used by `async-discover`'s output).
    func requestedInstance() throws(OrchestratorError) -> InstanceKey? {
        guard let text = instanceText else { return nil }
        return try InstanceKey(parsing: text, defaultPort: defaultPort)
    }

    /// Resolves every value of `template`.
    func resolve(_ template: RouteTemplate) throws(OrchestratorError) -> [RouteValue: ResolvedValue] {
        var resolved: [RouteValue: ResolvedValue] = [:]
        for part in template.parts {
            guard case let .value(value, optional, _, inQuery) = part else { continue }
            if let result = try resolve(value, inQuery: inQuery) {
                resolved[value] = result
            } else if !optional {
                throw .usage(missingMessage(value))
            }
        }
        return resolved
    }

    func missingMessage(_ value: RouteValue) -> String {
        let spellings = value.flags.map { flag in
            let spec = FlagTable.spec(flag)
            return "\(spec.primarySpelling) <\(spec.valueName)>"
        }
        var message = "-c \(spec.name) needs " + spellings.joined(separator: " or ")
        if value == .instance || value == .cluster {
            message += " (or ORCHESTRATOR_INSTANCE set)"
        }
        return message
    }

    private func given(_ flag: Flag) -> String? {
        guard let value = arguments[flag], !value.isEmpty else { return nil }
        return value
    }

    private func resolve(_ value: RouteValue, inQuery: Bool) throws(OrchestratorError) -> ResolvedValue? {
        let source = FlagTable.spec(value.flags[0]).primarySpelling
        func text(_ raw: String) throws(OrchestratorError) -> ResolvedValue {
            .text(inQuery ? try ValueRules.queryText(raw, source: source) : try ValueRules.pathSegment(raw, source: source))
        }
        switch value {
        case .instance:
            guard let raw = instanceText else { return nil }
            return .instance(try InstanceKey(parsing: raw, defaultPort: defaultPort))
        case .destination:
            guard let raw = given(.destination) else { return nil }
            return .instance(try InstanceKey(parsing: raw, defaultPort: defaultPort, source: "-d/--destination"))
        case .cluster:
            if let alias = given(.alias) { return try text(alias) }
            guard let raw = instanceText else { return nil }
            return .text(try InstanceKey(parsing: raw, defaultPort: defaultPort).description)
        case .alias:
            guard let alias = given(.alias) else { return nil }
            return try text(alias)
        case .search:
            guard let raw = instanceText else { return nil }
            return .text(try ValueRules.queryText(raw, source: source))
        case .instances:
            guard let raw = instanceText else { return nil }
            return .text(try ValueRules.instanceList(raw, defaultPort: defaultPort))
        case .owner:
            guard let owner = given(.owner) ?? HostIdentity.currentUser() else { return nil }
            return try text(owner)
        case .duration:
            return .text(try ValueRules.duration(given(.duration) ?? "10m"))
        case .rule:
            guard let raw = given(.promotionRule) else { return nil }
            return .text(try ValueRules.promotionRule(raw).rawValue)
        case .seconds:
            guard let raw = given(.seconds) else { return nil }
            return .text(try ValueRules.seconds(raw))
        case .tag:
            guard let raw = given(.tag) else { return nil }
            return .text(try ValueRules.tag(raw))
        case .tags:
            guard let raw = given(.tag) else { return nil }
            return .text(try ValueRules.tag(raw, allowList: true))
        case .reason, .hostname, .binlog, .pool, .query:
            guard let raw = given(value.flags[0]) else { return nil }
            return try text(raw)
        }
    }
}
