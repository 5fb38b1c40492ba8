/// The outcomes of requests sent at once, and the rule of when the caller has heard enough: the first outcome
/// `isEnough` accepts ends the wait, except that with `preferringEarlier` the requests listed before it that have not
/// answered yet are waited for, for twice the accepted transfer's own time (else the time since the requests were
/// sent), at least 10 ms, so that which one is chosen (the first leader in configured order) does not depend on which
/// answered first. Both transports keep this rule through this one type: ``CurlTransport`` (blocking) and
/// ``TransferLoop`` (the library's I/O thread).
package struct OutcomeCollector {
    /// One per request, in order; `nil` while it has not answered.
    package private(set) var outcomes: [HTTPOutcome?]
    /// When the grace for earlier requests ends, once an outcome was accepted.
    package private(set) var graceEnds: UInt64?
    private var awaited: Int
    private var accepted: Int?
    private let preferringEarlier: Bool
    private let sentAt: UInt64

    package init(count: Int, preferringEarlier: Bool, sentAt: UInt64 = Clock.nowMilliseconds()) {
        outcomes = Array(repeating: nil, count: count)
        awaited = count
        self.preferringEarlier = preferringEarlier
        self.sentAt = sentAt
    }

    /// Records the outcome of request `index`, which `isEnough` accepted or not; the first acceptance starts the grace.
    package mutating func record(_ outcome: HTTPOutcome, at index: Int, enough: Bool) {
        guard outcomes[index] == nil else { return }
        outcomes[index] = outcome
        awaited -= 1
        guard enough else { return }
        accepted = min(accepted ?? index, index)
        if graceEnds == nil {
            var took = Int(Clock.nowMilliseconds() - sentAt)
            if case .success(let answer) = outcome, answer.elapsedMilliseconds > 0 { took = answer.elapsedMilliseconds }
            graceEnds = Clock.nowMilliseconds() + UInt64(max(10, 2 * took))
        }
    }

    /// True when the caller can go on at `now`: every request answered, or one accepted and no earlier one is still
    /// awaited (or its grace has ended).
    package func isComplete(at now: UInt64 = Clock.nowMilliseconds()) -> Bool {
        if awaited == 0 { return true }
        guard let accepted else { return false }
        let earlierPending = preferringEarlier && outcomes[..<accepted].contains { $0 == nil }
        return !earlierPending || now >= graceEnds ?? 0
    }
}
