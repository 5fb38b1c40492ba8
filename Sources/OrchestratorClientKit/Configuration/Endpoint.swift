/// One orchestrator API base URL, normalized as the bash client does: no trailing `/`, ending in `/api`.
///
/// Credentials written in the URL (`http://user:pass@host:3000`) are taken out of it, so the URL can be
/// printed, logged and shown in errors without ever showing a password.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The normalized base URL without credentials, e.g. `http://orc1:3000/api`.
    public let url: String
    /// User and password found in the URL, if any.
    public let credentials: Credentials?

    /// Normalizes `text`; throws when it is not an http(s) URL.
    public init(parsing text: String) throws(OrchestratorError) {
        func invalid(_ problem: String) -> OrchestratorError {
            // The URL may hold a password: show it masked.
            .invalidValue(InvalidValue(source: "API endpoint", value: Endpoint.masked(text), problem: problem,
                                       fix: "give a URL such as http://orchestrator.example.com:3000/api"))
        }
        var rest = Substring(text)
        let scheme: String
        // The scheme is case-insensitive (RFC 3986), as curl and the bash client take it: `HTTP://` is `http://`.
        let lowered = rest.prefix(8).lowercased()
        if lowered.hasPrefix("http://") {
            scheme = "http://"
        } else if lowered.hasPrefix("https://") {
            scheme = "https://"
        } else {
            throw invalid("it does not start with http:// or https://")
        }
        rest = rest.dropFirst(scheme.count)
        if rest.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            throw invalid("it contains a space or control character (in a password, write a space as %20)")
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        var found: Credentials?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            found = Credentials(user: PercentEncoding.decode(parts[0]),
                                password: parts.count > 1 ? PercentEncoding.decode(parts[1]) : "")
        }
        if let problem = Self.authorityProblem(authority) { throw invalid(problem) }
        if path.contains("?") || path.contains("#") { throw invalid("it contains a query or fragment") }
        if path.contains(",") {
            throw invalid("its path contains ','; separate endpoints with spaces or commas, each starting with http:// or https://")
        }
        while path.hasSuffix("/") { path = path.dropLast() }
        var url = scheme + authority + path
        if !url.hasSuffix("/api") { url += "/api" }
        self.url = url
        self.credentials = found
    }

    /// The normalized URL (``url``): never a password.
    public var description: String { url }

    /// `text` with any password replaced by `****`.
    public static func masked(_ text: String) -> String {
        guard let password = passwordRange(in: text[...]) else { return text }
        return String(text[..<password.lowerBound]) + "****" + String(text[password.upperBound...])
    }

    /// Where the password of each URL in `text` (one URL, or a list of them as ``ClientConfiguration/parseEndpoints(_:)``
    /// takes it) is, found as ``masked(_:)`` finds it: what must never be shown, nor stay in the process's arguments.
    package static func passwordRanges(in text: String) -> [Range<String.Index>] {
        var starts: [String.Index] = []
        var rest = text[...]
        while let scheme = rest.firstRange(of: "://") {
            var start = scheme.lowerBound
            while start > rest.startIndex, text[text.index(before: start)].isLetter { start = text.index(before: start) }
            starts.append(start)
            rest = text[scheme.upperBound...]
        }
        if starts.isEmpty { starts = [text.startIndex] }
        return starts.indices.compactMap { index in
            passwordRange(in: text[starts[index]..<(index + 1 < starts.count ? starts[index + 1] : text.endIndex)])
        }
    }

    /// The password of one URL (`scheme://user:password@host…`, or `user:password@host…` without a scheme), if any.
    static func passwordRange(in text: Substring) -> Range<String.Index>? {
        // Without a scheme ("user:pass@host"), the user information starts at the beginning.
        let afterScheme = text.firstRange(of: "://").map { text[$0.upperBound...] } ?? text
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var at = authority.lastIndex(of: "@")
        if at == nil, !hasValidPort(authority) {
            // "user:pa/ss@host": the password runs past the first '/'; it ends at the last '@'.
            at = afterScheme.lastIndex(of: "@")
        }
        guard let at, let colon = afterScheme[..<at].firstIndex(of: ":") else { return nil }
        return text.index(after: colon)..<at
    }

    /// Why libcurl could not use `hostPort` (`host[:port]`, user information taken out) as the authority of an
    /// endpoint or a proxy, or `nil`: the one rule for both, so that a mistake is exit 2 at once, never a retried
    /// "could not resolve" or "bad URL" from libcurl.
    package static func authorityProblem(_ hostPort: Substring) -> String? {
        // A password holding '/', '?' or '#' (not percent-encoded) ends the authority early and leaves
        // "user:pa" as host and port; refuse it, or the rest of the password would be shown as part of the URL.
        guard hasValidPort(hostPort) else {
            return "its port is not a number (a password containing '/', '?', '#' or '@' must be percent-encoded, e.g. %2F)"
        }
        if let port = port(hostPort), !(1...65535).contains(port) {
            return "its port \(port) is not a number from 1 to 65535"
        }
        return hostProblem(hostPort)
    }

    /// Characters no host name holds, as libcurl lists them (`HOSTNAME_INVALID_CHARS`): it would refuse the URL
    /// ("bad format") only once asked to send.
    private static let invalidHostCharacters = Set(" \t\r/\n:#?!@{}[]\\$'\"^`*<>=;,+&()%|")

    /// Why libcurl could not use the host of `hostPort` (`host[:port]`, user information taken out), or `nil`: a
    /// name must be non-empty, without the characters libcurl refuses (a `%`-escape included: a host name needs
    /// none), neither `.` nor ending in `..`, and ASCII; `[…]` must hold an IPv6 address, with an optional zone (`%25eth0`).
    static func hostProblem(_ hostPort: Substring) -> String? {
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            let inside = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            var address = inside
            if let percent = inside.firstIndex(of: "%") {
                address = inside[..<percent]
                var zone = inside[inside.index(after: percent)...]
                if zone.hasPrefix("25"), zone.count > 2 { zone = zone.dropFirst(2) }
                guard !zone.isEmpty, zone.utf8.count < 16 else { return "its IPv6 zone is empty or too long" }
            }
            return IPAddress.isIPv6(address) ? nil
                : "\"[\(OrchestratorError.shown(String(inside), limit: 60))]\" is not an IPv6 address"
        }
        let host = hostPort.prefix { $0 != ":" }
        if host.isEmpty { return "it names no host" }
        if let bad = host.first(where: { invalidHostCharacters.contains($0) }) {
            return "its host name contains '\(bad)', which no host name holds"
        }
        if host == "." || host.hasSuffix("..") { return "its host name \"\(OrchestratorError.shown(String(host), limit: 60))\" is not a name" }
        // Whether libcurl converts an international name depends on how it was built (libidn2 or not); the ASCII
        // form is taken by every build.
        if !host.allSatisfy(\.isASCII) {
            return "its host name \"\(OrchestratorError.shown(String(host), limit: 60))\" is not ASCII; write the name in its "
                + "IDN (punycode) form, xn--… (as `idn2 NAME` prints it)"
        }
        return nil
    }

    /// The decimal port of `authority` (`[user[:password]@]host[:port]`), if it names one.
    static func port(_ authority: Substring) -> Int? {
        var hostPort = authority
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") { hostPort = hostPort[hostPort.index(after: close)...] }
        guard let colon = hostPort.lastIndex(of: ":") else { return nil }
        let digits = hostPort[hostPort.index(after: colon)...]
        return digits.isEmpty ? nil : Int(digits)
    }

    /// True when `authority` (`[user[:password]@]host[:port]`) ends in no port, an empty one, or a decimal one.
    static func hasValidPort(_ authority: Substring) -> Bool {
        var hostPort = authority
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return false }
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.isEmpty { return true }
            guard hostPort.hasPrefix(":") else { return false }
            return hostPort.dropFirst().allSatisfy { $0.isASCII && $0.isNumber } && hostPort.count <= 6
        }
        guard let colon = hostPort.firstIndex(of: ":") else { return true }
        let port = hostPort[hostPort.index(after: colon)...]
        return port.count <= 5 && port.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// HTTP basic-auth credentials.
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    /// The user name.
    public let user: String
    /// The password; never printed.
    public let password: String

    /// `user` and `password` as given: neither is checked here (``ClientConfiguration/resolve(_:overrides:)`` refuses
    /// what libcurl could not send).
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// Parses `user:password` as ``ConfigurationOverrides/auth`` takes it.
    public init(parsing text: String, source: ValueSource = .override(.credentials)) throws(OrchestratorError) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            // Not shown: without the ':' the whole value may be the password.
            throw .input(.notUserAndPassword(source))
        }
        self.init(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    /// Shows the user only.
    public var description: String { "\(user):****" }

    static func maskedPair(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":****"
    }
}
