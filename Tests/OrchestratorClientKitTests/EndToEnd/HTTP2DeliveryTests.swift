import Foundation
import OrchestratorClientKit
import Testing

/// Over https libcurl speaks HTTP/2 when the server offers it, as a TLS terminator in front of orchestrator does. A
/// stream reset, a GOAWAY or a TLS failure after a change was sent leaves its outcome unknown (5); a stream the server
/// refused (REFUSED_STREAM, which RFC 9113 §8.7 guarantees was not processed) is sent again by libcurl, so a change is
/// still processed at most once, and when every attempt was refused it was not delivered (3). The server is
/// Support/h2_server.py.
@Suite("HTTP/2: what reached orchestrator decides the exit status",
       .enabled(if: CurlTransport.librarySpeaksHTTP2(),
                "the libcurl found (\(CurlTransport.libraryDescription())) cannot speak HTTP/2 (built without nghttp2)"))
struct HTTP2DeliveryTests {
    static let relocate = ["-c", "relocate", "-i", "db1:3306", "-d", "db2:3306"]
    /// orchestrator 3.2.6's answer to a relocate (the recording a102-relocate).
    static var relocated: String { Support.recordedAnswer("a102-relocate").body }

    static func run(_ behaviours: [String], _ arguments: [String] = relocate, body: String? = nil) throws -> (ProcessResult, [String]) {
        let pki = try TestPKI.shared.get()
        let server = try H2Server(pki: pki, behaviours: behaviours, body: body)
        let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL,
                                                                       "ORCHESTRATOR_CA_FILE": pki.caCertificate])
        return (result, server.answered())
    }

    @Test("the server offers HTTP/2 and the answer comes whole: success")
    func answeredOverHTTP2() throws {
        let (result, answered) = try Self.run(["ok"], ["-c", "clusters"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "h2-cluster:3306\n")
        #expect(answered == ["ok"])
    }

    @Test("a stream reset after a change was sent (before or after HEADERS 200), or a GOAWAY then close: outcome unknown (5), sent once",
          arguments: ["rst", "headers-rst", "goaway"])
    func resetAfterChange(behaviour: String) throws {
        let (result, answered) = try Self.run([behaviour])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"), "\(result.stderr)")
        #expect(!result.stderr.contains("client certificate"), "\(result.stderr)")
        #expect(answered == [behaviour], "the change reached the server \(answered.count) times")
    }

    @Test("a TLS failure after the server read the change: outcome unknown (5), no client-certificate hint",
          arguments: ["alert", "garbage"])
    func tlsFailureAfterChange(behaviour: String) throws {
        let (result, answered) = try Self.run([behaviour])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("TLS failed after the handshake"), "\(result.stderr)")
        #expect(!result.stderr.contains("client certificate"), "\(result.stderr)")
        #expect(answered == [behaviour])
    }

    @Test("a refused stream is sent again by libcurl and the change is processed once: success")
    func refusedStreamResent() throws {
        let (result, answered) = try Self.run(["refused", "ok"], body: Self.relocated)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10114<127.0.0.1:10111\n")
        #expect(answered == ["refused", "ok"], "processed once, after one refusal: \(answered)")
    }

    @Test("every attempt refused: the change was not processed, so not delivered (3), saying why")
    func everyStreamRefused() throws {
        let (result, answered) = try Self.run(["refused"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("REFUSED_STREAM"), "\(result.stderr)")
        #expect(answered.count == 6, "libcurl's own resends (5) and no more: \(answered.count) sends")
    }

    @Test("the library's connections judge alike: a stream reset after a relocate was sent is outcome unknown")
    func libraryResetAfterChange() async throws {
        let pki = try TestPKI.shared.get()
        let server = try H2Server(pki: pki, behaviours: ["rst"])
        let client = OrchestratorClient(configuration: ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)],
                                                                           tls: TLSOptions(caFile: pki.caCertificate)))
        do {
            _ = try await client.relocate(try InstanceKey(parsing: "db1:3306"), below: try InstanceKey(parsing: "db2:3306"))
            Issue.record("a reset stream was taken for an answer")
        } catch {
            #expect(error.code == .outcomeUnknown, "\(error)")
        }
        #expect(server.answered() == ["rst"])
    }
}
