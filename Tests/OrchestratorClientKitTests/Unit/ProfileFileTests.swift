import Foundation
import Testing
@testable import OrchestratorClientKit

/// The profile file read as bash sources it: what the client applies is what bash would set, and
/// everything else is reported with its line, never guessed.
@Suite("Profile file as bash reads it")
struct ProfileFileTests {
    static func parse(_ text: String, environment: [String: String] = [:]) -> (values: [String: String], notices: [ProfileNotice]) {
        let (values, notices) = ProfileFile.parse(Array(text.utf8), path: "p.sh", environment: environment)
        return (values.compactMapValues { $0.plainText }, notices)
    }

    /// What bash sets for `names` when it sources `text` (with an empty environment but PATH).
    static func bash(_ text: String, names: [String]) throws -> [String: String] {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/p.sh"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let printer = names.map { "printf '%s\\0%s\\0' \($0) \"${\($0)-<unset>}\"" }.joined(separator: "; ")
        let result = try Support.run(["-c", ". \(file) >/dev/null 2>&1; \(printer)"], program: "/bin/bash")
        let fields = result.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        var values: [String: String] = [:]
        for index in stride(from: 0, to: fields.count - 1, by: 2) where fields[index + 1] != "<unset>" {
            values[fields[index]] = fields[index + 1]
        }
        return values
    }

    @Test("values are read exactly as bash reads them: quotes, escapes, several assignments, $NAME", arguments: [
        #"export ORCHESTRATOR_AUTH_PASSWORD="pa\$word""#,
        #"ORCHESTRATOR_AUTH_PASSWORD="a\"b\\c\d""#,
        #"ORCHESTRATOR_AUTH_USER=al"i"'ce'\ x"#,
        "export ORCHESTRATOR_API=http://a:3000/api ORCHESTRATOR_INSTANCE=db1:3306",
        "ORCHESTRATOR_API='http://a:3000/api http://b:3000/api'; export ORCHESTRATOR_API",
        "BASE=http://orc; export ORCHESTRATOR_API=\"$BASE:3000/api ${BASE}2:3000/api\"",
        "ORCHESTRATOR_INSTANCE=$UNSET_IN_TEST_ENV:3306",
        "ORCHESTRATOR_AUTH_PASSWORD='it''s'\"$\"",
        "ORCHESTRATOR_API=\"http://multi\nline\" # comment",
        "ORCHESTRATOR_AUTH_PASSWORD=a#b  # the first # is part of the word",
        "ORCHESTRATOR_AUTH_PASSWORD=x\\\ny",
    ])
    func exactValues(_ text: String) throws {
        let names = ["ORCHESTRATOR_API", "ORCHESTRATOR_INSTANCE", "ORCHESTRATOR_AUTH_USER", "ORCHESTRATOR_AUTH_PASSWORD"]
        let ours = Self.parse(text)
        #expect(ours.notices.isEmpty, "\(ours.notices)")
        let expected = try Self.bash(text, names: names)
        #expect(!expected.isEmpty)
        #expect(ours.values.filter { names.contains($0.key) } == expected, "\(text)")
    }

    @Test("CRLF line ends: every assignment is kept (the last line too), without the CR")
    func crlf() {
        let parsed = Self.parse("export ORCHESTRATOR_API=\"http://orc:3000/api\"\r\nORCHESTRATOR_INSTANCE=db1:3306\r\n# c\r\nX='y'")
        #expect(parsed.values == ["ORCHESTRATOR_API": "http://orc:3000/api", "ORCHESTRATOR_INSTANCE": "db1:3306", "X": "y"])
        #expect(parsed.notices.isEmpty)
    }

    @Test("assignments inside compound commands are not applied, and the client's own are an error naming the lines", arguments: [
        ("if [ \"$(hostname)\" = x ]; then export ORCHESTRATOR_INSTANCE=ifhost; fi", "p.sh:2", "if … fi"),
        ("if true\nthen\n  ORCHESTRATOR_INSTANCE=ifhost\nelse\n  ORCHESTRATOR_INSTANCE=other\nfi", "p.sh:2-7", "if … fi"),
        ("case $(hostname) in\n  db*) export ORCHESTRATOR_INSTANCE=ifhost ;;\n  *) ORCHESTRATOR_INSTANCE=x ;;\nesac", "p.sh:2-5", "case … esac"),
        ("for h in a b; do ORCHESTRATOR_INSTANCE=$h; done", "p.sh:2", "for loop"),
        ("while false; do\n ORCHESTRATOR_INSTANCE=ifhost\ndone", "p.sh:2-4", "while loop"),
        ("set_it() {\n  ORCHESTRATOR_INSTANCE=ifhost\n}\nset_it", "p.sh:2-4", "function"),
        ("function set_it {\n  ORCHESTRATOR_INSTANCE=ifhost\n}", "p.sh:2-4", "function"),
        ("{ ORCHESTRATOR_INSTANCE=ifhost; }", "p.sh:2", "{ … }"),
        ("( ORCHESTRATOR_INSTANCE=ifhost )", "p.sh:2", "subshell"),
        ("[ -f /nonexistent ] && export ORCHESTRATOR_INSTANCE=ifhost", "p.sh:2", "list"),
        ("test -f /nonexistent || ORCHESTRATOR_INSTANCE=ifhost", "p.sh:2", "list"),
    ])
    func compound(_ body: String, _ location: String, _ what: String) throws {
        let text = "ORCHESTRATOR_API=http://before:3000/api\n" + body + "\nORCHESTRATOR_AUTH_USER=after\n"
        let parsed = Self.parse(text)
        #expect(parsed.values["ORCHESTRATOR_INSTANCE"] == nil, "\(parsed.values)")
        #expect(parsed.values["ORCHESTRATOR_API"] == "http://before:3000/api")
        #expect(parsed.values["ORCHESTRATOR_AUTH_USER"] == "after", "the line after the compound command is read again")
        let errors = parsed.notices.filter(\.isError)
        #expect(errors.count == 1, "\(parsed.notices)")
        #expect(errors.first?.location == location, "\(parsed.notices)")
        #expect(errors.first?.problem.contains(what) == true, "\(parsed.notices)")
        // bash itself sets none of them here (the conditions are false), which is why none may be guessed.
        #expect(try Self.bash(text, names: ["ORCHESTRATOR_INSTANCE"])["ORCHESTRATOR_INSTANCE"] != "other")
    }

    @Test("values the client cannot evaluate exactly are errors naming the line, never guessed", arguments: [
        "ORCHESTRATOR_AUTH_PASSWORD=\"$(cat /root/pw)\"",
        "ORCHESTRATOR_API=${ORC:-http://x:3000}",
        "ORCHESTRATOR_CA_FILE=~/ca.pem",
        "ORCHESTRATOR_INSTANCE=$1",
        "ORCHESTRATOR_INSTANCE=$UID",
        "ORCHESTRATOR_AUTH_PASSWORD=$'a\\tb'",
        "ORCHESTRATOR_AUTH_PASSWORD=\"unclosed",
        "unset ORCHESTRATOR_API",
        "ORCHESTRATOR_INSTANCE=x touch /tmp/y",
        "export ORCHESTRATOR_INSTANCE=db{1,2}",
        "ORCHESTRATOR_API=http://x >/dev/null",
    ])
    func notEvaluable(_ line: String) {
        let parsed = Self.parse("# first\n" + line + "\n")
        #expect(parsed.values.isEmpty, "\(parsed.values)")
        #expect(parsed.notices.count == 1, "\(parsed.notices)")
        #expect(parsed.notices.first?.isError == true)
        #expect(parsed.notices.first?.location.hasPrefix("p.sh:2") == true, "\(parsed.notices)")
    }

    @Test("other commands are not run, and said so as warnings; here-documents are skipped whole")
    func warnings() {
        let parsed = Self.parse("""
        umask 022
        cat <<EOF
        ORCHESTRATOR_INSTANCE=from-heredoc
        EOF
        export ORCHESTRATOR_API=http://x:3000/api
        """)
        #expect(parsed.values == ["ORCHESTRATOR_API": "http://x:3000/api"])
        #expect(parsed.notices.map(\.location) == ["p.sh:1", "p.sh:2"], "\(parsed.notices)")
        #expect(parsed.notices.allSatisfy { !$0.isError })
    }

    @Test("$(hostname) and `hostname` are what hostname prints (no lookup); $(hostname -f) waits until the value is used")
    func hostname() throws {
        let short = try #require(HostIdentity.shortName())
        let (values, notices) = ProfileFile.parse(Array("A=$(hostname):3307\nB=`hostname`\nC=$(hostname -f):1\nD=$HOSTNAME".utf8),
                                                 path: "p.sh", environment: [:])
        #expect(notices.isEmpty)
        #expect(values["A"]?.plainText == short + ":3307")
        #expect(values["B"]?.plainText == short)
        #expect(values["D"]?.plainText == short)
        #expect(values["C"]?.plainText == nil, "looked up only when used")
        #expect(values["C"]?.parts == [.fullyQualifiedName, .text(":1")])
        let bash = try Self.bash("A=$(hostname):3307\nB=`hostname`", names: ["A", "B"])
        #expect(bash == ["A": short + ":3307", "B": short])
    }

    @Test("bytes that are not UTF-8 make their line an error")
    func invalidUTF8() {
        var bytes = Array("ORCHESTRATOR_API=http://a:3000/api\nORCHESTRATOR_AUTH_PASSWORD=j".utf8)
        bytes += [0xFC] + Array("rgen\n".utf8)
        let (values, notices) = ProfileFile.parse(bytes, path: "p.sh", environment: [:])
        #expect(values["ORCHESTRATOR_AUTH_PASSWORD"] == nil)
        #expect(values["ORCHESTRATOR_API"]?.plainText == "http://a:3000/api")
        #expect(notices.map(\.location) == ["p.sh:2"])
        #expect(notices.first?.problem.contains("UTF-8") == true)
    }

    @Test("an encrypted key is recognised in both PEM forms")
    func encryptedKeyForms() {
        #expect(TLSOptions.isEncrypted("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII…"))
        #expect(TLSOptions.isEncrypted("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n"))
        #expect(!TLSOptions.isEncrypted("-----BEGIN PRIVATE KEY-----\nMII…"))
    }

    @Test("connect failures name the system's reason, not always \"refused\"")
    func connectReasons() {
        #expect(CurlTransport.connectFailure(errno: ECONNREFUSED, detail: "") == "connection refused")
        #expect(CurlTransport.connectFailure(errno: ENETUNREACH, detail: "").contains("network unreachable"))
        #expect(CurlTransport.connectFailure(errno: EINVAL, detail: "").contains("link-local"))
        #expect(CurlTransport.connectFailure(errno: EMFILE, detail: "").contains("ulimit -n"))
        #expect(CurlTransport.connectFailure(errno: EHOSTUNREACH, detail: "").contains("host unreachable"))
    }

    @Test("TLS hints: one accurate line per failure", arguments: [
        ("ssl certificate problem: certificate has expired", "(its own, or an intermediate it sends): it must be renewed on the server"),
        ("ssl certificate problem: certificate is not yet valid", "not valid yet"),
        ("ssl: no alternative certificate subject name matches target host name '127.0.0.1'", "for another name"),
        ("ssl certificate problem: self-signed certificate in certificate chain", "--ca-file"),
        ("error:0a00010b:ssl routines::wrong version number", "does not speak TLS"),
        ("error:0a000102:ssl routines::unsupported protocol", "only TLS 1.0 or 1.1, which the client refuses (RFC 8996)"),
        ("error:0a00042e:ssl routines::tlsv1 alert protocol version", "only TLS 1.0 or 1.1, which the client refuses (RFC 8996)"),
        ("error:0a00014d:ssl routines::legacy sigalg disallowed or unsupported", "enable TLS 1.2 or later"),
        ("ssl/tls alert certificate expired", "client certificate: it has expired"),
    ])
    func tlsHints(_ detail: String, _ hint: String) {
        let text = SettingMention.word(CurlTransport.tlsHint(detail, peer: .server(PeerTrust())),
                                       naming: { $0 == .caFile ? "--ca-file" : $0.rawValue })
        #expect(text.contains(hint), "\(detail) → \(text)")
        if !hint.contains("--ca-file") { #expect(!text.contains("--ca-file"), "\(detail) → \(text)") }
    }

    @Test("TLS hints name the peer that failed and the setting that trusts it: the one given, else the one to give")
    func tlsHintsPerPeer() {
        func hint(_ detail: String, _ peer: TLSPeer) -> String {
            SettingMention.word(CurlTransport.tlsHint(detail, peer: peer), naming: { "<\($0.rawValue)>" })
        }
        let untrusted = "ssl certificate problem: unable to get local issuer certificate"
        let bundle = AuthorityLocation(path: "/etc/b.pem", source: "CURL_CA_BUNDLE")
        #expect(hint(untrusted, .server(PeerTrust(file: bundle))).hasSuffix("not signed by an authority in CURL_CA_BUNDLE (/etc/b.pem): add the authority that signed it there"))
        #expect(hint(untrusted, .server(PeerTrust(file: AuthorityLocation(path: "/ca.pem", source: .setting(.caFile)))))
                    .contains("in <caFile>/ORCHESTRATOR_CA_FILE (/ca.pem)"))
        let proxy = hint(untrusted, .proxy(PeerTrust()))
        #expect(proxy.contains("the proxy's certificate is not signed by an authority this host trusts: trust its certificate authority with <proxyCAFile> or ORCHESTRATOR_PROXY_CA_FILE"), "\(proxy)")
        #expect(!proxy.contains("<caFile>"))
        #expect(hint("ssl certificate problem: certificate has expired", .proxy(PeerTrust())).contains("renewed on the proxy"))
        #expect(!hint("tlsv13 alert certificate required", .proxy(PeerTrust())).contains("<clientCertificate>"))
    }

    @Test("a CA file libcurl cannot read is named by the setting that gave it, never as --cert and --key when none was given")
    func localTLSProblemNamesTheFile() {
        func problem(_ detail: String, _ tls: TLSOptions) -> String {
            SettingMention.word(CurlTransport.localTLSProblem(detail, tls: tls), naming: { "<\($0.rawValue)>" })
        }
        #expect(problem("error setting certificate file: /x/ca.pem", TLSOptions(caFile: "/x/ca.pem"))
                    .hasSuffix("; check <caFile>/ORCHESTRATOR_CA_FILE (/x/ca.pem)"))
        #expect(problem("error setting certificate file: /p.pem", TLSOptions(proxyCAFile: "/p.pem")).contains("<proxyCAFile>/ORCHESTRATOR_PROXY_CA_FILE (/p.pem)"))
        let inherited = TLSOptions(inheritedAuthorities: InheritedAuthorities(file: AuthorityLocation(path: "/b.pem", source: "CURL_CA_BUNDLE")))
        #expect(problem("error setting certificate verify locations:  cafile: /b.pem capath: none", inherited).contains("check CURL_CA_BUNDLE (/b.pem)"))
        #expect(!problem("error setting certificate file: /etc/ssl/certs/ca-certificates.crt", TLSOptions()).contains("<clientCertificate>"))
        #expect(problem("could not load pem client certificate from /c.pem", TLSOptions(certificateFile: "/c.pem", keyFile: "/k"))
                    .contains("<clientCertificate> and <clientKey>"))
    }
}
