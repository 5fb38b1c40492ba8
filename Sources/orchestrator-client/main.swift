import OrchestratorCLI
import OrchestratorClientKit

// The executable is only this: the command line lives in OrchestratorCLI, everything else in OrchestratorClientKit.
exit(CommandLineTool.main())
