#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The TLS peer a failure came from, with what verified it: orchestrator, or an https proxy on the way to it.
package enum TLSPeer: Sendable, Equatable {
    case server(PeerTrust)
    case proxy(PeerTrust)

    /// `the server`, `the proxy`.
    var name: String {
        switch self {
        case .server: "the server"
        case .proxy: "the proxy"
        }
    }

    /// Where its name is written.
    var url: String {
        switch self {
        case .server: "the endpoint"
        case .proxy: "the proxy's URL"
        }
    }
}

/// How the transport words its failures: pure text from libcurl's (the TLS library's) words and the system's `errno`,
/// apart from ``CurlTransport``'s calls into libcurl (which stay in that one file, see Sources/CCurl/shim.h).
extension CurlTransport {
    /// The reason given when an answer does not fit in the memory this process may use.
    package static let outOfMemoryReason = "not enough memory for the answer (is the process limited with ulimit -v?)"

    /// How sure a hint about our client certificate can be.
    enum Certainty { case certain, likely, possible }

    /// The one hint that points at the client certificate: the server said it requires one (`certain`), refused the
    /// handshake as servers requiring one do (`likely`), or closed as such a server may (`possible`); `given`: one was.
    static func clientCertificateHint(_ certainty: Certainty, given: Bool = false) -> String {
        let give = "give \(SettingMention.of(.clientCertificate)) and \(SettingMention.of(.clientKey))"
        switch certainty {
        case .certain: return "; the server requires a client certificate: " + give
        case .likely: return "; the server may require a client certificate: " + give
        case .possible:
            return given ? "; if the server refused our client certificate, that looks like this too"
                : "; if the server requires a client certificate, its refusal looks like this too: then " + give
        }
    }

    /// True when libcurl's message reports a TLS alert from the peer (e.g. `tlsv13 alert certificate required`).
    static func isTLSAlert(_ detail: String) -> Bool {
        detail.contains("alert") && (detail.contains("ssl") || detail.contains("tls"))
    }

    /// True when libcurl's message says that what answered the TLS handshake does not speak TLS.
    static func isNotTLS(_ detail: String) -> Bool {
        detail.contains("wrong version number") || detail.contains("packet length too long") || detail.contains("record layer failure")
    }

    /// What came back after the request is not HTTP/1.x (`detail`, libcurl's words): HTTP/0.9 is what a TLS or
    /// HTTP/2-only server looks like to a plain HTTP/1.1 request.
    static func notHTTPReason(_ detail: String, isHTTPS: Bool) -> String {
        guard detail.contains("http/0.9") else { return "the answer is not HTTP (\(detail))" }
        return "the server did not answer in HTTP/1.x (\(detail)); " + (isHTTPS ? "orchestrator speaks HTTP/1.1"
            : "it may speak https (write https:// in the endpoint) or HTTP/2 only (orchestrator speaks HTTP/1.1)")
    }

    /// One accurate hint per TLS failure, from libcurl's (OpenSSL's) words; empty when none fits.
    static func tlsHint(_ detail: String, peer: TLSPeer) -> String {
        let who = peer.name
        // The peer's certificate.
        if detail.contains("certificate has expired") {
            // OpenSSL says the same of an expired intermediate the peer sends as of its own certificate.
            return "; a certificate of \(who)'s chain has expired (its own, or an intermediate it sends): it must be renewed on \(who)"
        }
        if detail.contains("certificate is not yet valid") {
            return "; \(who)'s certificate is not valid yet: check this host's clock, and the certificate's start date"
        }
        if detail.contains("does not match target host name") || detail.contains("no alternative certificate subject name matches") {
            return "; \(who)'s certificate is for another name: use a name it was issued for in \(peer.url)"
        }
        if detail.contains("self-signed certificate") || detail.contains("self signed certificate")
            || detail.contains("unable to get local issuer certificate") || detail.contains("unable to get issuer certificate")
            || detail.contains("unable to verify the first certificate") {
            return untrustedHint(peer)
        }
        // The protocol.
        if isNotTLS(detail) {
            return "; \(who) does not speak TLS there: write http:// in \(peer.url), or use its https port"
        }
        if detail.contains("unsupported protocol") || detail.contains("alert protocol version") || detail.contains("no protocols available")
            || detail.contains("version too low") {
            return "; \(who) offers only TLS 1.0 or 1.1, which the client refuses (RFC 8996): enable TLS 1.2 or later on \(who)"
        }
        if detail.contains("legacy sigalg") {
            return "; \(who) signs the handshake with a legacy algorithm (SHA-1 or MD5, as TLS 1.0 and 1.1 do), which this "
                + "host's TLS library refuses: enable TLS 1.2 or later with SHA-256 signatures on \(who)"
        }
        guard case .server = peer else {
            return detail.contains("certificate required") ? "; the proxy requires a client certificate, which the client does not give proxies" : ""
        }
        // Our client certificate, as the server judged it.
        if detail.contains("alert certificate expired") {
            return "; the server refused our client certificate: it has expired; renew it (\(SettingMention.of(.clientCertificate)))"
        }
        if detail.contains("certificate required") {
            return clientCertificateHint(.certain)
        }
        if detail.contains("alert unknown ca") || detail.contains("alert bad certificate") || detail.contains("alert certificate unknown")
            || detail.contains("alert certificate revoked") || detail.contains("alert unsupported certificate") {
            return "; the server refused our client certificate"
        }
        if detail.contains("alert handshake failure") {
            return clientCertificateHint(.likely)
        }
        return ""
    }

