#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one clock of the client: monotonic milliseconds for deadlines, and sleeping for backoff and jitter.
/// (Plain clock_gettime/nanosleep rather than ContinuousClock: the blocking libcurl code is synchronous.)
package enum Clock {
    /// Milliseconds on the monotonic clock.
    package static func nowMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }

    /// Sleeps `milliseconds`, resuming after signals until the whole time has passed.
    package static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
