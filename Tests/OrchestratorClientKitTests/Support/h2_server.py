# The HTTP/2 stand-in of H2Server.swift: python3 ssl on 127.0.0.1 offering only "h2" by ALPN, as a TLS terminator
# in front of orchestrator does. Frames are written by hand (no HTTP/2 library on the test hosts): the server reads
# each request's HEADERS and answers it as the next of the given behaviours (the last one repeats):
#   ok           HEADERS 200 and the JSON body (the last argument, else a clusters-info answer)
#   rst          RST_STREAM INTERNAL_ERROR once the request was read
#   headers-rst  HEADERS 200, half of the body, then RST_STREAM INTERNAL_ERROR
#   goaway       GOAWAY naming the request's stream as processed (INTERNAL_ERROR), then close
#   refused      RST_STREAM REFUSED_STREAM (RFC 9113 8.7: the request was not processed)
#   alert        a plaintext TLS fatal alert bad_record_mac on the socket, then close
#   garbage      a TLS record the client cannot decrypt, then close
# Logs "REQUEST stream N BEHAVIOUR" per request read, and "ACCEPT" per connection.
import os, select, socket, struct, sys, threading
from tls_support import handshake, listen, logger, serve_forever, server_context

certificate, key, port_file, log_file, lifetime = sys.argv[1:6]
behaviours = sys.argv[6].split(",")
context = server_context(certificate, key)
context.set_alpn_protocols(["h2"])
lock = threading.Lock()
served = [0]
# Every answer's body: the argument after the behaviours, else one clusters-info entry.
body = sys.argv[7].encode() if len(sys.argv) > 7 else b'[{"ClusterName":"h2-cluster:3306","ClusterAlias":"h2","ClusterDomain":"","CountInstances":1}]'

log = logger(log_file)

def next_behaviour():
    with lock:
        index = served[0]
        served[0] += 1
    return behaviours[min(index, len(behaviours) - 1)]

def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload

DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY = 0, 1, 3, 4, 6, 7
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
INTERNAL_ERROR, REFUSED_STREAM = 2, 7
# HPACK: ":status 200" is static entry 8; content-type (static name 31) as a literal never indexed, no Huffman.
answer_headers = bytes([0x88, 0x0F, 0x10, 16]) + b"application/json"

def read_exactly(tls, count):
    data = b""
    while len(data) < count:
        chunk = tls.recv(count - len(data))
        if not chunk:
            raise EOFError()
        data += chunk
    return data

def linger(tls):
    # Close with a FIN once the client is done, not a reset that could destroy what was just written before the
    # client reads it. Under the TLS layer: the socket's descriptor is non-blocking (it has a timeout).
    descriptor = tls.fileno()
    try:
        socket.socket(fileno=os.dup(descriptor)).shutdown(socket.SHUT_WR)
        while select.select([descriptor], [], [], 2)[0]:
            if not os.read(descriptor, 65536):
                break
    except Exception:
        pass

def serve(connection):
    tls = handshake(context, connection, log)
    if tls is None:
        return
    try:
        if read_exactly(tls, 24) != b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n":
            log("NOT-H2")
            return
        tls.sendall(frame(SETTINGS, 0, 0))
        while True:
            head = read_exactly(tls, 9)
            length = struct.unpack(">I", b"\0" + head[:3])[0]
            kind, flags = head[3], head[4]
            stream = struct.unpack(">I", head[5:9])[0] & 0x7FFFFFFF
            payload = read_exactly(tls, length)
            if kind == SETTINGS and not flags & ACK:
                tls.sendall(frame(SETTINGS, ACK, 0))
            elif kind == PING and not flags & ACK:
                tls.sendall(frame(PING, ACK, 0, payload))
            elif kind == HEADERS:
                behaviour = next_behaviour()
                log("REQUEST stream %d %s" % (stream, behaviour))
                if behaviour == "ok":
                    tls.sendall(frame(HEADERS, END_HEADERS, stream, answer_headers) + frame(DATA, END_STREAM, stream, body))
                elif behaviour == "rst":
                    tls.sendall(frame(RST_STREAM, 0, stream, struct.pack(">I", INTERNAL_ERROR)))
                elif behaviour == "headers-rst":
                    tls.sendall(frame(HEADERS, END_HEADERS, stream, answer_headers) + frame(DATA, 0, stream, body[: len(body) // 2]))
                    tls.sendall(frame(RST_STREAM, 0, stream, struct.pack(">I", INTERNAL_ERROR)))
                elif behaviour == "goaway":
                    tls.sendall(frame(GOAWAY, 0, 0, struct.pack(">II", stream, INTERNAL_ERROR)))
                    linger(tls)
                    return
                elif behaviour == "refused":
                    tls.sendall(frame(RST_STREAM, 0, stream, struct.pack(">I", REFUSED_STREAM)))
                elif behaviour == "alert":
                    # Level fatal (2), description bad_record_mac (20), written under the TLS layer.
                    os.write(tls.fileno(), bytes([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x14]))
                    linger(tls)
                    return
                elif behaviour == "garbage":
                    os.write(tls.fileno(), bytes([0x17, 0x03, 0x03, 0x00, 0x20]) + os.urandom(32))
                    linger(tls)
                    return
    except EOFError:
        log("CLOSED")
    except Exception as error:
        log("ERROR " + str(error))
    finally:
        try:
            connection.close()
        except Exception:
            pass

serve_forever(listen(port_file, lifetime), serve, log)
