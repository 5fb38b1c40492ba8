import CCurl

/// What libcurl reported about a transfer that failed, read by ``CurlTransport`` (the one file that calls libcurl),
/// and the one rule that turns it into a ``TransportFailure``: how it is worded, which hop failed, and whether the
/// request may have reached orchestrator. Pure, so that every transport path (plain, TLS, HTTP/2, through a proxy,
/// blocking or on the library's I/O thread) is judged alike, and so that the rule can be tested without a network.
struct TransferFacts {
    /// libcurl's result.
    var code: CURLcode
    /// libcurl's own words (`CURLOPT_ERRORBUFFER`), lower-cased; often the TLS library's.
    var detail: String
    var elapsedMilliseconds: Int
    var isHTTPS: Bool
    /// The connection to orchestrator was ready (connected, the proxy's tunnel open, the TLS handshake done) and the
    /// request about to be written (`CURLINFO_PRETRANSFER_TIME`); `nil` when libcurl cannot say.
    var requestStarted: Bool?
    /// A TCP connection was made, to the endpoint or to the proxy (`CURLINFO_CONNECT_TIME`); `nil` when unknown.
    var connected: Bool?
    /// The TLS handshake with orchestrator completed (`CURLINFO_APPCONNECT_TIME`); `nil` when unknown.
    var tlsReady: Bool?
    /// The proxy's answer to `CONNECT` (`CURLINFO_HTTP_CONNECTCODE`); 0 when no tunnel was asked for or none answered.
    var proxyStatus: Int = 0
    /// The proxy in use, as messages show it (`http://proxy:3128 (from https_proxy)`); `nil` when going direct.
    var proxy: String?
    /// The system's error for a failed connection (`CURLINFO_OS_ERRNO`).
    var osErrno: Int32 = 0
    /// Bytes of answer headers received (`CURLINFO_HEADER_SIZE`).
    var headerBytes: Int = 0
    /// The request had a connection of its own (a change): libcurl resends on a new connection only a stream the
    /// server refused.
    var freshConnection = false
    var clientCertificateGiven = false
    /// The TLS settings, whose trust a TLS failure's hint names (the proxy's or orchestrator's).
    var tls = TLSOptions()
    /// Through a proxy spoken to over TLS (`https://`), and libcurl's result of verifying its certificate
    /// (`CURLINFO_PROXY_SSL_VERIFYRESULT`: non-zero until verified); `nil` when libcurl cannot say.
    var throughTLSProxy = false
    var proxyVerifyResult: Int?
    /// libcurl's result of verifying orchestrator's certificate (`CURLINFO_SSL_VERIFYRESULT`): 0 once verified;
    /// `nil` when libcurl cannot say.
    var verifyResult: Int?
    /// The write callback refused the body: over the limit, or no memory for it.
    var tooLarge = false
    var outOfMemory = false
    var limit = 0
    /// libcurl's words for `code` (`curl_easy_strerror`), lower-cased.
    var codeText = ""

    /// The one rule of whether the request may have reached orchestrator, from what libcurl reports rather than from
    /// a list of error codes: nothing is written before the connection to orchestrator is ready, so a failure before
    /// that point (refused, unresolved, the proxy's refusal or close, a failed TLS handshake) never delivered it. After
    /// it, only two failures prove the request was not processed: orchestrator's side refusing our certificate (with
    /// TLS 1.3 that alert arrives after the client has written the request, which the server never read), and every
    /// attempt refused by HTTP/2 `REFUSED_STREAM`, which RFC 9113 §8.7 guarantees was not processed (libcurl resends
    /// such a stream on a new connection, up to 5 times, then says "tried 5 times before giving up"; on a connection of
    /// the request's own, nothing else makes it retry). When libcurl cannot say, the request may have been sent.
    var delivery: TransportFailure.Delivery {
        if requestStarted == false { return .notSent }
        if CurlTransport.isTLSAlert(detail) && Self.refusesOurCertificate(detail) { return .notSent }
        if allStreamsRefused { return .notSent }
        return .maybeSent
    }

    /// Every attempt was refused by HTTP/2 `REFUSED_STREAM`: on a connection of the request's own libcurl resends
    /// nothing else, and says "tried 5 times before giving up" when it stops.
    var allStreamsRefused: Bool { freshConnection && detail.contains("times before giving up") }

    /// TLS alerts by which a server refuses the handshake or our client certificate: it read no request.
    static func refusesOurCertificate(_ detail: String) -> Bool {
        ["certificate required", "bad certificate", "unknown ca", "certificate expired", "certificate unknown",
         "certificate revoked", "unsupported certificate", "handshake failure", "access denied", "decrypt error"]
            .contains { detail.contains("alert " + $0) }
    }

