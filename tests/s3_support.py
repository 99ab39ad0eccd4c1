"""An S3 store that refuses on demand: a small HTTP proxy in front of a real S3
server (moto's `moto_server`) that passes requests on, or answers them as a
failing store does (503 ServiceUnavailable, S3's XML error body).

Modes: "pass" (everything to the upstream), "writes" (PUT, POST and DELETE
refused; reads pass, so files already stored can still be read), "all"
(everything refused). `writes_left` lets that many writes pass before writes are
refused; `deletes` says whether deletes pass.

Used in-process by tests/test_object_store.py, and as a program by the stack
tests, between the app servers and moto:

    python -m tests.s3_support --port 9100 --upstream-port 9000
    curl -X POST http://127.0.0.1:9100/_fault/writes   # refuse writes (or: all, pass)

(a bucket name cannot start with "_", so /_fault/ is never an S3 request).
"""

from __future__ import annotations

import argparse
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("pass", "writes", "all")
REFUSAL = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code>'
           b"<Message>Service is unable to handle request.</Message></Error>")


class Store:
    """What the proxy does with requests, and what it saw (method, path, status)."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream_host, self.upstream_port = upstream_host, upstream_port
        self.url = ""
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.mode, self.writes_left, self.deletes = "pass", None, True
        self.seen: list[tuple[str, str, int]] = []

    def refuses(self, method: str) -> bool:
        with self._lock:
            if self.mode == "all":
                return True
            if method == "DELETE":
                return self.mode == "writes" or not self.deletes
            if method not in ("PUT", "POST"):
                return False
            if self.mode == "writes":
                return True
            if self.writes_left is not None:
                self.writes_left -= 1
                return self.writes_left < 0
            return False

    def puts(self) -> list[str]:
        """Paths of the PUTs the upstream stored."""
        return [path for method, path, status in self.seen if method == "PUT" and status == 200]


class _Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _any(self):
        store: Store = self.server.store
        body = self._body()
        if self.path.startswith("/_fault/"):
            mode = self.path.removeprefix("/_fault/").strip("/")
            if self.command != "POST" or mode not in MODES:
                return self._answer(400, f"POST /_fault/<{'|'.join(MODES)}>\n".encode(), "text/plain")
            store.reset()
            store.mode = mode
            return self._answer(200, f"{mode}\n".encode(), "text/plain")
        if store.refuses(self.command):
            store.seen.append((self.command, self.path, 503))
            return self._answer(503, REFUSAL, "application/xml")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("transfer-encoding", "content-length")}
        upstream = http.client.HTTPConnection(store.upstream_host, store.upstream_port, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        store.seen.append((self.command, self.path, answer.status))
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", answer.getheader("Content-Length", "0") if self.command == "HEAD"
                         else str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _any

    def log_message(self, *args):
        pass


def proxy_start(*, upstream_port: int, port: int = 0, host: str = "127.0.0.1",
                upstream_host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, Store]:
    """The proxy, serving in a daemon thread; `store.url` is where it listens."""
    server = ThreadingHTTPServer((host, port), _Proxy)
    server.daemon_threads = True
    server.store = Store(upstream_port, upstream_host)
    server.store.url = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--upstream-host", default="127.0.0.1")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), _Proxy)
    server.daemon_threads = True
    server.store = Store(args.upstream_port, args.upstream_host)
    server.serve_forever()


if __name__ == "__main__":
    main()
