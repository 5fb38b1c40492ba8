/// One GET request to an endpoint. Every orchestrator API call is a GET, mutations included.
package struct HTTPRequest: Sendable, Equatable {
    /// The endpoint to ask.
    package let endpoint: Endpoint
    /// The path below the endpoint's `/api`, already encoded, e.g. `discover/db1/3306`.
    package let path: String
    /// Longest wait for the whole exchange; a request that waited for a free connection has that much less.
    package var timeoutMilliseconds: Int
    /// Whether sending it twice could apply a change twice: a change is sent on a connection of its own (see
    /// ``CurlTransport``) and never retried once it may have reached a server.
    package let safety: RequestSafety
    /// Ask for the server certificate's expiry (https; only a transfer that makes the TLS handshake sees it).
    package var wantsCertificate = false
    /// The largest answer this request reads, when smaller than ``ClientConfiguration/maximumAnswerBytes``: a
    /// larger one fails as ``TransportFailure/Kind/tooLarge`` (the endpoint report's probes read tiny answers).
    package var maximumAnswerBytes: Int?

    package init(endpoint: Endpoint, path: String, timeoutMilliseconds: Int, safety: RequestSafety = .readOnly) {
        self.endpoint = endpoint
        self.path = path
        self.timeoutMilliseconds = timeoutMilliseconds
        self.safety = safety
    }

    /// A connection of its own (`CURLOPT_FRESH_CONNECT`): a change, because libcurl silently resends a request whose
    /// kept connection closed unanswered; a certificate probe, because only a transfer that makes the TLS handshake
    /// sees the certificate.
    package var needsOwnConnection: Bool { safety == .changes || wantsCertificate }

    /// The full URL; it never holds credentials.
    package var url: String { endpoint.url + "/" + path }
}

/// What an endpoint answered.
package struct HTTPAnswer: Sendable, Equatable {
    /// The HTTP status code.
    package let status: Int
    /// The `Content-Type` header, if any.
    package let contentType: String?
    /// The body's bytes.
    package let body: [UInt8]
    /// Where a redirect (3xx) points, from its `Location` header; redirects are never followed.
    package var location: String? = nil
    /// Nothing but the connection's close marked the body's end (HTTP/1.x without `Content-Length` or chunks): an
    /// answer cut short cannot be told from a whole one.
    package var endedByClose = false
    /// How long the exchange took, connecting included.
    package var elapsedMilliseconds = 0
    /// The certificate of the chain the server presented that expires first, when the request asked for it.
    package var certificateExpiry: EarliestCertificate?
}

