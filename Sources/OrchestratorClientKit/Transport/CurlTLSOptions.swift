import CCurl

/// One libcurl option and its value, decided without calling libcurl: ``CurlTransport`` sets them (the one file that
/// calls it, see Sources/CCurl/shim.h).
enum CurlOption: Equatable {
    case long(CURLoption, Int)
    case string(CURLoption, String)
}

extension TLSOptions {
    /// libcurl's TLS options for one transfer: what verifies orchestrator, our client certificate, TLS 1.2 at least;
    /// with `tlsProxy` (a proxy spoken to over TLS), the proxy's own, which orchestrator's settings never reach.
    ///
    /// The authorities in use are always given explicitly, whichever setting or variable named them
    /// (``serverTrust``, ``proxyTrust``): libcurl itself reads none of the variables curl's tool reads.
    func curlOptions(tlsProxy: Bool) -> [CurlOption] {
        var options: [CurlOption] = []
        let server = serverTrust
        if let file = server.file { options.append(.string(CURLOPT_CAINFO, file.path)) }
        if let directory = server.directory { options.append(.string(CURLOPT_CAPATH, directory.path)) }
        if let certificateFile { options.append(.string(CURLOPT_SSLCERT, certificateFile)) }
        if let keyFile { options.append(.string(CURLOPT_SSLKEY, keyFile)) }
        if keyFile != nil || certificateFile != nil {
            // Always a pass phrase (empty without one): OpenSSL would otherwise ask for it on the terminal, or read
            // it from standard input, and wait for ever. An encrypted key without one is refused before (TLSFiles).
            options.append(.string(CURLOPT_KEYPASSWD, keyPassword ?? ""))
        }
        if !server.verifies { options += [.long(CURLOPT_SSL_VERIFYPEER, 0), .long(CURLOPT_SSL_VERIFYHOST, 0)] }
        // TLS 1.2 at least (RFC 8996), whatever this host's TLS library still accepts by default: TLS 1.0 with a
        // static-RSA cipher would carry the password without forward secrecy. (CURL_SSLVERSION_TLSv1_2, 7.34.0.)
        options.append(.long(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2))
        guard tlsProxy else { return options }
        let proxy = proxyTrust
        if let file = proxy.file { options.append(.string(CURLOPT_PROXY_CAINFO, file.path)) }
        if let directory = proxy.directory { options.append(.string(CURLOPT_PROXY_CAPATH, directory.path)) }
        if !proxy.verifies { options += [.long(CURLOPT_PROXY_SSL_VERIFYPEER, 0), .long(CURLOPT_PROXY_SSL_VERIFYHOST, 0)] }
        options.append(.long(CURLOPT_PROXY_SSLVERSION, CURL_SSLVERSION_TLSv1_2))
        return options
    }
}

extension TLSPeer {
    /// The peer a TLS failure came from: the https proxy while no tunnel through it was made (its certificate not
    /// verified, when verified at all: libcurl's `proxyVerifyResult` stays non-zero until it is; or no answer to
    /// CONNECT yet, `connectCode` 0; or an http endpoint, which only the proxy's hop encrypts); orchestrator otherwise.
    init(tls: TLSOptions, throughTLSProxy: Bool, isHTTPS: Bool, proxyVerifyResult: Int?, connectCode: Int) {
        let proxyFailed = tls.proxyTrust.verifies && (proxyVerifyResult ?? 0) != 0
        self = throughTLSProxy && (proxyFailed || !isHTTPS || connectCode == 0) ? .proxy(tls.proxyTrust) : .server(tls.serverTrust)
    }
}
