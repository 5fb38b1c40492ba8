import Foundation
import Synchronization

/// One recorded HTTP exchange.
public struct RecordedExchange: Sendable {
    public let method: String
    public let path: String
    public let status: Int
    public let contentType: String
    public let body: String

    public init(method: String, path: String, status: Int, contentType: String, body: String) {
        self.method = method
        self.path = path
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The reply that reproduces this exchange.
    public var reply: Reply {
        Reply(status: status, contentType: contentType, body: Array(body.utf8))
    }
}

/// One invocation of the bash client, as recorded against the real orchestrator cluster.
public struct Transcript: Sendable {
    /// File name without `.json`, e.g. `a041-discover`.
    public let name: String
    public let args: [String]
    public let exit: Int32
    public let stdout: String
    public let stderr: String
    public let exchanges: [RecordedExchange]

    /// The recorded requests other than the bash client's own `HEAD` probes.
    public var gets: [RecordedExchange] { exchanges.filter { $0.method != "HEAD" } }
}

/// The recorded exchanges kept in the repository under `Tests/Recordings/` (see its README).
public enum Recordings {
    /// Where the recordings live, relative to the repository root.
    public static let repositoryPath = "Tests/Recordings"

    /// The recordings directory: `$ORCHESTRATOR_API_RECORDINGS`, else `Tests/Recordings` of the repository
    /// that holds `start` (found by walking up from it).
    public static func directory(searchingUpFrom start: String) -> String? {
        if let explicit = ProcessInfo.processInfo.environment["ORCHESTRATOR_API_RECORDINGS"], !explicit.isEmpty {
            return explicit
        }
        var url = URL(fileURLWithPath: start)
        for _ in 0..<8 {
            let candidate = url.appendingPathComponent(repositoryPath)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("transcripts").path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// Every transcript, sorted by name (the order they were recorded in).
    public static func transcripts(in directory: String) throws -> [Transcript] {
        let folder = URL(fileURLWithPath: directory).appendingPathComponent("transcripts")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw RecordingsError.malformed(name)
            }
            let exchanges = (object["exchanges"] as? [[String: Any]] ?? []).map(exchange)
            return Transcript(name: String(name.dropLast(5)), args: object["args"] as? [String] ?? [],
                              exit: Int32(object["exit"] as? Int ?? 0), stdout: object["stdout"] as? String ?? "",
                              stderr: object["stderr"] as? String ?? "", exchanges: exchanges)
        }
    }

    /// The exchanges of `raft-nodes.json`, keyed by node URL (`http://127.0.1.1:3000`) then path (`/api/leader-check`).
    public static func raftNodes(in directory: String) throws -> [String: [String: RecordedExchange]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("raft-nodes.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = object["exchanges"] as? [[String: Any]] else { throw RecordingsError.malformed("raft-nodes.json") }
        var result: [String: [String: RecordedExchange]] = [:]
        for item in list {
            let node = item["node"] as? String ?? ""
            let recorded = exchange(item)
            result[node, default: [:]][recorded.path] = recorded
        }
        return result
    }

    static func exchange(_ item: [String: Any]) -> RecordedExchange {
        RecordedExchange(method: item["method"] as? String ?? "GET", path: item["path"] as? String ?? "",
                         status: item["status"] as? Int ?? 0, contentType: item["content_type"] as? String ?? "",
                         body: item["body"] as? String ?? "")
    }
}

/// The recordings could not be read.
public enum RecordingsError: Error {
    case malformed(String)
}

/// Serves a transcript's answers in the order they were recorded: the n-th GET gets the n-th recorded answer,
/// whatever its path (the test compares paths separately); past the recording, `404 page not found`.
public final class SequentialReplay: Sendable {
    private let replies: [Reply]
    private let next = Locked(0)

    public init(_ exchanges: [RecordedExchange]) {
        self.replies = exchanges.filter { $0.method != "HEAD" }.map(\.reply)
    }

    /// The handler to give a ``TestServer``.
    public var handler: @Sendable (ReceivedRequest) -> Reply {
        { [self] _ in
            next.withLock { next in
                guard next < replies.count else { return .notFound }
                next += 1
                return replies[next - 1]
            }
        }
    }
}

/// A raft node's answers to the leader checks, as recorded in `raft-nodes.json`: a follower answers
/// `leader-check` with `404 "Not leader"`, every node answers `routed-leader-check` with `200 "OK"`.
public enum RaftRole: Sendable {
    case leader
    case follower

    /// The reply to `path` if it is a leader check; `nil` for any other path.
    public func leaderCheckReply(_ path: String) -> Reply? {
        switch (self, path) {
        case (.leader, "/api/leader-check"), (_, "/api/routed-leader-check"):
            return .json("\"OK\"")
        case (.follower, "/api/leader-check"):
            return .json("\"Not leader\"", status: 404)
        default:
            return nil
        }
    }
}