/// Why no answer arrived.
package struct TransportFailure: Sendable, Equatable, Error {
    /// The kind of failure: how it is worded, and whether trying again can help.
    package enum Kind: Sendable, Equatable {
        /// The connection was refused (by the endpoint, or by the proxy in between).
        case refused
        /// The host name (the endpoint's, or the proxy's) could not be resolved.
        case unresolved
        /// No connection to the endpoint within the connect timeout (or no free connection in time).
        case connectTimeout
        /// Connected, but the answer did not complete in time.
        case timeout
        /// The connection broke or closed before the answer was complete, or what came back is not HTTP/1.x or a
        /// well-formed HTTP/2 stream.
        case broken
        /// TLS could not be established or verified, or failed after the handshake.
        case tls
        /// The proxy answered the request for a tunnel, or the request itself, with a refusal (407, 403, 502…).
        case proxyRefused
        /// The server refused the request's HTTP/2 stream each time libcurl sent it (libcurl resends a refused stream
        /// itself, 5 times): not processed, and not worth sending again at once.
        case refusedStream
        /// The answer exceeded the size the client accepts.
        case tooLarge
        /// Our own side cannot send at all: TLS files libcurl cannot use, libcurl cannot be loaded. The same for
        /// every endpoint, so reported once, as ``OrchestratorError/Code/usage``.
        case configuration
        /// Anything else libcurl reports.
        case other
        /// The caller cancelled before the request was sent (still queued, or connecting).
        case cancelledBeforeSending
        /// The caller cancelled after the request may have been sent: a change may or may not have been made.
        case cancelledAfterSending
    }

    /// Whether the request may have reached orchestrator: what decides if a change that failed may be sent again
    /// (``notSent``), or has an unknown outcome (``maybeSent``). The transport decides it from what libcurl reports
    /// of the transfer (see `TransferFacts.delivery`), for every kind of failure alike.
    package enum Delivery: Sendable, Equatable {
        /// Provably never reached orchestrator: not connected to it, the proxy's tunnel or the TLS handshake with it
        /// never completed, orchestrator's side refused the handshake (our certificate) before reading a byte, or
        /// refused every HTTP/2 stream it was sent on (`REFUSED_STREAM`: not processed).
        case notSent
        /// Written to orchestrator (or to a proxy that forwards it), or libcurl cannot say that it was not.
        case maybeSent
    }

    /// The kind of failure.
    package let kind: Kind
    /// What happened, in words, e.g. "connection refused".
    package let reason: String
    /// How long the attempt took.
    package let elapsedMilliseconds: Int
    /// Whether the request may have reached orchestrator.
    package let delivery: Delivery
    /// The failure was the proxy's (which ``reason`` then names), not the endpoint's.
    package let failedAtProxy: Bool

    /// A failure whose delivery follows from its kind alone: a connection refused or not made in time, a name not
    /// resolved, a queue that never freed, a cancellation before sending, our own configuration: never sent. Any
    /// other kind may have been; a failure before any transfer starts says so with
    /// ``init(kind:reason:elapsedMilliseconds:delivery:failedAtProxy:)``.
    package init(kind: Kind, reason: String, elapsedMilliseconds: Int) {
        let unsent: [Kind] = [.refused, .unresolved, .connectTimeout, .configuration, .cancelledBeforeSending]
        self.init(kind: kind, reason: reason, elapsedMilliseconds: elapsedMilliseconds, delivery: unsent.contains(kind) ? .notSent : .maybeSent)
    }

    package init(kind: Kind, reason: String, elapsedMilliseconds: Int, delivery: Delivery, failedAtProxy: Bool = false) {
        self.kind = kind
        self.reason = reason
        self.elapsedMilliseconds = elapsedMilliseconds
        self.delivery = delivery
        self.failedAtProxy = failedAtProxy
    }

    /// True when the request provably never reached orchestrator, so even a change may be sent again.
    package var requestNeverSent: Bool { delivery == .notSent }

    /// True when the caller cancelled the request.
    package var isCancellation: Bool { kind == .cancelledBeforeSending || kind == .cancelledAfterSending }

    /// True when trying the same request again cannot help: our configuration, a TLS problem, a proxy's refusal,
    /// streams libcurl already sent again, an answer too large. (Whether a retry is *safe* is ``delivery``'s to say.)
    package var isPermanent: Bool { [.configuration, .tls, .proxyRefused, .refusedStream, .tooLarge].contains(kind) }
}

/// The result of one request.
package typealias HTTPOutcome = Result<HTTPAnswer, TransportFailure>

/// Sends requests: libcurl for real (``CurlTransport``); tests substitute a double to run the command line in-process.
package protocol HTTPSending: AnyObject {
    /// Sends `requests` at the same time. As soon as `isEnough` accepts an outcome, the requests still
    /// running are abandoned and reported as `nil`.
    func send(_ requests: [HTTPRequest], isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?]
    /// As ``send(_:isEnough:)``; with `preferringEarlier`, an outcome that is enough waits a short grace for the
    /// requests listed before it (leader probes: the first claimant in configured order is chosen).
    func send(_ requests: [HTTPRequest], preferringEarlier: Bool, isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?]
}

extension HTTPSending {
    /// Test doubles answer at once: there is nothing to wait for.
    package func send(_ requests: [HTTPRequest], preferringEarlier: Bool, isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?] {
        send(requests, isEnough: isEnough)
    }
}

/// Sends requests without blocking the caller's thread: ``TransferLoop`` (the library's reused connections, one I/O
/// thread per client); tests substitute a double.
package protocol AsyncHTTPSending: Sendable {
    /// Sends `requests` at the same time and returns once `isEnough` accepts an outcome (the others are reported as
    /// `nil`; they run on unawaited within their time bound, so that their connections are kept). A change
    /// (``HTTPRequest/safety``) never rides a connection kept from an earlier request: libcurl silently sends a
    /// request again when a reused connection answers nothing, which for a change is not provably safe.
    /// Cancelling the calling task abandons the requests at once; they are reported as
    /// ``TransportFailure/Kind/cancelledBeforeSending`` or ``TransportFailure/Kind/cancelledAfterSending``.
    /// With `preferringEarlier`, an outcome that is enough waits briefly for the requests listed before it (leader
    /// probes: the first claimant in configured order is chosen, not the first to answer), as ``OutcomeCollector`` rules.
    func send(_ requests: [HTTPRequest], preferringEarlier: Bool, isEnough: @escaping @Sendable (HTTPOutcome) -> Bool) async -> [HTTPOutcome?]
}
