/// A value a route needs, and the inputs that supply it.
package enum RouteValue: String, Sendable, CaseIterable {
    case instance, destination, cluster, alias, owner, reason, duration, rule, hostname, binlog, seconds, pool
    case tag, tags, search, query, instances

    /// The inputs that give this value, in order of precedence.
    package var inputs: [CommandInput] {
        switch self {
        case .instance, .search, .instances: return [.instance]
        case .destination: return [.destination]
        case .cluster: return [.alias, .instance]
        case .alias: return [.alias]
        case .owner: return [.owner]
        case .reason: return [.reason]
        case .duration: return [.duration]
        case .rule: return [.promotionRule]
        case .hostname: return [.hostname]
        case .binlog: return [.binlog]
        case .seconds: return [.seconds]
        case .pool: return [.pool]
        case .tag, .tags: return [.tag]
        case .query: return [.query]
        }
    }
}

/// A route such as `begin-downtime/{instance}/{owner}/{reason}/{duration}` or
/// `graceful-master-takeover/{cluster}{/destination?}`.
///
/// `{v}` is required; `{v?}` is empty when absent (the literal `/` before it stays, as the bash client sends
/// `move-up-replicas/host/port/`); `{/v?}` adds `/value` only when present. After `?`, values are query values.
package struct RouteTemplate: Sendable {
    /// One piece of a route.
    package enum Part: Sendable, Equatable {
        case literal(String)
        case value(RouteValue, optional: Bool, slashPrefixed: Bool, inQuery: Bool)
    }

    /// The template as written, e.g. `discover/{instance}`.
    package let text: String

    /// A template; the table's templates are checked by a test, so a typo cannot ship.
    package init(_ text: String) {
        self.text = text
    }

    /// The pieces in order. Parsed when asked, not when the table is built: an invocation uses one command's route,
    /// and parsing all of them at start cost the command line ~2 M instructions (bench/profile-notes.md).
    package var parts: [Part] {
        var parts: [Part] = []
        var literal = ""
        var inQuery = false
        var rest = Substring(text)
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "?" { inQuery = true }
            guard character == "{", let close = rest.firstIndex(of: "}") else {
                literal.append(character)
                continue
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            var name = rest[..<close]
            rest = rest[rest.index(after: close)...]
            let slashPrefixed = name.hasPrefix("/")
            if slashPrefixed { name = name.dropFirst() }
            let optional = name.hasSuffix("?")
            if optional { name = name.dropLast() }
            let value = RouteValue(rawValue: String(name)) ?? .instance
            parts.append(.value(value, optional: optional, slashPrefixed: slashPrefixed, inQuery: inQuery))
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// Every value the route uses, with whether it is required.
    package var values: [(value: RouteValue, required: Bool)] {
        parts.compactMap { part in
            if case let .value(value, optional, _, _) = part { return (value, !optional) }
            return nil
        }
    }

    /// Renders the route with `resolved` values, each encoded once for where it stands.
    package func render(_ resolved: [RouteValue: ResolvedValue]) -> APIPath {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
            case let .value(value, _, slashPrefixed, inQuery):
                guard let resolvedValue = resolved[value] else { continue }
                if slashPrefixed { text += "/" }
                text += inQuery ? PercentEncoding.queryValue(resolvedValue.text) : resolvedValue.pathText
            }
        }
        return APIPath(preEncoded: text)
    }
}

/// A validated value ready to be placed in a route.
package enum ResolvedValue: Sendable, Equatable {
    /// An instance key: two path segments, `host/port`; `host:port` in a query.
    case instance(InstanceKey)
    /// Any other value: one path segment, or one query value.
    case text(String)

    /// The value as one piece of text.
    package var text: String {
        switch self {
        case .instance(let key): return key.description
        case .text(let value): return value
        }
    }

    /// The value encoded for the path.
    var pathText: String {
        switch self {
        case .instance(let key): return PercentEncoding.pathSegment(key.hostname) + "/" + String(key.port)
        case .text(let value): return PercentEncoding.pathSegment(value)
        }
    }
}
