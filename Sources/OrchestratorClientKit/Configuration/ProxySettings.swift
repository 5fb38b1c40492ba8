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

    /// libcurl's `no_proxy` rule (`proxy_check_noproxy`), so that the client sends directly exactly what curl would:
    /// the list `*` alone matches every host. Otherwise each entry (separated by commas; blanks around them are
    /// passed, and blanks alone separate entries too, as curl up to 8.8 took them: a list written so goes direct for
    /// every host it names rather than send credentials through the proxy) is matched against the host:
    /// - a host that is an IPv4 or IPv6 address matches an entry that is the same address, or a block holding it
    ///   (`10.0.0.0/8`, `fe80::/10`), compared as addresses (`::1` is `0:0::1`), never as text;
    /// - a host name, one trailing dot dropped (`orc.example.test.` is `orc.example.test`), matches an entry, one
    ///   trailing and then one leading dot dropped, that is the name or a domain it is in, ignoring case.
    static func matches(host: String, _ list: String) -> Bool {
        if host.isEmpty || list.isEmpty { return false }
        if list == "*" { return true }
        let entries = list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        if IPAddress.ipv4(host) != nil || IPAddress.ipv6(host) != nil {
            return entries.contains { addressEntry($0, matches: host) }
        }
        let name = host.hasSuffix(".") ? host.dropLast().lowercased() : host.lowercased()
        for entry in entries {
            var domain = entry.lowercased()[...]
            if domain.hasSuffix(".") { domain = domain.dropLast() }
            if domain.hasPrefix(".") { domain = domain.dropFirst() }
            if domain.isEmpty { continue }
            if name == domain || name.hasSuffix("." + domain) { return true }
        }
        return false
    }

    /// curl's `cidr4_match`/`cidr6_match`: `entry` is an address of the host's family, with an optional `/bits`
    /// (0 or none: the whole address).
    private static func addressEntry(_ entry: Substring, matches host: String) -> Bool {
        guard entry.utf8.count < 128 else { return false }
        var address = entry
        var bits = 0
        if let slash = entry.firstIndex(of: "/") {
            let digits = entry[entry.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits),
                  value <= 128 else { return false }
            bits = value
            address = entry[..<slash]
        }
        let pair = IPAddress.ipv4(host).map { ($0, IPAddress.ipv4(address)) } ?? IPAddress.ipv6(host).map { ($0, IPAddress.ipv6(address)) }
        guard let (hostBytes, found) = pair, let entryBytes = found, bits <= hostBytes.count * 8 else { return false }
        let compared = bits == 0 ? hostBytes.count * 8 : bits
        for index in 0..<hostBytes.count {
            let remaining = compared - index * 8
            if remaining <= 0 { break }
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if hostBytes[index] & mask != entryBytes[index] & mask { return false }
        }
        return true
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
    /// cannot use it: its scheme (`ftp://…`), or its host or port, judged by the rule of endpoints
    /// (``Endpoint/authorityProblem(_:)``: `:99999`, `[zz]`, no host, a non-ASCII name). A mistake of this host's
    /// settings, which no retry can mend (libcurl would report it as a name not resolved).
    package func unusableProxy(for url: String) -> InvalidValue? {
        guard let (proxy, variable) = proxy(for: url) else { return nil }
        func invalid(_ problem: String, _ fix: String) -> InvalidValue {
            InvalidValue(source: .named(variable), value: Endpoint.masked(proxy), problem: problem, fix: fix)
        }
        let scheme = Self.scheme(of: proxy)
        guard Self.usableSchemes.contains(scheme) else {
            return invalid("libcurl cannot use a proxy of scheme \(OrchestratorError.shown(scheme, limit: 20))",
                           "write http://, https://, socks4://, socks4a://, socks5:// or socks5h:// (or no scheme, for http)")
        }
        let written = Self.withScheme(proxy)
        let rest = written.firstRange(of: "://").map { written[$0.upperBound...] } ?? written[...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return Endpoint.authorityProblem(authority).map { invalid($0, "give a proxy URL such as http://proxy.example.com:3128") }
    }

    /// Refuses, before anything is sent, a proxy that requests to `endpoints` would go through and that libcurl cannot
    /// use (see ``unusableProxy(for:)``).
    package func checkUsable(for endpoints: [Endpoint]) throws(OrchestratorError) {
        for endpoint in endpoints {
            if let invalid = unusableProxy(for: endpoint.url) { throw .invalidValue(invalid) }
        }
    }
}
