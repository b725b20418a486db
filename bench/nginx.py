"""Throw-away nginx instances for the comparison benchmark (bench/compare.py).

Two roles, each its own nginx process with its own prefix, configuration and free port
(shared/reference/test-peers.md §4):

* ``NginxDav``: the backend — a WebDAV-ish file store (``dav_methods PUT DELETE``,
  ``create_full_put_path on``), so path-style ``/bucket/key`` lands in ``<root>/bucket/key``. The
  query string is ignored, so it doubles as a dumb "S3" upstream for S3Server's ``s3`` backend.
* ``NginxProxy``: a plain reverse proxy in front of it (``proxy_pass``, a keep-alive upstream
  pool, no request or response buffering) — the yardstick for what one proxy hop costs.

Started as root (``make bench`` on a fresh machine), the master process itself is dropped to
``nobody`` with ``setpriv``; otherwise nginx runs as the calling user. Logs go to
``<prefix>/logs``; access logs are off, as they would distort request rates.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

UNPRIVILEGED = ("nobody", 65534, 65534)


def find_nginx() -> str:
    for candidate in (os.environ.get("NGINX_BIN"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError("nginx not found: `make bench` installs Debian's nginx-core, or set NGINX_BIN")


_COMMON = """\
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000; keepalive_timeout 300s;
  client_body_temp_path {prefix}/temp/body; proxy_temp_path {prefix}/temp/proxy;
  fastcgi_temp_path {prefix}/temp/fastcgi; uwsgi_temp_path {prefix}/temp/uwsgi;
  scgi_temp_path {prefix}/temp/scgi;
  default_type application/octet-stream;
  client_max_body_size 0;
{body}
}}
"""

_DAV = """\
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    root {root};
    client_body_buffer_size 1m;
    location / {{
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }}
  }}"""

_PROXY = """\
  upstream backend {{
    server 127.0.0.1:{upstream_port};
    keepalive 128;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_max_temp_file_size 0;
    }}
  }}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    """Whether 127.0.0.1:`port` accepts connections within `timeout` seconds, while `proc` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Nginx:
    """One nginx master with its own prefix directory; ``start()`` waits until the port answers."""

    def __init__(self, prefix: Path, server_block: str, workers: int | str = "auto"):
        self.prefix = Path(prefix)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.server_block = server_block
        self.proc: subprocess.Popen | None = None

    def _format(self) -> str:
        return _COMMON.format(prefix=self.prefix, workers=self.workers, body=self.server_block)

    def prepare(self) -> None:
        for sub in ("logs", "temp/body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        (self.prefix / "nginx.conf").write_text(self._format())

    def _command(self) -> list[str]:
        cmd = [find_nginx(), "-p", str(self.prefix), "-e", str(self.prefix / "logs" / "error.log"),
               "-c", str(self.prefix / "nginx.conf"), "-g", "daemon off;"]
        if os.geteuid() == 0:
            _, uid, gid = UNPRIVILEGED
            chown_tree(self.prefix, uid, gid)
            cmd = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--inh-caps=-all"] + cmd
        return cmd

    def start(self, timeout: float = 15.0) -> "Nginx":
        self.prepare()
        log = open(self.prefix / "logs" / "stderr.log", "ab")
        self.proc = subprocess.Popen(self._command(), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        log.close()
        if wait_for_port(self.port, self.proc, timeout):
            return self
        if self.proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {self.proc.returncode}:\n{self.error_log()}")
        self.stop()
        raise TimeoutError(f"nginx on port {self.port} not up:\n{self.error_log()}")

    def error_log(self) -> str:
        out = []
        for name in ("stderr.log", "error.log"):
            p = self.prefix / "logs" / name
            if p.exists():
                out.append(p.read_text(errors="replace")[-4000:])
        return "\n".join(out)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> "Nginx":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class NginxDav(Nginx):
    """The backend: files under ``root``, PUT creates the directories of the path."""

    def __init__(self, prefix: Path, workers: int | str = "auto"):
        prefix = Path(prefix)
        self.root = prefix / "data"
        super().__init__(prefix, _DAV.format(port="{port}", root=self.root), workers)
        self.server_block = _DAV.format(port=self.port, root=self.root)

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        super().prepare()


class NginxProxy(Nginx):
    """A plain reverse proxy to ``upstream`` (keep-alive pool, no buffering either way)."""

    def __init__(self, prefix: Path, upstream: Nginx, workers: int | str = "auto"):
        super().__init__(prefix, "", workers)
        self.server_block = _PROXY.format(port=self.port, upstream_port=upstream.port)


def chown_tree(path: Path, uid: int, gid: int) -> None:
    """Gives the unprivileged nginx its prefix (its parents must be traversable: see compare.py)."""
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid)
