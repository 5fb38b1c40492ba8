/// A MySQL server as orchestrator names it: host name and port.
public struct InstanceKey: Sendable, Hashable, CustomStringConvertible {
    /// Host name, IPv4 address, or IPv6 address (without brackets).
    public let hostname: String
    /// TCP port.
    public let port: Int

    /// The MySQL default port, used when a key names no port.
    public static let defaultPort = 3306

    /// Creates a key from parts already validated by the caller.
    public init(hostname: String, port: Int) {
        self.hostname = hostname
        self.port = port
    }

    /// `host:port`, the form orchestrator prints; `[address]:port` for an IPv6 address, so it parses back.
    public var description: String {
        hostname.contains(":") ? "[\(hostname)]:\(port)" : "\(hostname):\(port)"
    }

    /// Parses `host`, `host:port`, `[ipv6]` or `[ipv6]:port`, validating both parts.
    ///
    /// - Parameters:
    ///   - text: the key as a user typed it.
    ///   - defaultPort: the port for a key that names none.
    ///   - source: the input or parameter the text came from, for the error message.
    public init(parsing text: String, defaultPort: Int = InstanceKey.defaultPort, source: ValueSource = .input(.instance)) throws(OrchestratorError) {
        func invalid(_ problem: String, _ fix: String) -> OrchestratorError {
            .invalidValue(InvalidValue(source: source, value: text, problem: problem, fix: fix))
        }
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw invalid("the IPv6 address has no closing ']'", "write it as [address]:port")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("unexpected text after ']'", "write it as [address]:port") }
                portText = rest.dropFirst()
            }
            guard IPAddress.isIPv6(host) else { throw invalid("\"\(OrchestratorError.shown(String(host), limit: 60))\" is not an IPv6 address", "write it as [address]:port") }
        } else {
            let colons = host.filter { $0 == ":" }.count
            if colons > 1 {
                throw invalid("an IPv6 address must be in brackets", "write it as [address]:port, e.g. [::1]:3306")
            }
            if let colon = host.firstIndex(of: ":") {
                portText = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            guard !ValueSource.isEmptyValue(String(host)) else { throw invalid("the host name is empty", "give host or host:port") }
            guard Self.isHostname(host) else {
                throw invalid("\"\(OrchestratorError.shown(String(host), limit: 60))\" is not a valid host name", "use a name of letters and digits (with '-', '_' and '.' between them), as host or host:port")
            }
        }
        var port = defaultPort
        if let portText {
            guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portText), value >= 1, value <= 65535 else {
                throw invalid("the port \"\(OrchestratorError.shown(String(portText), limit: 20))\" is not a number from 1 to 65535", "give host:port with a valid port")
            }
            port = value
        }
        self.hostname = String(host)
        self.port = port
    }

    /// Host names, IPv4 addresses and names with `_`, as seen in real inventories; at most 253 bytes.
    static func isHostname(_ host: Substring) -> Bool {
        guard host.utf8.count <= 253, host != ".", host != ".." else { return false }
        // `-`, `_`, `...`: no letter or digit names no host; a leading `-` or `.`, or an empty label, neither.
        guard host.utf8.contains(where: { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                                          || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }),
              !host.hasPrefix("-"), !host.hasPrefix("."), !host.contains("..") else { return false }
        return host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
    }

    /// The key read from an API answer: `{"Hostname": …, "Port": …}`.
    public init?(json: JSONValue?) {
        guard let json, let host = json["Hostname"]?.stringValue, let port = json["Port"]?.intValue else { return nil }
        self.init(hostname: host, port: port)
    }
}