    /// The failure these facts describe.
    var failure: TransportFailure {
        let (kind, reason, atProxy) = classified
        return TransportFailure(kind: kind, reason: reason, elapsedMilliseconds: elapsedMilliseconds, delivery: delivery,
                                failedAtProxy: atProxy)
    }

    /// The failure's kind and words, and whether they are about the proxy (which they then name).
    private var classified: (TransportFailure.Kind, String, Bool) {
        if let refusal = proxyRefusal { return refusal }
        if code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR, CurlTransport.isTLSAlert(detail) {
            // With TLS 1.3 a server that refuses the handshake (no or unknown client certificate) says so with an
            // alert the client reads only after sending the request: nothing a retry can fix.
            return tlsFailed(detail)
        }
        switch code {
        case CURLE_COULDNT_CONNECT:
            return (.refused, CurlTransport.connectFailure(errno: osErrno, detail: detail), false)
        case CURLE_COULDNT_RESOLVE_HOST:
            return (.unresolved, "host name not resolved", false)
        case CURLE_OPERATION_TIMEDOUT:
            return timedOut
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED:
            // Our own files, not the server: the same for every endpoint, so said once, as a usage error.
            return (.configuration, CurlTransport.localTLSProblem(detailOrCode, tls: tls), false)
        case CURLE_WRITE_ERROR where outOfMemory:
            return (.tooLarge, CurlTransport.outOfMemoryReason, false)
        case CURLE_WRITE_ERROR where tooLarge:
            return (.tooLarge, "the answer is larger than the limit of \(CurlTransport.describeSize(limit)) "
                        + "(\(SettingMention.of(.maximumAnswerSize)), ORCHESTRATOR_MAX_ANSWER_SIZE)", false)
        case CURLE_OUT_OF_MEMORY, CURLcode(rawValue: 100) /* CURLE_TOO_LARGE, 8.6 */:
            // libcurl refuses headers over 100 KiB; before 8.6 it reports that as "out of memory", its only cause
            // once a transfer runs.
            return (.tooLarge, "the answer's headers are larger than libcurl accepts (100 KiB)", false)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CIPHER:
            return tlsFailed(detailOrCode)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR,
             CURLcode(rawValue: 16) /* CURLE_HTTP2 */, CURLcode(rawValue: 92) /* CURLE_HTTP2_STREAM */:
            if allStreamsRefused {
                return (.refusedStream, "the server refused the request's stream each of the 6 times libcurl sent it (HTTP/2 "
                            + "REFUSED_STREAM: not processed; \(detail))", false)
            }
            if detail.contains("ssl_read") || detail.contains("ssl_write") || detail.contains("ssl routines") {
                // Broken, not a TLS setup problem: a read may be tried again, as after any cut connection.
                return (.broken, "TLS failed after the handshake: \(detail)" + clientCertificateHint, false)
            }
            return (.broken, "connection closed before the answer was complete (\(detailOrCode))" + clientCertificateHint, false)
        default:
            if requestStarted ?? true, code != CURLE_URL_MALFORMAT {
                // After the request was written, whatever else libcurl reports (a status line it cannot read, an
                // unknown transfer encoding) is an answer the client cannot use.
                return (.broken, CurlTransport.notHTTPReason(detailOrCode, isHTTPS: isHTTPS), false)
            }
            return (.other, detail.isEmpty || detail == codeText ? codeText : "\(codeText): \(detail)", false)
        }
    }

    /// libcurl's words, or its code's when it wrote none.
    private var detailOrCode: String { detail.isEmpty ? codeText : detail }

    /// A failure at the proxy, before orchestrator was reached, naming the proxy; `nil` for any other failure.
    private var proxyRefusal: (TransportFailure.Kind, String, Bool)? {
        guard let proxy, requestStarted != true else { return nil }
        if proxyStatus != 0 && !(200..<300).contains(proxyStatus) {
            return (.proxyRefused, "the proxy \(proxy) refused the tunnel to the endpoint: HTTP \(proxyStatus)"
                        + Self.proxyStatusMeaning(proxyStatus), true)
        }
        if code == CURLcode(rawValue: 5) /* CURLE_COULDNT_RESOLVE_PROXY */ {
            return (.unresolved, "the proxy \(proxy): its host name was not resolved", true)
        }
        if code == CURLE_COULDNT_CONNECT {
            return (.refused, "the proxy \(proxy): " + CurlTransport.connectFailure(errno: osErrno, detail: detail), true)
        }
        let closed = code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR
        if closed && proxyStatus == 0 {
            return (.broken, "the proxy \(proxy) closed the connection before the tunnel to the endpoint was open "
                        + "(\(detailOrCode))", true)
        }
        guard (200..<300).contains(proxyStatus), tlsReady != true else { return nil }
        if closed {
            return (.broken, "the connection through the proxy \(proxy) closed before the TLS handshake with the endpoint "
                        + "completed (\(detailOrCode))", true)
        }
        if code == CURLE_SSL_CONNECT_ERROR && CurlTransport.isNotTLS(detailOrCode) {
            // A captive portal, or a proxy that answers on the endpoint's behalf: writing http:// would only move the
            // password to cleartext through the same proxy.
            return (.tls, "TLS failed through the proxy \(proxy): \(detailOrCode); the proxy opened the tunnel, but what "
                        + "answered in it is not the endpoint's TLS (a captive portal, or a proxy that answers for it): "
                        + "have the proxy let the endpoint through, or reach it directly (\(Self.goDirect))", true)
        }
        return nil
    }

