import Foundation
import TestServer

/// A handler answering the n-th request with `replies[n]`, and every later one with the last reply.
func scripted(_ replies: [Reply]) -> @Sendable (ReceivedRequest) -> Reply {
    let next = Locked(0)
    return { _ in
        let index = next.with { count -> Int in
            defer { count += 1 }
            return count
        }
        return replies[min(index, replies.count - 1)]
    }
}

extension Reply {
    /// This reply, cut off after half of its body (the length announced in full).
    var cutInHalf: Reply {
        var reply = self
        reply.closeAfterBodyBytes = body.count / 2
        return reply
    }

    /// This reply, sent only after `milliseconds`.
    func delayed(_ milliseconds: Int) -> Reply {
        var reply = self
        reply.delayMilliseconds = milliseconds
        return reply
    }
}

/// orchestrator's answer when a node that is not the raft leader is asked to act.
let unauthorizedFollowerAnswer = Reply.json(#"{"Code":"ERROR","Message":"Unauthorized","Details":null}"#)
