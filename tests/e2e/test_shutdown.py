"""SIGTERM: S3Server finishes the request in flight, refuses new connections, reports itself not
ready on its admin listener while it drains, and exits 0."""

from __future__ import annotations

import signal
import socket
import time
from urllib.parse import urlsplit

import requests

from portcullis import Deployment, assume, s3_client
from test_upload_gate import read_status, sign_for_body


def test_sigterm_lets_an_upload_in_flight_finish(tmp_path, issuer):
    deployment = Deployment(tmp_path / "shutdown", issuer).start()
    try:
        creds = assume(deployment, issuer.mint(sub="shutdown"), session="shutdown")["Credentials"]
        s3_client(deployment, creds).create_bucket(Bucket="shutdown")
        body = b"s" * (4 << 20)
        parts = urlsplit(deployment.s3_url)
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(sign_for_body(f"{deployment.s3_url}/shutdown/inflight.bin", creds, body, expect=False))
            sock.sendall(body[: 1 << 20])
            time.sleep(0.3)
            deployment.s3.proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            # A new connection is refused while the old one drains.
            try:
                socket.create_connection((parts.hostname, parts.port), timeout=2).close()
                refused = False
            except OSError:
                refused = True
            # The admin listener stays up while the data plane drains, and says so.
            ready = requests.get(f"{deployment.admin_url}/readyz", timeout=5)
            metrics = requests.get(f"{deployment.admin_url}/metrics", timeout=5)
            sock.sendall(body[1 << 20 :])
            status, response = read_status(sock, timeout=20)
        assert status == 200, response
        assert refused
        assert ready.status_code == 503, ready.text
        assert ready.json()["checks"]["s3"] is False
        assert metrics.status_code == 200 and "portcullis_s3_requests_total" in metrics.text
        assert deployment.s3.proc.wait(timeout=30) == 0
    finally:
        deployment.stop()
