import Foundation
import Testing

/// A host of its own for one run of the client: new mount, UTS and network namespaces (`unshare`, as root, as CI
/// runs), with its own host name, /etc/hosts, /etc/resolv.conf, only a loopback interface, and optionally a DNS
/// server on 127.0.0.1 that receives queries and never answers. Nothing leaves the namespace.
enum IsolatedHost {
    /// Why namespaces cannot be made here, or `nil` when they can.
    static let unavailable: String? = {
        guard let unshare = Support.find("unshare") else { return "unshare (util-linux) is not installed" }
        guard geteuid() == 0 else { return "namespaces need root (CI runs as root)" }
        let probe = try? Support.run(["--mount", "--uts", "--net", "/bin/sh", "-c", "hostname probe && ip link set lo up"],
                                     timeout: 10, program: unshare)
        return probe?.status == 0 ? nil : "this machine cannot make mount/UTS/network namespaces: \(probe?.stderr ?? "")"
    }()

    /// Runs the client with `arguments` inside the namespaces.
    static func run(_ arguments: [String], hostname: String = "db7", hosts: String = "127.0.0.1 localhost\n",
                    silentDNS: Bool = false, slowDNSMilliseconds: Int? = nil, hungServerPort: Int? = nil, loopbackUp: Bool = true,
                    environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> ProcessResult {
        let directory = try TemporaryDirectory()
        try hosts.write(toFile: directory.path + "/hosts", atomically: true, encoding: .utf8)
        try "nameserver 127.0.0.1\noptions timeout:20 attempts:1\n".write(toFile: directory.path + "/resolv.conf",
                                                                           atomically: true, encoding: .utf8)
        try """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 53))
        open(sys.argv[1], "w").close()
        s.settimeout(60)
        try:
            while True:
                s.recvfrom(4096)
        except Exception:
            pass
        """.write(toFile: directory.path + "/silent_dns.py", atomically: true, encoding: .utf8)
        // Answers every A query with 127.0.0.1 (and any other with no address), each after the delay.
        try """
        import socket, sys, threading
        delay = int(sys.argv[2]) / 1000
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 53))
        open(sys.argv[1], "w").close()
        def answer(query, peer):
            end = query.index(0, 12) + 5
            qtype = int.from_bytes(query[end - 4:end - 2], "big")
            count = 1 if qtype == 1 else 0
            reply = query[:2] + b"\\x81\\x80\\x00\\x01" + count.to_bytes(2, "big") + b"\\x00\\x00\\x00\\x00" + query[12:end]
            if count:
                reply += b"\\xc0\\x0c\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x3c\\x00\\x04\\x7f\\x00\\x00\\x01"
            s.sendto(reply, peer)
        s.settimeout(60)
        try:
            while True:
                query, peer = s.recvfrom(4096)
                threading.Timer(delay, answer, (query, peer)).start()
        except Exception:
            pass
        """.write(toFile: directory.path + "/slow_dns.py", atomically: true, encoding: .utf8)
        // Accepts connections (the kernel does) and never answers.
        try """
        import socket, sys, time
        s = socket.socket()
        s.bind(("127.0.0.1", int(sys.argv[1])))
        s.listen(64)
        open(sys.argv[2], "w").close()
        time.sleep(60)
        """.write(toFile: directory.path + "/hung_server.py", atomically: true, encoding: .utf8)
        let python = TLSServer.python ?? "python3"
        let d = directory.path
        var script = "set -e\nhostname \(hostname)\nmount --bind \(d)/hosts /etc/hosts\nmount --bind \(d)/resolv.conf /etc/resolv.conf\n"
        if loopbackUp { script += "ip link set lo up\n" }
        if silentDNS {
            script += "\(python) \(d)/silent_dns.py \(d)/ready & stub=$!\n"
            script += "while [ ! -e \(d)/ready ]; do sleep 0.05; done\n"
        }
        if let slowDNSMilliseconds {
            script += "\(python) \(d)/slow_dns.py \(d)/ready \(slowDNSMilliseconds) & stub=$!\n"
            script += "while [ ! -e \(d)/ready ]; do sleep 0.05; done\n"
        }
        if let hungServerPort {
            script += "\(python) \(d)/hung_server.py \(hungServerPort) \(d)/listening & hung=$!\n"
            script += "while [ ! -e \(d)/listening ]; do sleep 0.05; done\n"
        }
        script += "set +e\nstart=$(date +%s%N)\n\"$0\" \"$@\"; status=$?\nend=$(date +%s%N)\n"
        script += "echo \"elapsed-ms $(( (end - start) / 1000000 ))\" >&2\n"
        if silentDNS || slowDNSMilliseconds != nil { script += "kill $stub\n" }
        if hungServerPort != nil { script += "kill $hung\n" }
        script += "exit $status\n"
        var result = try Support.run(["--mount", "--uts", "--net", "/bin/sh", "-c", script, Support.executable] + arguments,
                                     environment: environment, timeout: timeout, program: Support.find("unshare") ?? "unshare")
        // The client's own time, without the namespace's set-up.
        var lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.lastIndex(where: { $0.hasPrefix("elapsed-ms ") }), let value = Int(lines[index].dropFirst(11)) {
            lines.remove(at: index)
            result = ProcessResult(status: result.status, stdout: result.stdout, stderr: lines.joined(separator: "\n"), milliseconds: value)
        }
        return result
    }
}

@Suite("This host, isolated (namespaces)", .enabled(if: IsolatedHost.unavailable == nil, "\(IsolatedHost.unavailable ?? "")"))
struct IsolatedHostTests {
    @Test("a DNS server that never answers: --connect-timeout and --timeout still bound the run")
    func silentResolver() throws {
        let result = try IsolatedHost.run(["--connect-timeout", "1s", "--timeout", "3s", "-c", "clusters"], silentDNS: true,
                                          environment: ["ORCHESTRATOR_API": "http://orc.example.test:3000/api"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.milliseconds < 5_000, "took \(result.milliseconds) ms: the resolver was waited for")
        #expect(result.stderr.contains("its host name to resolve"), "\(result.stderr)")
        #expect(result.stderr.contains("over "), "the attempts are counted: \(result.stderr)")
    }

    @Test("with $(hostname -f) in the profile and a silent resolver, --help, --version, usage errors and commands that need no instance never look anything up", arguments: [["--help"], ["--version"], ["-c", "no-such"],
                                                                        ["--dry-run", "-c", "clusters"], ["--dry-run", "-c", "discover", "-i", "db1"]])
    func noLookupWhenNotNeeded(_ arguments: [String]) throws {
        let directory = try TemporaryDirectory()
        let profile = directory.path + "/p.sh"
        try "export ORCHESTRATOR_INSTANCE=$(hostname -f):3306\n".write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        let result = try IsolatedHost.run(arguments, silentDNS: true, environment: ["ORCHESTRATOR_CLIENT_PROFILE": profile])
        #expect(result.milliseconds < 1_500, "took \(result.milliseconds) ms: \(result.stderr)")
        #expect(result.status == (arguments.contains("no-such") ? 2 : 0), "\(result.stderr)")
    }

    @Test("discover without -i looks this host up within --connect-timeout, and says so when the resolver is silent")
    func boundedThisHost() throws {
        let result = try IsolatedHost.run(["--dry-run", "--connect-timeout", "1s", "-c", "discover"], silentDNS: true)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.milliseconds < 2_500, "took \(result.milliseconds) ms")
        #expect(result.stderr.contains("this host's name"), "\(result.stderr)")
        #expect(result.stderr.contains("-i host[:port]"), "\(result.stderr)")
    }

