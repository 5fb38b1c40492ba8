/// How a profile command ends.
enum ShellTerminator: Sendable, Equatable {
    case newline, semicolon, doubleSemicolon, and, or, pipe, background, openParen, closeParen, end
}

/// One part of a word's value after bash's quote removal.
enum ShellWordPart: Sendable, Equatable {
    case literal(String)
    case variable(String)
    case fullyQualifiedName
}

/// One word of a command, as bash would read it (for the expansions the client evaluates exactly).
struct ShellWord: Sendable {
    /// `NAME` when the word is an assignment `NAME=…`.
    var assignment: String?
    /// The value after `=` (or the whole word), quotes removed.
    var value: [ShellWordPart] = []
    /// The first expansion the client cannot evaluate exactly, as written (`$(cat /x)`, `${X:-y}`, `~`).
    var unsupported: String?
    /// True when any part of the word was quoted or escaped (a quoted `if` is no keyword).
    var quoted = false
    /// An unquoted `*`, `?`, `[` or `{` in the value: literal in a plain assignment, not for `export`.
    var hasPattern = false

    /// The word's text when it is plain text without expansions.
    var literal: String? {
        guard assignment == nil, unsupported == nil else { return nil }
        var text = ""
        for part in value {
            guard case .literal(let piece) = part else { return nil }
            text += piece
        }
        return text
    }

