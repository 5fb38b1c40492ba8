# The https proxy stand-in of TLSProxy (TLSProxy.swift): a CONNECT proxy spoken to over TLS (python3 ssl) on 127.0.0.1.
# Arguments: certificate key port_file log_file lifetime. Logs ACCEPT per connection, HANDSHAKE-FAILED reason,
# HANDSHAKE, and CONNECT target per tunnel; then relays bytes both ways, so the client's TLS with the server runs inside
# the proxy's.
import select, socket, sys
from tls_support import handshake, listen, logger, serve_forever, server_context

certificate, key, port_file, log_file, lifetime = sys.argv[1:6]
context = server_context(certificate, key)
log = logger(log_file)
listener = listen(port_file, lifetime)

def relay(client, upstream):
    sockets = [client, upstream]
    while True:
        # Bytes already decrypted by the proxy's TLS wait in its buffer, not on the socket.
        ready = [client] if client.pending() else select.select(sockets, [], [], 10)[0]
        if not ready:
            return
        for source in ready:
            data = source.recv(65536)
            if not data:
                return
            (upstream if source is client else client).sendall(data)

def serve(connection):
    tls = handshake(context, connection, log)
    if tls is None:
        return
    log("HANDSHAKE")
    upstream = None
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = tls.recv(65536)
            if not chunk:
                return
            data += chunk
        request, rest = data.split(b"\r\n\r\n", 1)
        method, target = request.split(b"\r\n")[0].decode("latin-1").split(" ")[:2]
        if method != "CONNECT":
            log("REFUSED " + method + " " + target)
            tls.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        log("CONNECT " + target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        tls.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            upstream.sendall(rest)
        relay(tls, upstream)
    except Exception as error:
        log("ERROR " + str(error))
    finally:
        for s in (tls, upstream):
            try:
                if s is not None:
                    s.close()
            except Exception:
                pass

serve_forever(listener, serve, log)
