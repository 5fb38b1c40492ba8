/// "Did you mean …?" for unknown commands and flags: the nearest known words by edit distance.
package enum Suggestions {
    /// Up to `count` of `candidates` near `text`, nearest first (ties in alphabetical order of what is shown).
    /// A candidate is near when its distance is at most a third of `text`'s length (at least 2); with
    /// `containingIsCloser`, a candidate that contains `text` or is contained in it counts 2 closer.
    /// - Parameter candidates: what is shown (`--owner`) and what is compared with `text` (`owner`).
    package static func nearest(to text: String, among candidates: [(shown: String, compared: String)], count: Int,
                               containingIsCloser: Bool = false) -> [String] {
        let scored = candidates.map { candidate -> (shown: String, score: Int) in
            let bonus = containingIsCloser && (candidate.compared.contains(text) || text.contains(candidate.compared)) ? -2 : 0
            return (candidate.shown, editDistance(text, candidate.compared) + bonus)
        }
        let limit = max(2, text.count / 3)
        var seen: Set<String> = []
        return scored.filter { $0.score <= limit }
            .sorted { ($0.score, $0.shown) < ($1.score, $1.shown) }
            .filter { seen.insert($0.shown).inserted }
            .prefix(count).map(\.shown)
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
