import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

@Suite("Flag parsing")
struct ArgumentParserTests {
    @Test("every spelling people use", arguments: [
        ["-c", "discover"], ["-cdiscover"], ["-command", "discover"], ["--command", "discover"],
        ["--command=discover"], ["-command=discover"], ["-c=discover"],
    ])
    func spellings(_ arguments: [String]) throws {
        let parsed = try FlagParser.parse(arguments)
        #expect(parsed[.command] == "discover")
    }

    @Test("each bash letter maps to its flag")
    func letters() throws {
        let pairs: [(String, Flag)] = [("c", .command), ("i", .instance), ("d", .destination), ("s", .destination), ("a", .alias),
                                       ("o", .owner), ("r", .reason), ("u", .duration), ("R", .promotionRule), ("t", .tag),
                                       ("l", .pool), ("H", .hostname), ("D", .defaultPort), ("U", .api), ("P", .path),
                                       ("q", .query), ("b", .auth), ("e", .headersAuth), ("n", .binlog), ("S", .seconds)]
        for (letter, flag) in pairs {
            let parsed = try FlagParser.parse(["-\(letter)", "value"])
            #expect(parsed[flag] == "value", "-\(letter)")
        }
        #expect(try FlagParser.parse(["-h"]).has(.help))
    }

    @Test("--owner=cron is the owner cron, never 'wner=cron'")
    func ownerEquals() throws {
        let parsed = try FlagParser.parse(["--duration=5m", "--owner=cron", "--reason=continuous_downtime"])
        #expect(parsed[.owner] == "cron")
        #expect(parsed[.reason] == "continuous_downtime")
        #expect(parsed[.duration] == "5m")
    }

    @Test("a value may begin with '-' or contain '='")
    func oddValues() throws {
        let parsed = try FlagParser.parse(["-r", "-x", "--tag=role=backup"])
        #expect(parsed[.reason] == "-x")
        #expect(parsed[.tag] == "role=backup")
    }

    @Test("a flag repeated with the same value passes; with another value it is refused, never silently replaced")
    func repeated() throws {
        #expect(try FlagParser.parse(["-i", "a", "--instance=a"])[.instance] == "a")
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["-i", "a", "-i", "b"]) }
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["-c", "which-master", "-c", "discover"]) }
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["-d", "db2", "-s", "db3"]) }
        #expect(try FlagParser.parse(["--quiet", "--quiet"]).has(.quiet))
    }

    @Test("unknown flags and missing values are usage errors")
    func errors() {
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["--ownr", "x"]) }
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["-i"]) }
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["--quiet=yes"]) }
        #expect(throws: OrchestratorError.self) { try FlagParser.parse(["-hx"]) }
    }
}

@Suite("Instance keys and encoding")
struct ValueTests {
    @Test("host, host:port, IPv6 in brackets")
    func keys() throws {
        #expect(try InstanceKey(parsing: "db1").description == "db1:3306")
        #expect(try InstanceKey(parsing: "db1", defaultPort: 3307).description == "db1:3307")
        #expect(try InstanceKey(parsing: "db1.example.com:10111").port == 10111)
        let v6 = try InstanceKey(parsing: "[::1]:3306")
        #expect(v6.hostname == "::1")
        #expect(try InstanceKey(parsing: "[fe80::1]").port == 3306)
        for bad in ["", ":3306", "db1:", "db1:0", "db1:65536", "db1:+5", "::1", "[::1", "[zz]:1", "a b", "db1/x", "..", "db1:1:2"] {
            #expect(throws: OrchestratorError.self, "\(bad)") { try InstanceKey(parsing: bad) }
        }
    }

    @Test("an IPv6 address in brackets is one the system can parse (inet_pton), in instance keys and endpoints alike")
    func ipv6Literals() throws {
        for good in ["::1", "fe80::1", "::ffff:10.0.0.1", "2001:DB8::A", "::"] {
            #expect(try InstanceKey(parsing: "[\(good)]:3306").hostname == good)
            #expect(try Endpoint(parsing: "http://[\(good)]:3000").url == "http://[\(good)]:3000/api")
        }
        for bad in [":", ":::", "1::2::3", "::1::", "1:2:3:4:5:6:7:8:9", "::g", "1.2.3.4", "::1.2.3", "12345::1"] {
            #expect(throws: OrchestratorError.self, "\(bad)") { try InstanceKey(parsing: "[\(bad)]:3306") }
            #expect(throws: OrchestratorError.self, "\(bad)") { try Endpoint(parsing: "http://[\(bad)]:3000/api") }
        }
    }

