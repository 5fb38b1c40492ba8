import CCurl
import Testing
@testable import OrchestratorClientKit

/// The one rule of whether a failed request may have reached orchestrator (`TransferFacts.delivery`), judged from
/// what libcurl reports of the transfer, for every error code alike. The end-to-end cases are in DeliveryTests and
/// HTTP2DeliveryTests.
@Suite("Whether a failed request may have reached orchestrator")
struct DeliveryRuleTests {
    /// Codes libcurl reports at any stage of a transfer, and some it may add later.
    static let codes: [CURLcode] = [CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                                    CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_CONTENT_ENCODING, CURLE_WEIRD_SERVER_REPLY,
                                    CURLE_SSL_CONNECT_ERROR, CURLE_OPERATION_TIMEDOUT, CURLcode(rawValue: 16), CURLcode(rawValue: 92),
                                    CURLcode(rawValue: 97), CURLcode(rawValue: 250)]

    static func facts(_ code: CURLcode, started: Bool?, detail: String = "") -> TransferFacts {
        var facts = TransferFacts(code: code, detail: detail, elapsedMilliseconds: 5, isHTTPS: true)
        facts.requestStarted = started
        facts.connected = started
        facts.codeText = "libcurl's words"
        return facts
    }

    @Test("before the connection to orchestrator was ready, nothing was sent, whatever the code", arguments: codes)
    func notStartedIsNotSent(code: CURLcode) {
        #expect(Self.facts(code, started: false).failure.delivery == .notSent)
    }

    @Test("after it, or when libcurl cannot say, the request may have been sent, whatever the code", arguments: codes)
    func startedMayHaveBeenSent(code: CURLcode) {
        #expect(Self.facts(code, started: true).failure.delivery == .maybeSent)
        #expect(Self.facts(code, started: nil).failure.delivery == .maybeSent)
    }

    @Test("a TLS alert refusing our certificate proves the request was not read; another alert does not",
          arguments: [("tlsv13 alert certificate required", true), ("tlsv1 alert unknown ca", true),
                      ("sslv3 alert bad certificate", true), ("sslv3 alert bad record mac", false),
                      ("tlsv1 alert internal error", false)])
    func alerts(detail: String, refused: Bool) {
        let facts = Self.facts(CURLE_RECV_ERROR, started: true, detail: "openssl ssl_read: " + detail)
        #expect(facts.failure.delivery == (refused ? .notSent : .maybeSent))
        #expect(facts.failure.kind == .tls)
    }

    @Test("every attempt refused by HTTP/2 REFUSED_STREAM on a connection of the request's own: not processed")
    func refusedStreams() {
        var facts = Self.facts(CURLE_SEND_ERROR, started: true, detail: "connection died, tried 5 times before giving up")
        #expect(facts.failure.delivery == .maybeSent, "on a kept connection libcurl also retries a connection that died")
        facts.freshConnection = true
        #expect(facts.failure.delivery == .notSent)
        #expect(facts.failure.reason.contains("REFUSED_STREAM"))
    }

    @Test("a proxy's refusal of the tunnel is the proxy's failure, named, and never delivered")
    func proxyRefusal() {
        var facts = Self.facts(CURLE_RECV_ERROR, started: false, detail: "connect tunnel failed, response 407")
        facts.proxy = "http://proxy:3128 (from https_proxy)"
        facts.proxyStatus = 407
        let failure = facts.failure
        #expect(failure.kind == .proxyRefused)
        #expect(failure.failedAtProxy)
        #expect(failure.delivery == .notSent)
        #expect(failure.reason.hasPrefix("the proxy http://proxy:3128 (from https_proxy) refused the tunnel to the endpoint: HTTP 407"))
    }
}
