import Testing
@testable import OrchestratorClientKit

/// The session's rules are written once and driven two ways: the blocking session (the command line) and the async
/// one (the library) decide the same for the same answers. No socket: the transports are doubles.
@Suite("Session rules, blocking and async")
struct SessionRulesTests {
    /// Answers each request from `answer`, in order, recording what was asked.
    final class Double: HTTPSending, AsyncHTTPSending, @unchecked Sendable {
        private let asked = LockedValue<[String]>([])
        let answer: @Sendable (HTTPRequest) -> HTTPOutcome
        init(answer: @escaping @Sendable (HTTPRequest) -> HTTPOutcome) { self.answer = answer }

        var requests: [String] { asked.withLock { $0 } }

        func send(_ requests: [HTTPRequest], isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?] {
            requests.map { request in
                asked.withLock { $0.append(request.url) }
                return answer(request)
            }
        }

        func send(_ requests: [HTTPRequest], preferringEarlier: Bool,
                  isEnough: @escaping @Sendable (HTTPOutcome) -> Bool) async -> [HTTPOutcome?] {
            send(requests, isEnough: isEnough)
        }
    }

    static let configuration = ClientConfiguration(endpoints: ["http://orc1:3000/api", "http://orc2:3000/api", "http://orc3:3000/api"]
        .map { try! Endpoint(parsing: $0) })

    static func json(_ text: String, status: Int = 200) -> HTTPOutcome {
        .success(HTTPAnswer(status: status, contentType: "application/json", body: Array(text.utf8)))
    }

    /// orc2 and orc3 both claim leadership; every other request is answered `Code: OK`.
    static func splitBrain(_ request: HTTPRequest) -> HTTPOutcome {
        if request.path == "leader-check" {
            return request.endpoint.url.contains("orc1") ? json("\"Not leader\"", status: 404) : json("\"OK\"")
        }
        return json(#"{"Code":"OK","Message":"done","Details":null}"#)
    }

    @Test("split brain: both sessions choose the first claimant in configured order and warn the same")
    func splitBrainChoice() async throws {
        let blocking = OrchestratorSession(configuration: Self.configuration, sender: Double(answer: Self.splitBrain))
        let async = AsyncOrchestratorSession(configuration: Self.configuration, sender: Double(answer: Self.splitBrain))
        #expect(try blocking.leaderEndpoint().url == "http://orc2:3000/api")
        #expect(try await async.leaderEndpoint().url == "http://orc2:3000/api")
        #expect(blocking.warnings.count == 1)
        #expect(blocking.warnings.first?.contains("http://orc2:3000/api, http://orc3:3000/api") == true, "\(blocking.warnings)")
        #expect(async.warnings == blocking.warnings)
    }

    @Test("a change whose answer broke after sending: outcome unknown in both sessions, sent once")
    func brokenChangeIsNotResent() async throws {
        let broken: @Sendable (HTTPRequest) -> HTTPOutcome = { request in
            guard request.path.hasPrefix("begin-maintenance") else { return Self.splitBrain(request) }
            return .failure(TransportFailure(kind: .broken, reason: "connection closed", elapsedMilliseconds: 1))
        }
        let path = APIPath(segments: ["begin-maintenance", "db1", "3306", "ops", "why"])
        let blockingSender = Double(answer: broken), asyncSender = Double(answer: broken)
        let blocking = OrchestratorSession(configuration: Self.configuration, sender: blockingSender)
        let async = AsyncOrchestratorSession(configuration: Self.configuration, sender: asyncSender)
        var codes: [OrchestratorError.Code] = []
        do { _ = try blocking.get(path, safety: .changes); Issue.record("succeeded") } catch { codes.append(error.code) }
        do { _ = try await async.get(path, safety: .changes); Issue.record("succeeded") } catch { codes.append(error.code) }
        #expect(codes == [.outcomeUnknown, .outcomeUnknown])
        for sender in [blockingSender, asyncSender] {
            #expect(sender.requests.filter { $0.contains("begin-maintenance") }.count == 1, "\(sender.requests)")
        }
    }

    @Test("the earlier endpoint is waited for within the grace; once it ends, the accepted one is used")
    func earlierEndpointGrace() {
        let claim = Self.json("\"OK\"")
        var collector = OutcomeCollector(count: 3, preferringEarlier: true, sentAt: Clock.nowMilliseconds())
        collector.record(claim, at: 2, enough: true)
        #expect(!collector.isComplete(), "orc1 and orc2 have not answered: they are waited for")
        let graceEnds = try! #require(collector.graceEnds)
        #expect(graceEnds >= Clock.nowMilliseconds() + 9, "at least 10 ms")
        collector.record(Self.json("\"Not leader\"", status: 404), at: 0, enough: false)
        #expect(!collector.isComplete(), "orc2 still awaited")
        #expect(collector.isComplete(at: graceEnds), "the grace has ended")
        collector.record(claim, at: 1, enough: true)
        #expect(collector.isComplete(), "everyone answered")

        var first = OutcomeCollector(count: 3, preferringEarlier: true)
        first.record(claim, at: 0, enough: true)
        #expect(first.isComplete(), "the first listed needs no grace")
        var any = OutcomeCollector(count: 3, preferringEarlier: false)
        any.record(claim, at: 2, enough: true)
        #expect(any.isComplete(), "without preferringEarlier the first accepted ends the wait")
    }
}