    /// The reserved word this word is, if it is one (unquoted, at the start of a command).
    var reserved: String? {
        guard !quoted, let text = literal, ProfileInterpreter.reservedWords.contains(text) else { return nil }
        return text
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// One simple command of the file (words up to an operator or newline).
struct ShellCommand: Sendable {
    var line: Int
    var endLine: Int
    var words: [ShellWord] = []
    var terminator: ShellTerminator = .end
    /// The command's text as written.
    var source: String = ""
    /// Why bash's reading of it cannot be reproduced (an unclosed quote, a redirection, bytes that are not UTF-8).
    var problem: String?
}

/// Splits a shell file into simple commands, with bash's quoting rules. Runs nothing.
struct ShellScanner {
    private var text: [Unicode.Scalar] = []
    private var index = 0
    private var line = 1
    private var invalidLines: Set<Int> = []
    private var pendingHereDocuments: [(delimiter: String, stripTabs: Bool)] = []

    /// `bytes` as lines; CRLF line ends are read as LF, and lines that are not UTF-8 are remembered.
    init(bytes: [UInt8]) {
        var number = 1
        var start = 0
        while start <= bytes.count {
            var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let hasNewline = end < bytes.count
            let next = end + 1
            if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let lineBytes = bytes[start..<end]
            if let decoded = String(validating: lineBytes, as: UTF8.self) {
                text += decoded.unicodeScalars
            } else {
                invalidLines.insert(number)
                text += String(decoding: lineBytes, as: UTF8.self).unicodeScalars
            }
            if hasNewline { text.append("\n") }
            number += 1
            start = next
            if !hasNewline { break }
        }
    }

    private var current: Unicode.Scalar? { index < text.count ? text[index] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }

    mutating func commands() -> [ShellCommand] {
        var result: [ShellCommand] = []
        while let command = nextCommand() { result.append(command) }
        return result
    }

    private static let operators: Set<Unicode.Scalar> = [";", "&", "|", "(", ")", "<", ">"]

    private mutating func skipBlanks() {
        while let c = current, c == " " || c == "\t" { index += 1 }
    }

    private mutating func nextCommand() -> ShellCommand? {
        skipBlanks()
        guard index < text.count else { return nil }
        let startIndex = index
        var command = ShellCommand(line: line, endLine: line)
        scan: while true {
            skipBlanks()
            guard let c = current else { command.terminator = .end; break }
            switch c {
            case "\n":
                command.terminator = .newline
                break scan
            case ";":
                index += 1
                if current == ";" || current == "&" { index += 1; command.terminator = .doubleSemicolon } else { command.terminator = .semicolon }
                break scan
            case "&":
                if peek(1) == ">" {
                    index += 2
                    command.problem = command.problem ?? "it redirects output"
                    continue
                }
                index += 1
                if current == "&" { index += 1; command.terminator = .and } else { command.terminator = .background }
                break scan
            case "|":
                index += 1
                if current == "|" { index += 1; command.terminator = .or } else { if current == "&" { index += 1 }; command.terminator = .pipe }
                break scan
            case "(":
                index += 1
                command.terminator = .openParen
                break scan
            case ")":
                index += 1
                command.terminator = .closeParen
                break scan
            case "<", ">":
                command.problem = command.problem ?? "it redirects input or output"
                if c == "<" && peek(1) == "<" && peek(2) != "<" {
                    index += 2
                    var stripTabs = false
                    if current == "-" { index += 1; stripTabs = true }
                    skipBlanks()
                    let delimiter = scanWord()
                    pendingHereDocuments.append((delimiter.value.compactMap { if case .literal(let t) = $0 { t } else { nil } }.joined(),
                                                 stripTabs))
                } else {
                    while let next = current, next == "<" || next == ">" || next == "&" || next == "|" { index += 1 }
                }
            case "#":
                while let next = current, next != "\n" { index += 1 }
            default:
                if command.words.isEmpty, c.properties.numericType != nil, Self.isRedirection(after: index, in: text) {
                    index += 1 // `2>file`: the descriptor number of a redirection
                    continue
                }
                command.words.append(scanWord())
            }
        }
        command.endLine = line
        command.source = String(String.UnicodeScalarView(text[startIndex..<min(index, text.count)]))
        if command.terminator == .newline {
            index += 1
            line += 1
            skipHereDocuments()
        }
        if (command.line...command.endLine).contains(where: invalidLines.contains) {
            command.problem = "it is not valid UTF-8 text"
        }
        return command
    }

    private static func isRedirection(after position: Int, in text: [Unicode.Scalar]) -> Bool {
        var index = position
        while index < text.count, ("0"..."9").contains(text[index]) { index += 1 }
        return index < text.count && (text[index] == ">" || text[index] == "<")
    }

    private mutating func skipHereDocuments() {
        let documents = pendingHereDocuments
        pendingHereDocuments = []
        for document in documents {
            while index < text.count {
                var end = index
                while end < text.count, text[end] != "\n" { end += 1 }
                var content = String(String.UnicodeScalarView(text[index..<end]))
                if document.stripTabs { content = String(content.drop(while: { $0 == "\t" })) }
                index = min(end + 1, text.count)
                line += 1
                if content == document.delimiter { break }
            }
        }
    }

    private mutating func scanWord() -> ShellWord {
        var word = ShellWord()
        var literal = ""
        var expansionsSeen = false
        func flush() {
            if !literal.isEmpty { word.value.append(.literal(literal)); literal = "" }
        }
        func unsupported(_ text: String) {
            if word.unsupported == nil { word.unsupported = text }
        }
        while let c = current {
            if c == " " || c == "\t" || c == "\n" || Self.operators.contains(c) { break }
            switch c {
            case "\\":
                word.quoted = true
                if peek(1) == "\n" {
                    index += 2
                    line += 1
                    continue
                }
                if let next = peek(1) { literal.unicodeScalars.append(next); index += 2 } else { index += 1 }
                continue
            case "'":
                word.quoted = true
                index += 1
                while let next = current, next != "'" {
                    if next == "\n" { line += 1 }
                    literal.unicodeScalars.append(next)
                    index += 1
                }
                if current == nil { unsupported("an unclosed ' quote") } else { index += 1 }
                continue
            case "\"":
                word.quoted = true
                index += 1
                while let next = current, next != "\"" {
                    switch next {
                    case "\\":
                        if let escaped = peek(1), escaped == "$" || escaped == "`" || escaped == "\"" || escaped == "\\" || escaped == "\n" {
                            if escaped == "\n" { line += 1 } else { literal.unicodeScalars.append(escaped) }
                            index += 2
                        } else {
                            literal.unicodeScalars.append("\\")
                            index += 1
                        }
                    case "$":
                        flush()
                        expansionsSeen = true
                        scanDollar(into: &word, literal: &literal, quoted: true)
                    case "`":
                        flush()
                        expansionsSeen = true
                        scanBackquote(into: &word)
                    default:
                        if next == "\n" { line += 1 }
                        literal.unicodeScalars.append(next)
                        index += 1
                    }
                }
                if current == nil { unsupported("an unclosed \" quote") } else { index += 1 }
                continue
            case "$":
                flush()
                expansionsSeen = true
                scanDollar(into: &word, literal: &literal, quoted: false)
                continue
            case "`":
                flush()
                expansionsSeen = true
                scanBackquote(into: &word)
                continue
            case "=" where word.assignment == nil && !word.quoted && !expansionsSeen && word.value.isEmpty && ShellWord.isName(literal):
                word.assignment = literal
                literal = ""
                index += 1
                if current == "~" { unsupported("~ (the home directory)") }
                continue
            case "~" where word.assignment != nil && literal.hasSuffix(":"):
                unsupported("~ (the home directory)")
            case "*", "?", "[", "{":
                word.hasPattern = true
            default:
                break
            }
            literal.unicodeScalars.append(c)
            index += 1
        }
        flush()
        if word.assignment == nil && word.value.isEmpty && word.quoted { word.value = [.literal("")] }
        return word
    }

    /// `$NAME`, `${NAME}`, `$(hostname …)`; anything else is marked as not evaluable.
    private mutating func scanDollar(into word: inout ShellWord, literal: inout String, quoted: Bool) {
        index += 1 // the `$`
        guard let c = current else { literal += "$"; return }
        if c == "_" || (c.isASCII && c.properties.isAlphabetic) {
            var name = ""
            while let next = current, next == "_" || (next.isASCII && (next.properties.isAlphabetic || ("0"..."9").contains(next))) {
                name.unicodeScalars.append(next)
                index += 1
            }
            word.value.append(.variable(name))
        } else if c == "{" {
            var content = ""
            index += 1
            while let next = current, next != "}" { content.unicodeScalars.append(next); index += 1 }
            if current == "}" { index += 1 }
            if ShellWord.isName(content) {
                word.value.append(.variable(content))
            } else if word.unsupported == nil {
                word.unsupported = "${\(content)}"
            }
        } else if c == "(" {
            index += 1
            var depth = 1
            var content = ""
            while let next = current {
                if next == "(" { depth += 1 } else if next == ")" { depth -= 1; if depth == 0 { break } }
                if next == "\n" { line += 1 }
                content.unicodeScalars.append(next)
                index += 1
            }
            if current == ")" { index += 1 }
            if let part = Self.hostnameCommand(content) {
                word.value.append(part)
            } else if word.unsupported == nil {
                word.unsupported = "$(\(content))"
            }
        } else if !quoted && (c == "'" || c == "\"") {
            if word.unsupported == nil { word.unsupported = "$\(c)…\(c)" }
            index += 1
            while let next = current, next != c { if next == "\n" { line += 1 }; index += 1 }
            if current != nil { index += 1 }
        } else if ("0"..."9").contains(c) || "@*#?-$!".unicodeScalars.contains(c) {
            if word.unsupported == nil { word.unsupported = "$\(c)" }
            index += 1
        } else {
            literal += "$"
        }
    }

    private mutating func scanBackquote(into word: inout ShellWord) {
        index += 1
        var content = ""
        while let next = current, next != "`" {
            if next == "\\", let escaped = peek(1) { content.unicodeScalars.append(escaped); index += 2; continue }
            if next == "\n" { line += 1 }
            content.unicodeScalars.append(next)
            index += 1
        }
        if current == "`" { index += 1 }
        if let part = Self.hostnameCommand(content) {
            word.value.append(part)
        } else if word.unsupported == nil {
            word.unsupported = "`\(content)`"
        }
    }

    /// `hostname` (what it prints: no name lookup), `hostname -s`, `hostname -f` (looked up when used).
    static func hostnameCommand(_ content: String) -> ShellWordPart? {
        let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let command = words.first, ["hostname", "/bin/hostname", "/usr/bin/hostname"].contains(command), words.count <= 2 else {
            return nil
        }
        switch words.dropFirst().first {
        case nil: return HostIdentity.shortName().map { .literal($0) }
        case "-s"?, "--short"?: return HostIdentity.shortName().map { .literal(String($0.prefix(while: { $0 != "." }))) }
        case "-f"?, "--fqdn"?, "--long"?: return .fullyQualifiedName
        default: return nil
        }
    }
}