    @Test("--timeout bounds the whole run, this host's lookup included: a resolver slow to answer leaves less for the request")
    func slowResolverInsideTheBound() throws {
        let result = try IsolatedHost.run(["--timeout", "2s", "-c", "which-master"], slowDNSMilliseconds: 1_500, hungServerPort: 3000,
                                          environment: ["ORCHESTRATOR_API": "http://127.0.0.1:3000/api"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("/api/instance/db7/3306"), "the name was found, then the request timed out: \(result.stderr)")
        #expect(result.milliseconds < 2_700, "took \(result.milliseconds) ms: the lookup's 1.5 s came on top of --timeout 2s")
    }

    @Test("a Debian-style /etc/hosts (127.0.0.1 localhost db8) never makes this host localhost: exit 2, nothing sent")
    func loopbackName() throws {
        let result = try IsolatedHost.run(["--dry-run", "-c", "discover"], hostname: "db8", hosts: "127.0.0.1 localhost db8\n")
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\"localhost\", a loopback name"), "\(result.stderr)")
        let unknown = try IsolatedHost.run(["--dry-run", "--connect-timeout", "1s", "-c", "discover"], hostname: "db8",
                                           hosts: "127.0.0.1 localhost\n", loopbackUp: false)
        #expect(unknown.status == 2 || unknown.status == 4, "\(unknown.stderr)")
        #expect(unknown.stdout.isEmpty, "never the short name silently: \(unknown.stdout)")
    }

    @Test("this host is what hostname -f prints; $(hostname) in the profile is what hostname prints")
    func fullAndShortNames() throws {
        let hosts = "127.0.0.1 localhost\n127.0.1.1 db8.prod.example.com db8\n"
        let full = try IsolatedHost.run(["--dry-run", "-c", "discover"], hostname: "db8", hosts: hosts)
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.contains("/discover/db8.prod.example.com/3306"), "\(full.stdout)")
        let directory = try TemporaryDirectory()
        let profile = directory.path + "/p.sh"
        try "export ORCHESTRATOR_INSTANCE=$(hostname):3307\nORCHESTRATOR_API=\"http://orc-`hostname -s`:3000/api\"\n"
            .write(toFile: profile, atomically: true, encoding: .utf8)
        chmod(profile, 0o644)
        let short = try IsolatedHost.run(["--dry-run", "-c", "discover"], hostname: "db8", hosts: hosts,
                                         environment: ["ORCHESTRATOR_CLIENT_PROFILE": profile])
        #expect(short.status == 0, "\(short.stderr)")
        #expect(short.stdout == "GET http://orc-db8:3000/api/discover/db8/3307\n", "\(short.stdout)")
    }

    @Test("a connection that fails for another reason than a refusal says which (no route: network unreachable)")
    func networkUnreachable() throws {
        let result = try IsolatedHost.run(["--timeout", "1s", "-c", "clusters"], loopbackUp: false,
                                          environment: ["ORCHESTRATOR_API": "http://127.0.0.1:9/api"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("network unreachable"), "\(result.stderr)")
        #expect(!result.stderr.contains("refused"), "\(result.stderr)")
    }
}
