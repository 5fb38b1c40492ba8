import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
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
    // The library's errors are typed: OrchestratorError, with the exit status the CLI would use.
    exit(ToolResult(exitStatus: error.exitStatus, standardError: "cluster-report: \(error.message)\n").emit())
}
