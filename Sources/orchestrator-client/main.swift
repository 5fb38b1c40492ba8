import OrchestratorCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The executable is only this: the command line lives in OrchestratorCLI, everything else in OrchestratorClientKit.
exit(CommandLineTool.main())
