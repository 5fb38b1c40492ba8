/// The one rule of whether an answer is orchestrator's own, rather than a gateway's, a proxy's or another web
/// server's: orchestrator answers its API in the shape `{"Code": "OK" or "ERROR", "Message": "…", …}` (and its probes,
/// `leader-check` and `raft-state`, with a JSON string). A load balancer's `502` page, a proxy's `403` page (HTML or
/// JSON of its own) are not.
enum OrchestratorAnswer {
    /// The members of a JSON object, as the tree (``JSONValue``) and the in-place reader (``JSONNode``) both give them.
    protocol Members {
        subscript(name: String) -> Self? { get }
        var stringValue: String? { get }
    }

    /// `json` is in orchestrator's envelope.
    static func isEnvelope<JSON: Members>(_ json: JSON) -> Bool {
        ["OK", "ERROR"].contains(json["Code"]?.stringValue ?? "") && json["Message"]?.stringValue != nil
    }

    /// `body` is JSON in orchestrator's envelope (read in place: a large page costs no tree).
    static func isEnvelope(body: [UInt8]) -> Bool {
        guard let document = try? JSONDocument(body) else { return false }
        return isEnvelope(document.root)
    }
}

extension JSONNode: OrchestratorAnswer.Members {}

extension JSONValue: OrchestratorAnswer.Members {}
