# The HTTPS stand-in of TLSServer.swift: python3 ssl on 127.0.0.1; see TLSServer for the arguments.
# Logs ACCEPT per connection and HANDSHAKE new|resumed per TLS handshake (so tests can count reused connections, resumed
# sessions); with keep-alive "1", serves any number of requests per connection, else one and closes.
import os, socket, ssl, sys
from tls_support import listen, logger, serve_forever, server_context

certificate, key, client_ca, port_file, log_file, lifetime, graceful = sys.argv[1:8]
keep_alive = len(sys.argv) > 8 and sys.argv[8] == "1"
# bench/library.sh: paths under /api/instance/ are answered with this file's JSON (a recorded instance).
instance_body = open(sys.argv[9], "rb").read() if len(sys.argv) > 9 else None
context = server_context(certificate, key)
if client_ca != "-":
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(client_ca)
log = logger(log_file)
listener = listen(port_file, lifetime)
body = b'[{"ClusterName":"tls-cluster:3306","ClusterAlias":"tls","ClusterDomain":"","CountInstances":1}]'
# The endpoint report's probes are answered as a healthy raft leader answers them (so that it judges only the TLS side).
probe_bodies = {
    "/api/raft-state": b'"Leader"', "/api/raft-leader": b'"127.0.0.1:10008"', "/api/raft-health": b'"healthy"',
    "/api/status": b'{"Code":"OK","Message":"Application node is healthy","Details":{"Healthy":true,"Hostname":"tls"}}',
}

def serve(connection):
    connection.settimeout(10)
    # A second descriptor for the connection: wrap_socket takes over (and, failing, closes) the first one.
    raw = socket.socket(fileno=os.dup(connection.fileno()))
    try:
        tls = context.wrap_socket(connection, server_side=True)
    except Exception as error:
        log("HANDSHAKE-FAILED " + str(error))
        if graceful == "1":
            # Read what the client sent before closing, so that the close is a FIN, not a reset that can
            # destroy the TLS alert before the client reads it.
            try:
                raw.shutdown(socket.SHUT_WR)
                raw.settimeout(2)
                while raw.recv(65536):
                    pass
            except Exception:
                pass
        raw.close()
        return
    raw.close()
    log("HANDSHAKE " + ("resumed" if tls.session_reused else "new"))
    try:
        data = b""
        while True:
            while b"\r\n\r\n" not in data:
                chunk = tls.recv(65536)
                if not chunk:
                    log("CLOSED")
                    return
                data += chunk
            request, data = data.split(b"\r\n\r\n", 1)
            line = request.split(b"\r\n")[0].decode("latin-1")
            peer = tls.getpeercert()
            name = "-"
            if peer:
                for rdn in peer.get("subject", ()):
                    for attribute, value in rdn:
                        if attribute == "commonName":
                            name = value
            log("REQUEST " + line + " CLIENT " + name)
            connection_header = b"keep-alive" if keep_alive else b"close"
            target = line.split(" ")[1] if line.count(" ") >= 2 else ""
            answer = instance_body if instance_body is not None and " /api/instance/" in line else probe_bodies.get(target, body)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n" % (len(answer), connection_header)
            tls.sendall(head + answer)
            if not keep_alive:
                return
    except Exception as error:
        log("ERROR " + str(error))
    finally:
        try:
            tls.close()
        except Exception:
            pass

serve_forever(listener, serve, log)
