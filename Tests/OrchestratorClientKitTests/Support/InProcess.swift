import Foundation
import OrchestratorClientKit
import OrchestratorCLI

extension Support {
    /// The command line run in this process through `CommandLineTool`, with the environment `run` gives the
    /// executable (exactly `environment` plus PATH and USER, no profile file), returning the same `ProcessResult`.
    ///
    /// For behaviour that needs no process of its own: not for signals, argv scrubbing, the standard descriptors,
    /// process-wide state (umask, limits, this host's name lookup), the profile file, or the executable's bytes
    /// (the recorded conformance runs and the packages keep `run`). Requests still go through libcurl to the
    /// loopback test servers.
    static func runInProcess(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        var variables = ["PATH": "/usr/bin:/bin", "ORCHESTRATOR_CLIENT_PROFILE": "", "USER": "tester"]
        for (key, value) in environment { variables[key] = value }
        // The profile file is read by the executable's environment only (ClientEnvironment.current()).
        if let profile = variables["ORCHESTRATOR_CLIENT_PROFILE"], !ValueSource.isEmptyValue(profile) {
            throw InProcessError.profileFile(profile)
        }
        let start = ContinuousClock.now
        let result = CommandLineTool(environment: ClientEnvironment(variables: variables)).run(arguments)
        let elapsed = ContinuousClock.now - start
        return ProcessResult(status: result.exitStatus, stdout: result.standardOutput, stderr: result.standardError,
                             milliseconds: Int(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
    }
}

/// What an in-process run cannot stand in for.
enum InProcessError: Error, CustomStringConvertible {
    case profileFile(String)

    var description: String {
        switch self {
        case .profileFile(let path): "an in-process run reads no profile file (\(path)): use Support.run"
        }
    }
}
