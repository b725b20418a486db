"""A misbehaving upstream "S3" endpoint, only to inject transport faults into S3Server's proxy.

Behaviour is chosen by the bucket (first path segment) of each request, which S3Server forwards
path-style:

* ``stall-head-*``: reads the request and never answers.
* ``stall-upload-*``: reads the request head, never reads its body and never answers.
* ``stall-body-*``: answers 200 with ``Content-Length: 1 MiB``, sends 64 KiB, then goes silent.
* ``stall-chunked-*``: the same with ``Transfer-Encoding: chunked`` (one 64 KiB chunk, no end).
* ``flaky-*``: the first attempt at each (method, path) is reset (RST) once its head, and for a
  request with a body its first body bytes, arrived; later attempts get a small 200 answer.
* ``slowdown-*``: answers 503 ``SlowDown`` in S3 XML.

Every request head received is recorded in ``attempts`` as ``(method, path)``.
"""

from __future__ import annotations

import socket
import struct
import threading

BODY = b"flaky ok\n"
STALL_LENGTH = 1 << 20
STALL_SENT = 64 * 1024


class FaultStub:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.attempts: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="fault-stub", daemon=True)

    def start(self) -> "FaultStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.sock.close()
        with self._lock:
            for c in self._conns:
                try:
                    c.close()
                except OSError:
                    pass

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return sum(1 for a in self.attempts if a == (method, path))

    # -- serving ---------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    conn.close()
                    return
                data += chunk
            head, rest = data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            path = target.split("?", 1)[0]
            headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
            length = int(headers.get("content-length", "0") or 0)
            with self._lock:
                first = (method, path) not in self.attempts
                self.attempts.append((method, path))
            bucket = path.lstrip("/").split("/", 1)[0]
            if bucket.startswith("stall-head") or bucket.startswith("stall-upload"):
                if bucket.startswith("stall-head"):
                    self._drain(conn, length - len(rest))
                self._stop.wait()
            elif bucket.startswith("stall-body"):
                conn.sendall(self._head(200, {"Content-Length": str(STALL_LENGTH), "ETag": '"stall"'}) + b"\0" * STALL_SENT)
                self._stop.wait()
            elif bucket.startswith("stall-chunked"):
                conn.sendall(self._head(200, {"Transfer-Encoding": "chunked", "ETag": '"stall"'})
                             + f"{STALL_SENT:x}\r\n".encode() + b"\0" * STALL_SENT + b"\r\n")
                self._stop.wait()
            elif bucket.startswith("flaky") and first:
                # Wait for the first body bytes, so that the body has certainly begun streaming.
                while length and not rest:
                    rest = conn.recv(65536)
                    if not rest:
                        break
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif bucket.startswith("flaky"):
                self._drain(conn, length - len(rest))
                conn.sendall(self._head(200, {"Content-Length": str(len(BODY)), "ETag": '"flaky"'})
                             + (b"" if method == "HEAD" else BODY))
            elif bucket.startswith("slowdown"):
                xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                       b"<Message>Please reduce your request rate.</Message></Error>")
                conn.sendall(self._head(503, {"Content-Length": str(len(xml)), "Content-Type": "application/xml"}) + xml)
            else:
                conn.sendall(self._head(500, {"Content-Length": "0"}))
            conn.close()
        except OSError:
            pass

    @staticmethod
    def _drain(conn: socket.socket, remaining: int) -> None:
        while remaining > 0:
            chunk = conn.recv(min(remaining, 65536))
            if not chunk:
                return
            remaining -= len(chunk)

    @staticmethod
    def _head(status: int, headers: dict[str, str]) -> bytes:
        reason = {200: "OK", 500: "Internal Server Error", 503: "Slow Down"}[status]
        lines = [f"HTTP/1.1 {status} {reason}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()