    @Test("percent-encoding: once, no trailing newline, path-safe")
    func encoding() {
        #expect(PercentEncoding.pathSegment("testing failover") == "testing%20failover")
        #expect(PercentEncoding.pathSegment("o'brien") == "o'brien")
        #expect(PercentEncoding.pathSegment("127.0.0.1:10111") == "127.0.0.1:10111")
        #expect(PercentEncoding.pathSegment("a/b?c#d%") == "a%2Fb%3Fc%23d%25")
        #expect(PercentEncoding.queryValue("role=backup") == "role%3Dbackup")
        #expect(PercentEncoding.queryValue("a:1,b:2") == "a%3A1%2Cb%3A2")
        #expect(PercentEncoding.queryValue("é") == "%C3%A9")
    }

    @Test("routes render with each value encoded for where it stands")
    func routes() {
        let template = RouteTemplate("begin-downtime/{instance}/{owner}/{reason}/{duration}")
        let path = template.render([.instance: .instance(InstanceKey(hostname: "db1", port: 3306)), .owner: .text("cron"),
                                    .reason: .text("disk swap"), .duration: .text("5m")])
        #expect(path.encoded == "begin-downtime/db1/3306/cron/disk%20swap/5m")
        let optional = RouteTemplate("graceful-master-takeover/{cluster}{/destination?}")
        #expect(optional.render([.cluster: .text("ci")]).encoded == "graceful-master-takeover/ci")
        #expect(optional.render([.cluster: .text("ci"), .destination: .instance(InstanceKey(hostname: "db2", port: 1))]).encoded
                == "graceful-master-takeover/ci/db2/1")
        #expect(RouteTemplate("move-up-replicas/{instance}/{destination?}").render([.instance: .instance(InstanceKey(hostname: "h", port: 1))]).encoded
                == "move-up-replicas/h/1/")
        #expect(RouteTemplate("tagged/?tag={tags}").render([.tags: .text("a=1,b")]).encoded == "tagged/?tag=a%3D1%2Cb")
    }

    @Test("durations, promotion rules, tags")
    func rules() throws {
        for good in ["5m", "30s", "2h", "1d", "1w", "10m"] { #expect(try ValueRules.duration(good) == good) }
        for bad in ["5", "m", "5 m", "-5m", "5mm", "5M", ""] {
            #expect(throws: OrchestratorError.self, "\(bad)") { try ValueRules.duration(bad) }
        }
        #expect(try ValueRules.promotionRule("prefer_not") == .preferNot)
        #expect(throws: OrchestratorError.self) { try ValueRules.promotionRule("Prefer") }
        #expect(try ValueRules.tag("role=backup") == "role=backup")
        #expect(try ValueRules.tag("a,b=1", allowList: true) == "a,b=1")
        #expect(throws: OrchestratorError.self) { try ValueRules.tag("a,b") }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("endpoints are normalized as the bash client does")
    func normalization() throws {
        #expect(try Endpoint(parsing: "http://orc:3000").url == "http://orc:3000/api")
        #expect(try Endpoint(parsing: "http://orc:3000/").url == "http://orc:3000/api")
        #expect(try Endpoint(parsing: "http://orc:3000/api/").url == "http://orc:3000/api")
        #expect(try Endpoint(parsing: "https://orc/prefix").url == "https://orc/prefix/api")
        let withCredentials = try Endpoint(parsing: "http://user:p%40ss@orc:3000/api")
        #expect(withCredentials.url == "http://orc:3000/api")
        #expect(withCredentials.credentials == Credentials(user: "user", password: "p@ss"))
        #expect(throws: OrchestratorError.self) { try Endpoint(parsing: "orc:3000") }
        #expect(Endpoint.masked("http://user:secret@orc/api") == "http://user:****@orc/api")
    }

    @Test("an endpoint's host is one libcurl takes: a name, an address, [IPv6] with a zone, one trailing dot")
    func endpointHosts() throws {
        for good in ["http://orc.example.test.:3000", "http://[fe80::1%25eth0]:3000", "http://10.0.0.1", "http://orc_1:3000",
                     "http://user:pw@orc-1.example.com/api"] {
            #expect(throws: Never.self, "\(good)") { try Endpoint(parsing: good) }
        }
        for bad in ["http://:3000", "http://u:p@:3000/api", "http://[zz]:3000", "http://[]:3000", "http://a b", "http://a|b",
                    "http://a%41b:3000", "http://.", "http://orc..", "http://[fe80::1%]:3000", "http://a]b:3000"] {
            #expect(throws: OrchestratorError.self, "\(bad)") { try Endpoint(parsing: bad) }
        }
    }

    @Test("precedence: -U, then ORCHESTRATOR_API, then localhost")
    func precedence() throws {
        let environment = ClientEnvironment(variables: ["ORCHESTRATOR_API": "http://a:3000/api  http://b:3000 http://a:3000/api"])
        #expect(try ClientConfiguration.fromEnvironment(environment).endpoints.map(\.url) == ["http://a:3000/api", "http://b:3000/api"])
        #expect(try ClientConfiguration.fromEnvironment(environment, apiOverride: "http://c:1").endpoints.map(\.url) == ["http://c:1/api"])
        #expect(try ClientConfiguration.fromEnvironment(ClientEnvironment(variables: [:])).endpoints.map(\.url) == ["http://localhost:3000/api"])
    }

    @Test("certificate authorities: --ca-file or ORCHESTRATOR_CA_FILE, else CURL_CA_BUNDLE alone, else SSL_CERT_FILE and SSL_CERT_DIR; only where a certificate is verified")
    func certificateAuthorities() throws {
        func trust(_ variables: [String: String], _ overrides: ConfigurationOverrides = ConfigurationOverrides()) throws -> (PeerTrust, PeerTrust) {
            var all = ["ORCHESTRATOR_API": "https://orc:3000/api"]
            all.merge(variables) { $1 }
            let tls = try ClientConfiguration.resolve(ClientEnvironment(variables: all), overrides: overrides).tls
            return (tls.serverTrust, tls.proxyTrust)
        }
        let curl = ["CURL_CA_BUNDLE": "/b.pem", "SSL_CERT_FILE": "/f.pem", "SSL_CERT_DIR": "/d"]
        #expect(try trust(curl).0 == PeerTrust(file: AuthorityLocation(path: "/b.pem", source: "CURL_CA_BUNDLE")))
        let fileAndDirectory = PeerTrust(file: AuthorityLocation(path: "/f.pem", source: "SSL_CERT_FILE"),
                                         directory: AuthorityLocation(path: "/d", source: "SSL_CERT_DIR"))
        #expect(try trust(curl.merging(["CURL_CA_BUNDLE": ""]) { $1 }).0 == fileAndDirectory, "empty counts as unset")
        // SSL_CERT_DIR verifies an https proxy too, as curl gives it as the proxy's CA path.
        #expect(try trust(["SSL_CERT_DIR": "/d"]).1 == PeerTrust(directory: AuthorityLocation(path: "/d", source: "SSL_CERT_DIR")))
        let explicit = PeerTrust(file: AuthorityLocation(path: "/ca.pem", source: .setting(.caFile)))
        #expect(try trust(curl, ConfigurationOverrides(caFile: "/ca.pem")).0 == explicit)
        #expect(try trust(curl.merging(["ORCHESTRATOR_CA_FILE": "/ca.pem"]) { $1 }).0 == explicit)
        #expect(try trust(curl.merging(["ORCHESTRATOR_CA_FILE": "/ca.pem"]) { $1 }).1 == PeerTrust(), "read only when no CA file is given")
        #expect(try trust(curl, ConfigurationOverrides(insecure: true)).0 == PeerTrust(verifies: false))
        #expect(try trust(curl.merging(["ORCHESTRATOR_API": "http://orc:3000/api"]) { $1 }).0 == PeerTrust(), "http endpoints: none read")
        let proxy = try trust(["SSL_CERT_DIR": "/d"], ConfigurationOverrides(proxyCAFile: "/p.pem", proxyInsecure: false)).1
        #expect(proxy.file == AuthorityLocation(path: "/p.pem", source: .setting(.proxyCAFile)))
        #expect(try trust(curl, ConfigurationOverrides(proxyInsecure: true)).1 == PeerTrust(verifies: false))
        #expect(try trust(curl.merging(["ORCHESTRATOR_PROXY_INSECURE": "1"]) { $1 }).0.verifies, "orchestrator is still verified")
    }

    @Test("the profile file: simple assignments only, never executed")
    func profile() {
        let parsed = ProfileFile.parse("""
        # comment
        export ORCHESTRATOR_API="http://a:3000/api http://b:3000/api"
        ORCHESTRATOR_AUTH_USER='alice'
          export ORCHESTRATOR_INSTANCE=db1:3306 # trailing comment
        ORCHESTRATOR_X=$(rm -rf /)
        ORCHESTRATOR_Y=`id`
        if [ -f /x ]; then
        ORCHESTRATOR_Z=a;b
        """)
        #expect(parsed["ORCHESTRATOR_API"] == "http://a:3000/api http://b:3000/api")
        #expect(parsed["ORCHESTRATOR_AUTH_USER"] == "alice")
        #expect(parsed["ORCHESTRATOR_INSTANCE"] == "db1:3306")
        #expect(parsed["ORCHESTRATOR_X"] == nil)
        #expect(parsed["ORCHESTRATOR_Y"] == nil)
        #expect(parsed["ORCHESTRATOR_Z"] == nil)
        #expect(parsed.count == 3)
        let host = ProfileFile.parse("export ORCHESTRATOR_INSTANCE=`hostname`:3307")["ORCHESTRATOR_INSTANCE"]
        #expect(host == (HostIdentity.fullyQualifiedName() ?? "") + ":3307")
    }
}

@Suite("The command table")
struct CommandTableTests {
    /// The 105 command names of the bash client.
    static let bashCommands = """
    help which-api api async-discover discover forget forget-cluster topology topology-tabulated topology-tags
    snapshot-topologies clusters clusters-alias search instance which-instance which-master which-replicas
    which-broken-replicas which-cluster-instances which-cluster which-cluster-alias which-cluster-master
    all-clusters-masters all-instances which-cluster-osc-replicas which-cluster-osc-running-replicas downtimed dominant-dc
    submit-masters-to-kv-stores relocate relocate-replicas match match-up match-up-replicas move-up move-below
    move-equivalent move-up-replicas make-co-master take-master move-gtid move-replicas-gtid repoint repoint-replicas
    take-siblings tags tag-value tag untag untag-all tagged submit-pool-instances which-heuristic-cluster-pool-instances
    begin-downtime end-downtime begin-maintenance end-maintenance register-candidate register-hostname-unresolve
    deregister-hostname-unresolve stop-replica stop-replica-nice start-replica restart-replica reset-replica
    detach-replica reattach-replica detach-replica-master-host reattach-replica-master-host skip-query which-gtid-errant
    locate-gtid-errant gtid-errant-reset-master gtid-errant-inject-empty enable-semi-sync-master disable-semi-sync-master
    enable-semi-sync-replica disable-semi-sync-replica restart-replica-statements delay-replication can-replicate-from
    can-replicate-from-gtid is-replicating is-replication-stopped set-read-only set-writeable flush-binary-logs
    purge-binary-logs last-pseudo-gtid recover graceful-master-takeover graceful-master-takeover-auto
    force-master-failover force-master-takeover ack-cluster-recoveries ack-all-recoveries disable-global-recoveries
    enable-global-recoveries check-global-recoveries replication-analysis raft-leader raft-health raft-leader-hostname
    raft-elect-leader
    """.split(whereSeparator: \.isWhitespace).map(String.init)

    /// Names beyond openark's bash client: Percona's client adds change-master-credentials, and
    /// endpoints is ours.
    static let otherCommands = ["change-master-credentials", "endpoints"]

    @Test("all 105 names of the bash client resolve, and nothing else is in the table but Percona's and ours")
    func coverage() {
        #expect(Self.bashCommands.count == 105)
        for name in Self.bashCommands { #expect(CommandTable.find(name) != nil, "\(name)") }
        let ours = Set(CommandTable.all.flatMap { [$0.name] + $0.aliases })
        #expect(ours == Set(Self.bashCommands + Self.otherCommands))
    }

    @Test("only the Percona-only command names a server requirement")
    func requirements() {
        #expect(CommandTable.all.filter { $0.requires != nil }.map(\.name) == ["change-master-credentials"])
        #expect(CommandTable[.changeMasterCredentials].requires == .perconaAfter3_2_6_20)
    }

    @Test("find(_:) without the table of every spelling answers as that table did: the first row with the name")
    func findMatchesTheTableOfEverySpelling() {
        // For start-up, find scans names and aliases first and builds the table of `slave` spellings only when needed.
        var table: [String: CommandSpec] = [:]
        for spec in CommandTable.all {
            for name in spec.allNames where table[name] == nil { table[name] = spec }
        }
        for (name, spec) in table { #expect(CommandTable.find(name)?.id == spec.id, "\(name)") }
        #expect(CommandTable.find("no-such-command") == nil)
        #expect(CommandTable.find("") == nil)
    }

    @Test("the process environment is split at the first =, values with = and empty ones kept, UTF-8 whole")
    func processEnvironment() {
        // Split on the C strings rather than by Character, for the command line's start-up.
        setenv("OCC_TEST_ENVIRON_EQUALS", "a=b==c", 1)
        setenv("OCC_TEST_ENVIRON_EMPTY", "", 1)
        setenv("OCC_TEST_ENVIRON_UTF8", "é😀", 1)
        let variables = ClientEnvironment.current().variables
        #expect(variables["OCC_TEST_ENVIRON_EQUALS"] == "a=b==c")
        #expect(variables["OCC_TEST_ENVIRON_EMPTY"] == "")
        #expect(variables["OCC_TEST_ENVIRON_UTF8"] == "é😀")
        #expect(variables["PATH"] == String(cString: getenv("PATH")))
    }

    @Test("slave spellings are synonyms of replica", arguments: ["which-slaves", "stop-slave", "start-slave", "stop-slave-nice",
                                                                  "restart-slave-statements", "detach-slave-master-host"])
    func synonyms(_ name: String) {
        #expect(CommandTable.find(name)?.name == name.replacingOccurrences(of: "slave", with: "replica"))
    }

    @Test("every route template names only known values and parses back to its text")
    func templates() {
        for spec in CommandTable.all {
            guard let route = spec.route else { continue }
            #expect(!route.contains("{") || !spec.template!.values.isEmpty, "\(spec.name)")
            var rebuilt = ""
            for part in spec.template!.parts {
                switch part {
                case .literal(let text): rebuilt += text
                case let .value(value, optional, slash, _):
                    rebuilt += "{" + (slash ? "/" : "") + value.rawValue + (optional ? "?" : "") + "}"
                }
            }
            #expect(rebuilt == route, "\(spec.name): a placeholder name is misspelled")
        }
    }

    @Test("read-only commands are marked so; mutations are not")
    func safety() {
        for name in ["discover", "begin-downtime", "relocate", "stop-replica", "recover", "graceful-master-takeover", "forget"] {
            #expect(CommandTable.find(name)?.safety == .changes, "\(name)")
        }
        for name in ["topology", "clusters", "which-master", "all-instances", "replication-analysis", "is-replicating"] {
            #expect(CommandTable.find(name)?.safety == .readOnly, "\(name)")
        }
    }
}

@Suite("JSON")
struct JSONTests {
    @Test("printing follows jq")
    func printing() throws {
        let value = try JSONParser.parse(#"{"a":[1,"x  y",{"b":null}],"c":{},"d":[],"e":"\u00e9\n\"","f":1.50}"#)
        #expect(JSONPrinter.render(value, style: .pretty) == """
        {
          "a": [
            1,
            "x  y",
            {
              "b": null
            }
          ],
          "c": {},
          "d": [],
          "e": "é\\n\\"",
          "f": 1.50
        }
        """)
        #expect(JSONPrinter.render(value, style: .inline) == #"{ "a": [ 1, "x  y", { "b": null } ], "c": {}, "d": [], "e": "é\n\"", "f": 1.50 }"#)
        #expect(JSONPrinter.render(.string("a b"), style: .raw) == "a b")
    }

    @Test("invalid documents are refused", arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\u{01}\"", "nul", "[1] x", "\"\\q\""])
    func invalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("surrogate pairs decode")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }
}
