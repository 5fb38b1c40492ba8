/// Which orchestrator servers have a command's API route, for the few commands not every server has.
///
/// Every command of ``CommandTable`` works against openark's orchestrator 3.2.6 and Percona's fork, except those
/// whose row names a requirement. When a server answers such a command's route with `404 page not found`, the
/// error says which server has it.
package struct ServerRequirement: Sendable, Equatable, CustomStringConvertible {
    /// The servers that have the route, in words, e.g. `Percona's orchestrator newer than v3.2.6-20`.
    package let servers: String

    /// A requirement named in words.
    package init(servers: String) {
        self.servers = servers
    }

    package var description: String { servers }

    /// Routes Percona added after its release v3.2.6-20 (2026-02-11), such as `change-master-credentials`
    /// (percona/orchestrator commit de8d8f7d); openark's orchestrator never had them.
    package static let perconaAfter3_2_6_20 = ServerRequirement(servers: "Percona's orchestrator newer than v3.2.6-20")
}