    /// A peer's certificate signed by no authority trusted for it: the setting that would trust it when none was given
    /// for that peer, else the authorities that were given (which a different setting would not mend).
    static func untrustedHint(_ peer: TLSPeer) -> String {
        let (trust, setting): (PeerTrust, Setting) = switch peer {
        case .server(let trust): (trust, .caFile)
        case .proxy(let trust): (trust, .proxyCAFile)
        }
        guard trust.verifies, !trust.locations.isEmpty else {
            return "; \(peer.name)'s certificate is not signed by an authority this host trusts: trust its certificate authority with "
                + "\(SettingMention.of(setting)) or \(setting.environmentVariable!)"
        }
        let given = trust.locations.map(describe).joined(separator: " or ")
        let store = trust.file == nil ? "this host's store or " : ""
        return "; \(peer.name)'s certificate is not signed by an authority in \(store)\(given): add the authority that signed it there"
    }

    /// Orchestrator's certificate refused through an https proxy, where libcurl gives no reason: which hop, which
    /// authorities were used, and how to see why.
    static func unverifiedThroughTLSProxyHint(_ peer: TLSPeer) -> String {
        guard case .server(let trust) = peer else { return "" }
        let authorities = trust.locations.isEmpty ? "this host's store" : trust.locations.map(describe).joined(separator: " or ")
        return "; orchestrator's certificate (not the proxy's) was not verified against the authorities in \(authorities); "
            + "libcurl gives no reason through an https proxy: `openssl s_client -connect HOST:PORT` from a host that reaches "
            + "the endpoint directly shows it (an authority missing from \(SettingMention.of(.caFile)), an expired or "
            + "misnamed certificate)"
    }

    /// A location of certificate authorities as messages name it: its setting or variable, and its path.
    static func describe(_ location: AuthorityLocation) -> String {
        "\(mention(location.source)) (\(OrchestratorError.shown(location.path)))"
    }

    /// A setting or variable inside a text written while requests run: a mention of a setting (worded by the reader),
    /// or the variable's own name.
    static func mention(_ source: ValueSource) -> String {
        switch source {
        case .setting(let setting): [SettingMention.of(setting), setting.environmentVariable].compactMap { $0 }.joined(separator: "/")
        case .override(let setting): SettingMention.of(setting)
        case .environment(let setting): setting.environmentVariable ?? setting.rawValue
        case .input, .named: source.description
        }
    }

    /// Why libcurl could not use our own TLS files (a certificate with another certificate's key, a wrong pass
    /// phrase, contents it cannot parse), naming the setting of the file it names, and what to check.
    static func localTLSProblem(_ detail: String, tls: TLSOptions) -> String {
        var reason = "the TLS files cannot be used: \(detail)"
        let authorities = tls.serverTrust.locations + tls.proxyTrust.locations
        if detail.contains("does not match") || detail.contains("key values mismatch") {
            reason += "; \(SettingMention.of(.clientKey)) is not the key of \(SettingMention.of(.clientCertificate))"
        } else if detail.contains("private key") || detail.contains("key file") {
            reason += "; check \(SettingMention.of(.clientKey)), and \(SettingMention.of(.keyPasswordFile)) if the key is encrypted"
        } else if let named = authorities.first(where: { detail.contains($0.path.lowercased()) }) {
            reason += "; check \(describe(named))"
        } else if detail.contains("verify locations") || detail.contains("ca cert") || detail.contains("cafile")
            || (tls.certificateFile == nil && detail.contains("certificate")) {
            reason += authorities.isEmpty ? "; this host's store of certificate authorities cannot be read: give "
                + "\(SettingMention.of(.caFile)) or ORCHESTRATOR_CA_FILE"
                : "; check " + authorities.map(describe).joined(separator: " and ") + " (PEM files of certificates)"
        } else if tls.certificateFile != nil || tls.keyFile != nil {
            reason += "; check \(SettingMention.of(.clientCertificate)) and \(SettingMention.of(.clientKey))"
        }
        return reason
    }

    /// A connection that could not be made, from the system's `errno` (CURLINFO_OS_ERRNO): not always "refused".
    static func connectFailure(errno code: Int32, detail: String) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ENETUNREACH: return "network unreachable (no route to its network from this host)"
        case EHOSTUNREACH: return "host unreachable (no route to it from this host)"
        case EINVAL: return "invalid address (an IPv6 link-local address needs its interface, e.g. [fe80::1%25eth0])"
        case EMFILE, ENFILE: return "too many open files (raise ulimit -n)"
        case EADDRNOTAVAIL: return "no local address to connect from (EADDRNOTAVAIL)"
        case EACCES, EPERM: return "connection not permitted (a firewall rule or security policy)"
        case ETIMEDOUT: return "connection timed out"
        case 0: return detail.isEmpty ? "connection failed" : "connection failed: \(detail)"
        default: return "connection failed: " + String(cString: strerror(code)).lowercased()
        }
    }

    /// `512 MiB`, `64 KiB`, or bytes.
    static func describeSize(_ bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
