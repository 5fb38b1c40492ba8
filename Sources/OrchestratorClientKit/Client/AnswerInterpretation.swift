/// What an answer, or its absence, means: the shape checks and the mapping to ``OrchestratorError``, once for both
/// ways of waiting (see ``SessionCore``).
extension SessionCore {
    /// A 2xx answer is success only when it holds what the command prints (the `api` command takes anything).
    static func checkShape(of answer: APIAnswer, for spec: CommandSpec, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        if case .route = spec.kind, let problem = AnswerShape.problem(spec.output, answer.document.root) {
            throw .unexpectedAnswer(endpoint: answer.endpoint.url, path: path.encoded, status: answer.status, problem: problem)
        }
        return answer
    }

    static let raftStatePath = APIPath(segments: ["raft-state"])

    /// Refuses a `raft-state` answer that does not say `Leader`.
    static func checkRaftState(_ state: APIAnswer) throws(OrchestratorError) {
        guard let text = state.document.root.stringValue, text.contains("Leader") else {
            let shown = state.document.root.byteCount > 200 ? "a \(state.document.root.typeName)"
                : OrchestratorError.shown(JSONPrinter.render(state.json, style: .inline))
            throw .apiFailure(APIFailure(endpoint: state.endpoint.url, status: state.status,
                                         message: "Cannot determine raft state: \(state.endpoint.url) answered raft-state " + shown,
                                         details: nil))
        }
    }

