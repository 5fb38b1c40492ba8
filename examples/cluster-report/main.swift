import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Example: list every cluster with its master and any instance in downtime.
// Configured like orchestrator-client: ORCHESTRATOR_API (one or several endpoints), ORCHESTRATOR_AUTH_*, ...
do {
    let client = try OrchestratorClient(environment: .current())
    let downtimed = try await client.downtimed()
    for cluster in try await client.clusters() {
        let master = try await client.master(of: .alias(cluster.clusterName))
        let alias = cluster.clusterAlias.isEmpty ? "" : " (\(cluster.clusterAlias))"
        print("\(cluster.clusterName)\(alias): master \(master.key), \(cluster.countInstances) instances")
        for instance in downtimed where instance.clusterName == cluster.clusterName {
            print("  downtimed: \(instance.key) by \(instance.downtimeOwner): \(instance.downtimeReason)")
        }
    }
} catch {
    // The library's errors are typed: OrchestratorError, with a code to decide on and a message to show.
    let line = "cluster-report: \(error.message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(error.code == .usage || error.code == .invalidValue ? 2 : 1)
}
