import Foundation

/// Property-based testing with a seeded generator and greedy shrinking.
///
/// - `FUZZ_ITERATIONS=N` runs N cases per property instead of the short CI budget, e.g.
///   `FUZZ_ITERATIONS=1000000 swift test --filter Fuzz`.
/// - `FUZZ_SEED=N` (decimal or 0x…) changes the base seed; a failure report names the seed and the case, and
///   `FUZZ_SEED=<seed> FUZZ_CASE=<case>` replays that one case.
/// - `FUZZ_TRACE=/path/file` writes each input to that file before trying it: after a crash (which ends the
///   process and so cannot be shrunk), the file holds the input that crashed; add it to the regression list.
enum Fuzz {
    static let environment = ProcessInfo.processInfo.environment

    static let iterationsOverride: Int? = environment["FUZZ_ITERATIONS"].flatMap { Int($0) }

    static let seed: UInt64 = {
        guard let text = environment["FUZZ_SEED"] else { return 0x0C1E_47F0_0D5E_ED01 }
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) ?? 0 }
        return UInt64(text) ?? 0
    }()

    static let onlyCase: Int? = environment["FUZZ_CASE"].flatMap { Int($0) }
    static let tracePath: String? = environment["FUZZ_TRACE"].flatMap { $0.isEmpty ? nil : $0 }

    /// The generator for case `index` of property `name`: each case can be replayed on its own.
    static func generator(_ name: String, _ index: Int) -> SplitMix64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return SplitMix64(seed: seed ^ hash &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Tries `property` on `cases` generated inputs (or `FUZZ_ITERATIONS`). Returns `nil` when it always held,
    /// else a report with the smallest failing input found by greedily applying `shrink`.
    /// - Parameter property: `nil` when the property holds, else what went wrong.
    static func check<Input>(_ name: String, cases: Int, generate: (inout SplitMix64) -> Input,
                             shrink: (Input) -> [Input] = { _ in [] }, describe: (Input) -> String = { "\($0)" },
                             property: (Input) -> String?) -> String? {
        let count = iterationsOverride ?? cases
        let indices: [Int] = onlyCase.map { [$0] } ?? Array(0..<count)
        for index in indices {
            var generator = generator(name, index)
            let input = generate(&generator)
            trace(describe(input))
            guard var message = property(input) else { continue }
            var smallest = input
            var steps = 0
            shrinking: while steps < 5_000 {
                for candidate in shrink(smallest) {
                    steps += 1
                    trace(describe(candidate))
                    if let failure = property(candidate) {
                        smallest = candidate
                        message = failure
                        continue shrinking
                    }
                    if steps >= 5_000 { break shrinking }
                }
                break
            }
            return "\(name): case \(index) (FUZZ_SEED=0x\(String(seed, radix: 16)) FUZZ_CASE=\(index)) failed: \(message)\n"
                + "  input:  \(describe(input))\n  shrunk: \(describe(smallest))"
        }
        return nil
    }

    static func trace(_ text: @autoclosure () -> String) {
        guard let tracePath else { return }
        try? text().write(toFile: tracePath, atomically: false, encoding: .utf8)
    }

    // MARK: Shrinkers

    /// Smaller arrays: without a run of elements (halves first, then single ones), then with one element shrunk.
    static func shrinkArray<Element>(_ array: [Element], element: (Element) -> [Element] = { _ in [] }) -> [[Element]] {
        var candidates: [[Element]] = []
        var size = array.count / 2
        while size >= 1 {
            var start = 0
            while start + size <= array.count {
                candidates.append(Array(array[..<start] + array[(start + size)...]))
                start += size
            }
            size /= 2
        }
        for (index, item) in array.enumerated() {
            for smaller in element(item) {
                var copy = array
                copy[index] = smaller
                candidates.append(copy)
            }
        }
        return candidates
    }

    /// Smaller strings, by Unicode scalars: runs removed, then each scalar replaced by `a`.
    static func shrinkString(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var candidates = shrinkArray(scalars).map { String(String.UnicodeScalarView($0)) }
        for index in scalars.indices where scalars[index] != "a" {
            var copy = scalars
            copy[index] = "a"
            candidates.append(String(String.UnicodeScalarView(copy)))
        }
        return candidates
    }

    // MARK: Generators

    static func pick<T>(_ items: [T], _ generator: inout SplitMix64) -> T {
        items[Int(generator.next() % UInt64(items.count))]
    }

    static func int(_ range: ClosedRange<Int>, _ generator: inout SplitMix64) -> Int {
        Int.random(in: range, using: &generator)
    }

    static func chance(_ percent: Int, _ generator: inout SplitMix64) -> Bool {
        int(0...99, &generator) < percent
    }

    /// A scalar: mostly printable ASCII, sometimes a control character, sometimes multi-byte, rarely astral.
    static func scalar(_ generator: inout SplitMix64) -> Unicode.Scalar {
        switch int(0...99, &generator) {
        case 0..<70: return Unicode.Scalar(UInt8(int(0x20...0x7E, &generator)))
        case 70..<80: return Unicode.Scalar(UInt8(int(0x00...0x1F, &generator)))
        case 80..<82: return "\u{7F}"
        case 82..<95: return pick(["é", "ß", "日", "\u{2028}", "\u{FEFF}", "\u{85}", "\u{A0}", "Ω", "\u{FFFD}", "\u{202E}"], &generator)
        default: return pick(["😀", "\u{10FFFF}", "𝄞"], &generator)
        }
    }

    /// A string of `scalar`s, length 0...`maximum`.
    static func string(_ generator: inout SplitMix64, maximum: Int = 12) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<int(0...maximum, &generator) { scalars.append(scalar(&generator)) }
        return String(scalars)
    }

    /// `count` tokens from `tokens` (or, one time in `wild`, a random string) joined.
    static func tokens(_ tokens: [String], _ generator: inout SplitMix64, count: ClosedRange<Int>, wild: Int = 10) -> String {
        var text = ""
        for _ in 0..<int(count, &generator) {
            text += int(0...(wild - 1), &generator) == 0 ? string(&generator, maximum: 3) : pick(tokens, &generator)
        }
        return text
    }

    /// Decodes every `%XX` (either case); other bytes, a lone `%` included, are kept.
    static func percentDecoded(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16),
               bytes[(index + 1)...(index + 2)].allSatisfy({ isHexDigit($0) }) {
                output.append(value)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// A readable form of bytes: printable ASCII as is, anything else as `\xNN`.
    static func show(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
    }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same sequence on every platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
