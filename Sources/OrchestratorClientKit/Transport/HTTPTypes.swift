/// One GET request to an endpoint. Every orchestrator API call is a GET, mutations included.
package struct HTTPRequest: Sendable, Equatable {
    /// The endpoint to ask.
    package let endpoint: Endpoint
    /// The path below the endpoint's `/api`, already encoded, e.g. `discover/db1/3306`.
    package let path: String
    /// Longest wait for the whole exchange.
    package let timeoutMilliseconds: Int
    /// Ask for the server certificate's expiry (https; only a transfer that makes the TLS handshake sees it).
    package var wantsCertificate = false


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
    /// How long the exchange took, connecting included.
    package var elapsedMilliseconds = 0
    /// The server certificate's expiry as the TLS library words it, when the request asked for it.
    package var certificateExpiry: String?

}

/// Why no answer arrived.
package struct TransportFailure: Sendable, Equatable, Error {
    /// The kind of failure; decides whether a retry is safe.
    package enum Kind: Sendable, Equatable {
        /// The connection was refused: the request never reached a server.
        case refused
        /// The host name could not be resolved: the request never left.
        case unresolved
        /// No connection within the connect timeout: the request was never sent.
        case connectTimeout
        /// Connected, but the answer did not complete in time: the server may have acted.
        case timeout
        /// The connection broke or closed before the answer was complete.
        case broken
        /// TLS could not be established or verified.
        case tls
        /// The answer exceeded the size the client accepts.
        case tooLarge
        /// Anything else libcurl reports.
        case other
    }

    /// The kind of failure.
    package let kind: Kind
    /// What happened, in words, e.g. "connection refused".
    package let reason: String
    /// How long the attempt took.
    package let elapsedMilliseconds: Int


    /// True when the request provably never reached a server, so even a change may be sent again.
    package var requestNeverSent: Bool {
        kind == .refused || kind == .unresolved || kind == .connectTimeout
    }
}

/// The result of one request.
package typealias HTTPOutcome = Result<HTTPAnswer, TransportFailure>

/// Sends requests: libcurl for real (``CurlTransport``); tests substitute a double to run the command line in-process.
package protocol HTTPSending: AnyObject {
    /// Sends `requests` at the same time. As soon as `isEnough` accepts an outcome, the requests still
    /// running are abandoned and reported as `nil`.
    func send(_ requests: [HTTPRequest], isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?]
}
