import Foundation
import Testing
import TestServer

/// ORCHESTRATOR_API as people write it: endpoints separated by spaces or commas, any case of scheme, credentials in
/// the URL; a port that cannot be is refused before anything is sent.
@Suite("Endpoint list")
struct EndpointListTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let discover = ["-c", "discover", "-i", "127.0.0.1:10111"]

    @Test("endpoints separated by commas are endpoints: the leader is found, never a path /api,http://…")
    func commaSeparated() throws {
        let follower = try TestServer { request in RaftRole.follower.leaderCheckReply(request.target) ?? .notFound }
        let leader = try TestServer { request in RaftRole.leader.leaderCheckReply(request.target) ?? EndpointListTests.discoverAnswer }
        defer { follower.stop(); leader.stop() }
        for api in ["\(follower.apiURL),\(leader.apiURL)", "\(follower.apiURL), \(leader.apiURL)"] {
            let result = try Support.runInProcess(["-c", "which-api"], environment: ["ORCHESTRATOR_API": api])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == leader.apiURL + "\n")
        }
        #expect(follower.targets.allSatisfy { $0 == "/api/leader-check" })
        let junk = try Support.runInProcess(["-c", "which-api"], environment: ["ORCHESTRATOR_API": "\(leader.apiURL),junk"])
        #expect(junk.status == 2, "\(junk.stdout)")
    }

    @Test("a comma inside a URL password stays in the password")
    func commaInPassword() throws {
        let server = try TestServer { _ in EndpointListTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover,
                                              environment: ["ORCHESTRATOR_API": "http://alice:pa,ss@127.0.0.1:\(server.port)/api"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.first?.headers["authorization"] == "Basic " + Data("alice:pa,ss".utf8).base64EncodedString())
    }

    @Test("the URL scheme is case-insensitive, as curl and the bash client take it")
    func upperCaseScheme() throws {
        let server = try TestServer { _ in EndpointListTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover, environment: ["ORCHESTRATOR_API": "HTTP://127.0.0.1:\(server.port)/api"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
    }

    @Test("an endpoint port of 0 or above 65535 is refused at once, nothing sent", arguments: ["0", "65536", "99999"])
    func endpointPort(_ port: String) throws {
        let result = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:\(port)/api"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("port \(Int(port)!) is not a number from 1 to 65535"), "\(result.stderr)")
        #expect(result.milliseconds < 1_500, "took \(result.milliseconds) ms")
    }

    @Test("an endpoint whose host libcurl cannot use is a configuration error: exit 2 at once, nothing sent", arguments: [
        "http://:PORT/api", "http://alice:pw@:PORT/api", "http://[zz]:PORT/api", "http://[:]:PORT/api", "http://[1::2::3]:PORT/api",
        "http://[127.0.0.1]:PORT/api", "http://ho<st:PORT/api", "http://a{b}:PORT/api", "http://a%2Fb:PORT/api", "http://.:PORT/api",
        "http://orc..:PORT/api",
    ])
    func malformedHost(_ api: String) throws {
        let server = try TestServer { _ in EndpointListTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover, environment: ["ORCHESTRATOR_API": api.replacingOccurrences(of: "PORT", with: "\(server.port)")])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("invalid API endpoint"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"), "\(result.stderr)")
        #expect(!result.stderr.contains("pw"), "\(result.stderr)")
        #expect(server.requests.isEmpty)
    }
}