    /// The error for a request that got no usable answer. One rule for a change, whatever failed: once its request
    /// may have reached orchestrator (``TransportFailure/delivery``, decided by the transport from what libcurl
    /// reports), its outcome is unknown; only what provably never reached it is "cannot reach". A timeout says how
    /// long the whole invocation waited and how many attempts it made (`elapsed`, `attempts`).
    func error(for failure: TransportFailure, endpoint: Endpoint, path: APIPath, safety: RequestSafety, attempts: Int = 1,
               elapsed: Int? = nil) -> OrchestratorError {
        let sentChange = safety == .changes && failure.delivery == .maybeSent
        let total = max(elapsed ?? 0, failure.elapsedMilliseconds)
        switch failure.kind {
        case .timeout:
            return .timedOut(endpoint: endpoint.url,
                             waitedFor: "the answer to GET /api/\(OrchestratorError.shown(path.encoded, limit: 200))"
                                 + Self.attemptsText(attempts)
                                 + (sentChange ? " (the change was sent and may or may not have been applied)" : ""),
                             milliseconds: total)
        case .connectTimeout:
            let what = failure.reason.contains("not resolved") && !failure.failedAtProxy ? "its host name to resolve" : "a connection"
            return .timedOut(endpoint: endpoint.url, waitedFor: what + proxyNote(endpoint) + Self.attemptsText(attempts), milliseconds: total)
        case .configuration:
            return .usage(failure.reason)
        case .tooLarge where failure.reason == CurlTransport.outOfMemoryReason:
            return .outOfMemory(endpoint: endpoint.url, path: path.encoded, bytes: nil)
        default:
            break
        }
        if sentChange {
            // Not "go direct": the change may already have been applied.
            return .outcomeUnknown(endpoint: endpoint.url, path: path.encoded,
                                   what: "no complete answer came back: \(Self.reason(failure, proxy: proxy(endpoint), offeringDirect: false))")
        }
        switch failure.kind {
        case .tooLarge:
            return .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: nil,
                                     problem: "with something the client does not read: \(failure.reason)")
        case .broken where !failure.failedAtProxy:
            return .unreachable(endpoint: endpoint.url, reason: "no complete answer: \(reason(failure, endpoint: endpoint))")
        default:
            return .unreachable(endpoint: endpoint.url, reason: reason(failure, endpoint: endpoint))
        }
    }

    /// 401/403: "refused our credentials" only when some were sent; else the server needs some.
    func authorizationError(endpoint: Endpoint, status: Int) -> OrchestratorError {
        return configuration.sendsCredentials(to: endpoint) ? .notAuthorized(endpoint: endpoint.url, status: status) : .credentialsNeeded(endpoint: endpoint.url, status: status)
    }

    private func proxyNote(_ endpoint: Endpoint) -> String {
        proxy(endpoint).map { " through the proxy \($0)" } ?? ""
    }

    /// The proxy requests to `endpoint` go through, as messages name it.
    func proxy(_ endpoint: Endpoint) -> String? { configuration.proxy.describeProxy(for: endpoint.url) }

    /// The status of an answer that a gateway (a load balancer, a TLS terminator, a forwarding proxy) gave instead of
    /// orchestrator: 502, 503 or 504 that is not orchestrator's (``OrchestratorAnswer``). It says nothing of whether
    /// the request reached orchestrator; `nil` for any other answer.
    static func gatewayStatus(of answer: HTTPAnswer) -> Int? {
        [502, 503, 504].contains(answer.status) && !OrchestratorAnswer.isEnvelope(body: answer.body) ? answer.status : nil
    }

    /// An outcome as the client reads it, with a forwarding proxy's own refusal of a request to an http endpoint
    /// made the proxy's failure, naming it: a `407` (only a proxy asks for proxy credentials), or a `403` that is not
    /// orchestrator's (an access rule of the proxy's). The request was not forwarded. One rule for the leader
    /// probes, the requests and `-c endpoints`; `proxy` as ``ProxySettings/describeProxy(for:)`` gives it.
    static func judged(_ outcome: HTTPOutcome?, endpoint: Endpoint, proxy: String?) -> HTTPOutcome? {
        guard case .success(let answer)? = outcome, let proxy, endpoint.url.hasPrefix("http://"),
              answer.status == 407 || answer.status == 403 && !OrchestratorAnswer.isEnvelope(body: answer.body) else { return outcome }
        return .failure(TransportFailure(kind: .proxyRefused, reason: TransferFacts.proxyAnswered(answer.status, proxy: proxy),
                                         elapsedMilliseconds: answer.elapsedMilliseconds, delivery: .notSent, failedAtProxy: true))
    }

    /// ``judged(_:endpoint:proxy:)`` with this session's proxy settings.
    func judged(_ outcome: HTTPOutcome?, endpoint: Endpoint) -> HTTPOutcome? {
        Self.judged(outcome, endpoint: endpoint, proxy: proxy(endpoint))
    }

    /// Turns an HTTP answer into a result: `Code: ERROR` and HTTP errors become ``OrchestratorError``; a redirect
    /// (never followed) or a status outside 2xx–5xx is never success.
    func interpret(_ answer: HTTPAnswer, endpoint: Endpoint, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        if answer.status == 401 || answer.status == 403 {
            throw authorizationError(endpoint: endpoint, status: answer.status)
        }
        guard MemoryHeadroom.available(answer.body.count * MemoryHeadroom.bytesPerAnswerByte) else {
            throw .outOfMemory(endpoint: endpoint.url, path: path.encoded, bytes: answer.body.count)
        }
        if (300..<400).contains(answer.status) {
            let target = answer.location.map { "a redirect to \(OrchestratorError.shown($0))" } ?? "a redirect without a Location"
            throw .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    problem: "with \(target), which the client does not follow: point ORCHESTRATOR_API "
                                        + "or \(SettingMention.of(.endpoints)) at the API itself (check http or https, host and path)")
        }
        guard (200..<600).contains(answer.status) else {
            throw .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    problem: "which is not an answer status the API uses")
        }
        if NoSuchRoute.isRouterNotFound(status: answer.status, body: answer.body) {
            throw .noSuchRoute(NoSuchRoute(endpoint: endpoint.url, path: path.encoded))
        }
        let document: JSONDocument
        do {
            document = try JSONDocument(answer.body)
        } catch {
            if JSONDocument.isNestingError(error) {
                throw .unexpectedAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                        problem: "with JSON nested deeper than \(JSONParser.maximumDepth) levels, "
                                            + "which the client does not read")
            }
            throw .unreadableAnswer(endpoint: endpoint.url, path: path.encoded, status: answer.status,
                                    excerpt: Self.excerpt(answer.body, limit: 120))
        }
        let root = document.root
        if root["Code"]?.stringValue == "ERROR" {
            let details = root["Details"].flatMap { $0.isNull ? nil : $0 }
            // Kept in place: a tree of a large error answer's values would cost many times its bytes.
            throw .apiFailure(APIFailure(endpoint: endpoint.url, status: answer.status, message: root["Message"], otherwise: "",
                                         details: details, answer: root))
        }
        if answer.status >= 400 {
            throw .apiFailure(APIFailure(endpoint: endpoint.url, status: answer.status,
                                         message: root.kind == .string ? root : root["Message"], otherwise: "HTTP \(answer.status)",
                                         details: nil, answer: root))
        }
        return APIAnswer(endpoint: endpoint, status: answer.status, document: document)
    }

    /// The start of a body as one printable line: line breaks become spaces; control characters (a proxy's
    /// page may hold terminal escapes) and bidirectional overrides are shown escaped, never sent to the terminal.
    static func excerpt(_ body: [UInt8], limit: Int) -> String {
        // The start holds `limit` characters and the `…` after them: nothing more for shown to cut.
        OrchestratorError.shown(OrchestratorError.lineStart(of: body, limit: limit), limit: limit + 1)
    }
}
