/// The HTTP proxy requests go through, from the variables libcurl reads: `http_proxy` (lower case only) for http
/// endpoints, `https_proxy` or `HTTPS_PROXY` for https, else `all_proxy` or `ALL_PROXY`; `no_proxy` or `NO_PROXY`
/// lists the hosts reached directly.
///
/// The client decides and tells libcurl (an explicit proxy, or none), rather than letting libcurl read the
/// environment on its own, so that an error can name the proxy that was really used, and so that the profile
/// file's assignments count as they did when the bash client sourced it.
package struct ProxySettings: Sendable, Equatable {
    /// The variables that choose a proxy, as found (others are dropped).
    package let variables: [String: String]
    /// ``ConfigurationOverrides/noProxy`` / `ORCHESTRATOR_NO_PROXY=1`: never use a proxy.
    package var disabled: Bool

    /// The variables libcurl reads, in the order it reads them.
    package static let variableNames = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    /// The proxy settings `environment` describes.
    package init(environment: [String: String], disabled: Bool = false) {
        var found: [String: String] = [:]
        for name in Self.variableNames { if let value = environment[name], !ValueSource.isEmptyValue(value) { found[name] = value } }
        self.variables = found
        self.disabled = disabled
    }

    /// The settings of this process's environment, as libcurl alone would read them.
    package static func processEnvironment() -> ProxySettings {
        ProxySettings(environment: ClientEnvironment.processEnvironment().values)
    }

    /// No proxy at all.
    package static let none = ProxySettings(environment: [:], disabled: true)

    /// The proxy for `url` and the variable that named it; `nil` when requests to it go direct.
    package func proxy(for url: String) -> (url: String, variable: String)? {
        guard !disabled else { return nil }
        let isHTTPS = url.hasPrefix("https://")
        let names = isHTTPS ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] : ["http_proxy", "all_proxy", "ALL_PROXY"]
        guard let name = names.first(where: { variables[$0] != nil }), let proxy = variables[name] else { return nil }
        if let exceptions = variables["no_proxy"] ?? variables["NO_PROXY"], Self.matches(host: Self.host(of: url), exceptions) {
            return nil
        }
        return (proxy, name)
    }

    /// The proxy for `url` as messages show it: `http://proxy:3128 (from https_proxy)`, any password masked.
    package func describeProxy(for url: String) -> String? {
        proxy(for: url).map { "\(OrchestratorError.shown(Endpoint.masked($0.url))) (from \($0.variable))" }
    }

    /// The host of an http(s) URL, without brackets, lower-cased.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        return String(authority).lowercased()
    }

    /// libcurl's `no_proxy` rule: `*` matches every host; each comma- or space-separated entry matches that host
    /// and, as a domain, every name below it (a leading `.` is optional); an IPv4 entry may be a CIDR block.
    static func matches(host: String, _ list: String) -> Bool {
        let entries = list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        if entries.count == 1, entries[0] == "*" { return true }
        for raw in entries {
            var entry = raw.lowercased()
            if entry.hasPrefix("[") && entry.hasSuffix("]") { entry = String(entry.dropFirst().dropLast()) }
            if let slash = entry.firstIndex(of: "/"), let block = IPv4Block(address: entry[..<slash], bits: entry[entry.index(after: slash)...]) {
                if block.contains(host) { return true }
                continue
            }
            while entry.hasPrefix(".") { entry.removeFirst() }
            while entry.hasSuffix(".") { entry.removeLast() }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    struct IPv4Block {
        let network: UInt32
        let mask: UInt32

        init?(address: Substring, bits: Substring) {
            guard let value = Self.parse(address), let count = Int(bits), (0...32).contains(count) else { return nil }
            mask = count == 0 ? 0 : UInt32.max << (32 - UInt32(count))
            network = value & mask
        }

        func contains(_ host: String) -> Bool {
            guard let value = Self.parse(Substring(host)) else { return false }
            return value & mask == network
        }

        static func parse(_ text: Substring) -> UInt32? {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt32 = 0
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                value = value << 8 | UInt32(byte)
            }
            return value
        }
    }
}

extension ClientConfiguration {
    /// The proxy requests to `endpoint` go through, with the variable that names it (`http://proxy:3128 (from
    /// https_proxy)`), its password masked; `nil` when they go direct.
    public func proxyDescription(for endpoint: Endpoint) -> String? {
        proxy.describeProxy(for: endpoint.url)
    }
}

// MARK: - Which proxies libcurl can use

extension ProxySettings {
    /// The proxy schemes libcurl accepts (in any case); a proxy written without a scheme is an http one.
    package static let usableSchemes = ["http", "https", "socks", "socks4", "socks4a", "socks5", "socks5h"]

    /// The scheme of a proxy URL, lower-cased; `http` when it has none.
    package static func scheme(of proxy: String) -> String {
        proxy.firstRange(of: "://").map { proxy[..<$0.lowerBound].lowercased() } ?? "http"
    }

    /// A proxy URL as libcurl is given it: with its scheme written out. libcurl guesses the scheme of a proxy
    /// written without one from its name (`ftp.example.com:3128` as ftp, then refused) in some versions; without a
    /// scheme, a proxy is an http one.
    package static func withScheme(_ proxy: String) -> String {
        proxy.contains("://") ? proxy : "http://" + proxy
    }

    /// True when requests to `url` go through a proxy spoken to over TLS (`https://`), whose certificate is verified.
    package func usesTLSProxy(for url: String) -> Bool {
        proxy(for: url).map { Self.scheme(of: $0.url) == "https" } ?? false
    }

    /// The proxy requests to `url` would go through, as an invalid value of the variable that names it, when libcurl
    /// cannot use its scheme (`ftp://…`): a mistake of this host's settings, which no retry can mend.
    package func unusableProxy(for url: String) -> InvalidValue? {
        guard let (proxy, variable) = proxy(for: url) else { return nil }
        let scheme = Self.scheme(of: proxy)
        guard !Self.usableSchemes.contains(scheme) else { return nil }
        return InvalidValue(source: .named(variable), value: Endpoint.masked(proxy),
                            problem: "libcurl cannot use a proxy of scheme \(OrchestratorError.shown(scheme, limit: 20))",
                            fix: "write http://, https://, socks4://, socks4a://, socks5:// or socks5h:// (or no scheme, for http)")
    }

    /// Refuses, before anything is sent, a proxy that requests to `endpoints` would go through and that libcurl cannot
    /// use (see ``unusableProxy(for:)``).
    package func checkUsable(for endpoints: [Endpoint]) throws(OrchestratorError) {
        for endpoint in endpoints {
            if let invalid = unusableProxy(for: endpoint.url) { throw .invalidValue(invalid) }
        }
    }
}
