import OrchestratorClientKit

/// A value shared between a test and the handler threads of its servers: the library's ``LockedValue`` (a pthread
/// mutex, which ThreadSanitizer sees; CI runs the library's tests, and these servers, under it).
package typealias Locked = LockedValue

extension LockedValue {
    /// The same as ``withLock(_:)``.
    package func with<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result { try withLock(body) }

    /// A copy of the value.
    package var current: Value { withLock { $0 } }
}
