"""A failing backend: S3Server answers in S3's terms and never hangs or truncates silently.

One S3Server routes to three s3 backends (small timeouts, `retries: 2`):

* ``stall-*``, ``flaky-*``, ``slowdown-*`` → :class:`fault_stub.FaultStub`, which injects one fault each;
* ``refused-*`` → a loopback port nobody listens on;
* everything else → a SeaweedFS of this module's own, killed (SIGKILL) mid-download and mid-upload
  and restarted on the same ports and data folder.
"""

from __future__ import annotations

import os
import re
import signal
import socket
from urllib.parse import urlsplit

import botocore.exceptions
import pytest
import requests
import urllib3.exceptions
from botocore.exceptions import ClientError

from fault_stub import STALL_LENGTH, FaultStub
from portcullis import Deployment, assume, client_error, s3_client, signed_request, xml_error
from seaweedfs import SeaweedFS, free_ports
from test_upload_gate import head_bytes, read_status

# What a client may see when an answer breaks off after its head: never a clean, short success.
BROKEN_DOWNLOAD = (
    botocore.exceptions.IncompleteReadError, botocore.exceptions.ResponseStreamingError,
    urllib3.exceptions.ProtocolError, requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
    ConnectionError,
)


class FaultDeployment(Deployment):
    """The SeaweedFS deployment plus the fault backends, with timeouts small enough for tests."""

    def __init__(self, root, issuer, seaweed, stub: FaultStub, refused_port: int):
        super().__init__(root, issuer, "seaweedfs", seaweed)
        self.stub = stub
        self.refused_port = refused_port

    def config(self) -> dict:
        cfg = super().config()
        seaweed = cfg["backends"][0]
        seaweed.update({"connectTimeoutSeconds": 2, "readTimeoutSeconds": 10, "retries": 2})
        faults = {"connectTimeoutSeconds": 1, "readTimeoutSeconds": 2, "retries": 2}
        cfg["backends"] = [
            {"name": "stub", "type": "s3", "endpoint": self.stub.endpoint, "region": "us-east-1",
             "accessKeyId": {"value": "AKSTUB"}, "secretAccessKey": {"value": "stub-secret"},
             "buckets": ["stall-*", "flaky-*", "slowdown-*"], **faults},
            {"name": "refused", "type": "s3", "endpoint": f"http://127.0.0.1:{self.refused_port}", "anonymous": True,
             "buckets": ["refused-*"], **faults},
            seaweed,
        ]
        return cfg


def kill(seaweed: SeaweedFS) -> None:
    """SIGKILL: no graceful drain, connections break the way a crash breaks them."""
    os.killpg(seaweed.proc.pid, signal.SIGKILL)
    seaweed.proc.wait(timeout=10)
    seaweed.stop()  # closes the log


@pytest.fixture(scope="module")
def env(tmp_path_factory, issuer):
    seaweed = SeaweedFS(tmp_path_factory.mktemp("fault-seaweed")).start()
    stub = FaultStub().start()
    (refused_port,) = free_ports(1)
    dep = None
    try:
        dep = FaultDeployment(tmp_path_factory.mktemp("portcullis-faults"), issuer, seaweed, stub, refused_port).start()
        creds = assume(dep, issuer.mint(sub="faults"), session="faults")["Credentials"]
        yield dep, seaweed, stub, creds
    finally:
        if dep is not None:
            dep.stop()
        stub.stop()
        if seaweed.proc and seaweed.proc.poll() is None:
            kill(seaweed)  # throw-away data: no need for SeaweedFS's slow graceful stop


@pytest.fixture
def s3(env):
    dep, _, _, creds = env
    # No retries of the client's own: every attempt the backend sees is S3Server's.
    return s3_client(dep, creds, read_timeout=30, retries={"total_max_attempts": 1})


def metric(dep: Deployment, name: str, **labels: str) -> float:
    """The value of one counter series on the admin port's /metrics (0 when absent)."""
    text = requests.get(f"{dep.admin_url}/metrics", timeout=10).text
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


# -- connection refused, stalls, pass-through ------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_connection_refused_is_service_unavailable(env, method):
    dep, _, _, creds = env
    before = metric(dep, "portcullis_s3_upstream_retries_total", backend="refused", kind="connect_refused")
    body = b"never stored" if method == "PUT" else b""
    r = signed_request(method, f"{dep.s3_url}/refused-bucket/key", creds, body=body, timeout=30)
    assert r.status_code == 503, r.text
    assert xml_error(r.content)["Code"] == "ServiceUnavailable"
    # Nothing reached the backend, so even the upload was tried again (twice: `retries: 2`).
    assert metric(dep, "portcullis_s3_upstream_retries_total", backend="refused", kind="connect_refused") == before + 2
    assert metric(dep, "portcullis_s3_upstream_errors_total", backend="refused", kind="connect_refused",
                  phase="before_answer") >= 1


def test_backend_that_never_answers_gives_service_unavailable(env):
    dep, _, stub, creds = env
    # The client waits up to 30 s; S3Server's read timeout (2 s) must end the request first.
    r = signed_request("GET", f"{dep.s3_url}/stall-head-b/object", creds, timeout=30)
    assert r.status_code == 503, r.text
    error = xml_error(r.content)
    assert error["Code"] == "ServiceUnavailable"
    assert "in time" in error["Message"]
    assert stub.count("GET", "/stall-head-b/object") == 1  # a timeout is not retried


