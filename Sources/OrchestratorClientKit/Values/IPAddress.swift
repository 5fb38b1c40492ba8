#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one reading of numeric IP addresses, the system's own (`inet_pton`), as libcurl and the resolver read them:
/// an instance key's or an endpoint's `[IPv6]`, and `no_proxy`'s addresses and blocks. Looking at the characters
/// alone would take `[:]` or `[1::2::3]` for addresses.
package enum IPAddress {
    /// The 16 bytes of an IPv6 address (`::1`, `::ffff:10.0.0.1`, without brackets), or `nil`.
    package static func ipv6(_ text: some StringProtocol) -> [UInt8]? {
        parse(text, family: AF_INET6, count: 16)
    }

    /// The 4 bytes of a dotted-quad IPv4 address (`10.0.0.1`), or `nil`.
    package static func ipv4(_ text: some StringProtocol) -> [UInt8]? {
        parse(text, family: AF_INET, count: 4)
    }

    /// Whether `text` is an IPv6 address (without brackets).
    package static func isIPv6(_ text: some StringProtocol) -> Bool { ipv6(text) != nil }

    private static func parse(_ text: some StringProtocol, family: Int32, count: Int) -> [UInt8]? {
        // inet_pton reads a C string: a NUL inside would end it early and pass what precedes it.
        guard text.utf8.count <= 64, !text.utf8.contains(0) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        let status = String(text).withCString { name in bytes.withUnsafeMutableBytes { inet_pton(family, name, $0.baseAddress) } }
        return status == 1 ? Array(bytes.prefix(count)) : nil
    }
}
