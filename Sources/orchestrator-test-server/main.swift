import Foundation
import TestServer

// A stand-in orchestrator for manual runs and the benchmark: serves a transcript's answers in order,
// or a raft role's leader checks. Usage: orchestrator-test-server TRANSCRIPT.json [leader|follower]
let arguments = CommandLine.arguments.dropFirst()
print("placeholder \(arguments)")