    /// The way around every proxy, as hints offer it.
    static var goDirect: String { "\(SettingMention.of(.noProxy)) or ORCHESTRATOR_NO_PROXY=1 goes direct" }

    /// A proxy's answer (to `CONNECT`, or a request it would forward) in words, naming the proxy.
    static func proxyAnswered(_ status: Int, proxy: String) -> String {
        "the proxy \(proxy) answered HTTP \(status)" + proxyStatusMeaning(status)
    }

    /// What a proxy's refusal of a tunnel means, and what to change.
    static func proxyStatusMeaning(_ status: Int) -> String {
        switch status {
        case 407: return " (the proxy wants credentials: put them in its URL, http://user:password@proxy:port)"
        case 403: return " (the proxy does not allow this destination: ask for it to be allowed, or reach it directly: \(goDirect))"
        case 502, 504: return " (the proxy could not reach the endpoint)"
        case 503: return " (the proxy is unavailable)"
        default: return ""
        }
    }

    /// Timed out: before the request was written, nothing was sent (a connection, the proxy's tunnel or the TLS
    /// handshake took too long); after, the server may have acted.
    private var timedOut: (TransportFailure.Kind, String, Bool) {
        guard requestStarted == false || connected == false else {
            return (.timeout, "no complete answer after \(elapsedMilliseconds) ms", false)
        }
        if connected == false && detail.hasPrefix("resolving timed out") {
            return (.connectTimeout, "the host name was not resolved within \(elapsedMilliseconds) ms", false)
        }
        if let proxy, !(200..<300).contains(proxyStatus) {
            // libcurl does not time the connection to the proxy apart from the tunnel's: say only where it stopped.
            return (.connectTimeout, "no connection through the proxy \(proxy) after \(elapsedMilliseconds) ms", true)
        }
        let stage = connected == false ? "" : isHTTPS && tlsReady != true ? " (the TLS handshake did not complete)" : ""
        return (.connectTimeout, "no connection after \(elapsedMilliseconds) ms" + stage, false)
    }

    /// A TLS failure in `words`, naming the peer that failed (an https proxy by its name, the failure then being the
    /// proxy's) and the hint that fits it.
    private func tlsFailed(_ words: String) -> (TransportFailure.Kind, String, Bool) {
        let peer = TLSPeer(tls: tls, throughTLSProxy: throughTLSProxy, isHTTPS: isHTTPS, proxyVerifyResult: proxyVerifyResult,
                           connectCode: proxyStatus)
        if case .proxy = peer, let proxy {
            return (.tls, "TLS with the proxy \(proxy) failed: \(words)" + CurlTransport.tlsHint(words, peer: peer), true)
        }
        // Through a proxy, "not TLS" from the endpoint's side is the proxy's doing (proxyRefusal says so), not http://.
        var hint = proxy != nil && CurlTransport.isNotTLS(words) ? "" : CurlTransport.tlsHint(words, peer: peer)
        if hint.isEmpty, throughTLSProxy, words.contains("ssl_error_syscall"), let verifyResult, verifyResult != 0 {
            // Inside an https proxy's TLS, libcurl loses OpenSSL's reason for refusing orchestrator's certificate.
            hint = CurlTransport.unverifiedThroughTLSProxyHint(peer)
        }
        return (.tls, "TLS failed: \(words)\(hint)", false)
    }

    /// A TLS 1.3 server refusing the client certificate often resets the connection right after the handshake,
    /// before its alert is read: said only when that is what happened (https, the handshake done, not a word of
    /// answer, no HTTP/2 error, no TLS error but one in writing the request).
    private var clientCertificateHint: String {
        // Writing the request is where such a reset meets the client; reading garbage or an HTTP/2 error is not it.
        let duringWrite = detail.contains("ssl_write") || !detail.contains("ssl")
        guard isHTTPS, headerBytes == 0, code != CURLE_PARTIAL_FILE, tlsReady != false, duringWrite,
              !detail.contains("http/2"), !detail.contains("tried") else { return "" }
        return CurlTransport.clientCertificateHint(.possible, given: clientCertificateGiven)
    }
}