def send_upload(dep, creds, url: str, length: int, chunks_before=None) -> tuple[int, bytes]:
    """A raw PUT of `length` bytes (UNSIGNED-PAYLOAD), sent until S3Server stops taking it; then
    its answer: (status, bytes), or (0, reason) when the connection broke first. A hang fails
    the test through the socket timeout. `chunks_before(n)` runs before the n-th MiB is sent."""
    parts = urlsplit(dep.s3_url)
    chunk = b"u" * (1 << 20)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head_bytes(url, creds, length, "UNSIGNED-PAYLOAD", expect=False))
        try:
            for n in range(length >> 20):
                if chunks_before:
                    chunks_before(n)
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # S3Server gave up on the upload and closed: its answer may still be readable
        try:
            return read_status(sock, timeout=30)
        except ConnectionResetError:
            return 0, b"(connection reset)"


def test_backend_that_stops_reading_an_upload_gives_service_unavailable(env):
    dep, _, stub, creds = env
    before = metric(dep, "portcullis_s3_upstream_errors_total", backend="stub", kind="timeout", phase="before_answer")
    status, response = send_upload(dep, creds, f"{dep.s3_url}/stall-upload-b/object", 64 << 20)
    assert status in (0, 503), response
    if status == 503:
        assert b"<Code>ServiceUnavailable</Code>" in response
    # S3Server's own watch over the upload ended it (not a client-side timeout).
    assert metric(dep, "portcullis_s3_upstream_errors_total", backend="stub", kind="timeout",
                  phase="before_answer") == before + 1
    assert stub.count("PUT", "/stall-upload-b/object") == 1


def test_backend_stalling_mid_body_aborts_the_download(env, s3):
    dep = env[0]
    answer = s3.get_object(Bucket="stall-body-b", Key="object")
    assert answer["ContentLength"] == STALL_LENGTH
    with pytest.raises(BROKEN_DOWNLOAD):
        data = answer["Body"].read()
        pytest.fail(f"a short body read as complete: {len(data)} of {STALL_LENGTH} bytes")
    assert metric(dep, "portcullis_s3_upstream_errors_total", backend="stub", kind="timeout", phase="during_answer") >= 1


def test_backend_stalling_mid_chunked_body_aborts_the_download(env):
    dep, _, _, creds = env
    with pytest.raises(BROKEN_DOWNLOAD):
        r = signed_request("GET", f"{dep.s3_url}/stall-chunked-b/object", creds, timeout=30)
        pytest.fail(f"a broken chunked answer read as complete: {r.status_code}, {len(r.content)} bytes")


def test_backend_slowdown_is_passed_through(env, s3):
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket="slowdown-b", Key="object")
    assert client_error(ei) == (503, "SlowDown")


# -- retries ----------------------------------------------------------------------------------------

def test_get_is_retried_after_a_reset(env, s3):
    dep, _, stub, _ = env
    before = metric(dep, "portcullis_s3_upstream_retries_total", backend="stub", kind="connection_lost")
    answer = s3.get_object(Bucket="flaky-b", Key="get-me")
    assert answer["Body"].read() == b"flaky ok\n"
    assert stub.count("GET", "/flaky-b/get-me") == 2
    assert metric(dep, "portcullis_s3_upstream_retries_total", backend="stub", kind="connection_lost") == before + 1


def test_upload_whose_body_began_is_not_retried(env, s3):
    dep, _, stub, _ = env
    before = metric(dep, "portcullis_s3_upstream_retries_total", backend="stub", kind="connection_lost")
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket="flaky-b", Key="put-me", Body=b"p" * 4096)
    assert client_error(ei) == (503, "ServiceUnavailable")
    assert stub.count("PUT", "/flaky-b/put-me") == 1
    assert metric(dep, "portcullis_s3_upstream_retries_total", backend="stub", kind="connection_lost") == before


# -- SeaweedFS killed -------------------------------------------------------------------------------

BIG = 64 << 20  # larger than every socket buffer between SeaweedFS and the client together


def test_backend_killed_mid_download(env, s3):
    dep, seaweed, _, _ = env
    s3.create_bucket(Bucket="kill-download")
    s3.put_object(Bucket="kill-download", Key="big", Body=os.urandom(1 << 20) * (BIG >> 20))
    answer = s3.get_object(Bucket="kill-download", Key="big")
    assert answer["ContentLength"] == BIG
    received = len(answer["Body"].read(1 << 20))
    kill(seaweed)
    try:
        with pytest.raises(BROKEN_DOWNLOAD):
            while chunk := answer["Body"].read(1 << 20):
                received += len(chunk)
            pytest.fail(f"the download ended cleanly after {received} of {BIG} bytes")
        assert received < BIG
    finally:
        seaweed.start()
    # With the backend back, the proxy works again (no dead pooled connection is reused).
    assert s3.head_object(Bucket="kill-download", Key="big")["ContentLength"] == BIG
    assert metric(dep, "portcullis_s3_upstream_errors_total", backend="seaweed", phase="during_answer") >= 1


def test_backend_killed_mid_upload_leaves_no_object(env, s3):
    dep, seaweed, _, creds = env
    s3.create_bucket(Bucket="kill-upload")
    try:
        status, response = send_upload(dep, creds, f"{dep.s3_url}/kill-upload/partial", BIG,
                                       chunks_before=lambda n: kill(seaweed) if n == 8 else None)
        # ServiceUnavailable, or a connection that broke: any error, never a success.
        assert status in (0, 503), response
        if status == 503:
            assert b"<Code>ServiceUnavailable</Code>" in response
    finally:
        seaweed.start()
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket="kill-upload", Key="partial")
    assert client_error(ei)[0] == 404
    assert "Contents" not in s3.list_objects_v2(Bucket="kill-upload")
