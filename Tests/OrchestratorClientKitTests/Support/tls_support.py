# What the python TLS stand-ins share (tls_server.py, tls_proxy.py, h2_server.py): their TLS context, their log,
# their listener and its accept loop.
import os, socket, ssl, threading, warnings

_lock = threading.Lock()

def server_context(certificate, key):
    """A server's TLS context. OCC_TLS_VERSION (ssl.TLSVersion's name, e.g. TLSv1) serves that version alone;
    OCC_TLS_CIPHERS sets OpenSSL's cipher list."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    if os.environ.get("OCC_TLS_VERSION"):
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, os.environ["OCC_TLS_VERSION"])
    if os.environ.get("OCC_TLS_CIPHERS"):
        context.set_ciphers(os.environ["OCC_TLS_CIPHERS"])
    return context

def logger(log_file):
    """A function appending one line to log_file, from any thread."""
    def log(line):
        with _lock:
            with open(log_file, "a") as f:
                f.write(line.replace("\n", " ") + "\n")
    return log

def listen(port_file, lifetime):
    """A listener on 127.0.0.1, its port written to port_file once listening; the process ends after lifetime seconds."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    threading.Timer(float(lifetime), lambda: os._exit(0)).start()
    return listener

def serve_forever(listener, serve, log):
    """Accepts connections until the process ends, logging ACCEPT for each and calling serve(connection) on a thread
    of its own, so that a slow or stuck connection never holds the next."""
    while True:
        connection, _ = listener.accept()
        log("ACCEPT")
        threading.Thread(target=serve, args=(connection,), daemon=True).start()

def handshake(context, connection, log):
    """The server's TLS on an accepted connection (10 s bound on each read); None, logged and closed, when it fails."""
    connection.settimeout(10)
    try:
        return context.wrap_socket(connection, server_side=True)
    except Exception as error:
        log("HANDSHAKE-FAILED " + str(error))
        connection.close()
        return None
