import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The executable is only this: everything else lives in OrchestratorClientKit.
exit(CommandLineTool(environment: .current()).run(Array(CommandLine.arguments.dropFirst())).emit())
