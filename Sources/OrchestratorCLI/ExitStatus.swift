import OrchestratorClientKit

/// Exit statuses of the executable; part of its documented interface (README, man page, --help).
package enum ExitStatus {
    /// The operation succeeded.
    package static let success: Int32 = 0
    /// The API refused or failed the operation, or answered "no" to a yes/no question.
    package static let apiFailure: Int32 = 1
    /// Usage error or invalid input; nothing was sent.
    package static let usage: Int32 = 2
    /// No endpoint reachable, or no raft leader among them.
    package static let unreachable: Int32 = 3
    /// A timeout expired.
    package static let timeout: Int32 = 4
    /// A change was sent but no complete answer came back: it may or may not have been applied.
    package static let outcomeUnknown: Int32 = 5

    /// The status the executable ends with for `error`; a code this version does not know is a failure (1).
    package static func of(_ error: OrchestratorError) -> Int32 {
        switch error.code {
        case .usage, .invalidValue: usage
        case .noLeader, .unreachable: unreachable
        case .timedOut: timeout
        case .outcomeUnknown: outcomeUnknown
        default: apiFailure
        }
    }
}
