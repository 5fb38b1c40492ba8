/// The command line's way of sending: on the calling thread, no thread of its own, waiting in `curl_multi_poll`.
extension CurlTransport {
    /// Sends `requests` at once; see ``HTTPSending/send(_:isEnough:)``.
    package func send(_ requests: [HTTPRequest], isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?] {
        send(requests, preferringEarlier: false, isEnough: isEnough)
    }

    /// Sends `requests` at once; see ``HTTPSending/send(_:preferringEarlier:isEnough:)``. Earlier requests are
    /// waited for as ``OutcomeCollector`` rules: they keep their connections, and no second round of requests is needed.
    package func send(_ requests: [HTTPRequest], preferringEarlier: Bool, isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?] {
        var collector = OutcomeCollector(count: requests.count, preferringEarlier: preferringEarlier)
        for (index, request) in requests.enumerated() {
            if let failure = start(request, tag: index) { collector.record(.failure(failure), at: index, enough: isEnough(.failure(failure))) }
        }
        while !collector.isComplete() {
            perform()
            // Enough, but the transfers already finished are still read: their outcomes are known at no cost
            // (leader detection uses them to choose among several claimants).
            while let (tag, outcome) = nextCompleted() { collector.record(outcome, at: tag, enough: isEnough(outcome)) }
            guard !collector.isComplete() else { break }
            let now = Clock.nowMilliseconds()
            let untilGraceEnds = collector.graceEnds.map { $0 > now ? Int($0 - now) : 0 }
            wait(milliseconds: Int32(min(100, max(1, untilGraceEnds ?? 100))))
        }
        abandonAll()
        return collector.outcomes
    }
}
