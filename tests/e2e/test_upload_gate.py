"""S3Server invites a body only after authentication and authorisation.

`Expect: 100-continue` is answered with `100 Continue` only for an allowed request, and a
rejected upload is never read to its end: the server answers and closes the connection.
These tests speak raw HTTP/1.1 over a socket, because clients hide exactly these details.
"""

from __future__ import annotations

import hashlib
import socket
import time
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from portcullis import REGION, assume


@pytest.fixture(scope="module")
def fs_creds(fs_deployment, issuer):
    creds = assume(fs_deployment, issuer.mint(sub="gate"), session="gate")["Credentials"]
    s3 = __import__("portcullis").s3_client(fs_deployment, creds)
    s3.create_bucket(Bucket="gate")
    return creds


def request_head(url: str, request: AWSRequest, length: int, expect: bool) -> bytes:
    """The raw HTTP/1.1 head of a signed PUT to `url` announcing `length` body bytes."""
    parts = urlsplit(url)
    lines = [f"PUT {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {length}"]
    if expect:
        lines.append("Expect: 100-continue")
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def credentials(creds: dict) -> Credentials:
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def head_bytes(url: str, creds: dict, length: int, payload_hash: str, expect: bool) -> bytes:
    """A signed PUT request head (no body) for `url`."""
    request = AWSRequest(method="PUT", url=url, headers={"X-Amz-Content-SHA256": payload_hash})
    # payload_signing_enabled=False makes botocore sign UNSIGNED-PAYLOAD, as for a streamed body.
    request.context["payload_signing_enabled"] = False
    S3SigV4Auth(credentials(creds), "s3", REGION).add_auth(request)
    return request_head(url, request, length, expect)


def sign_for_body(url: str, creds: dict, body: bytes, expect: bool) -> bytes:
    """The head of a PUT signed for `body` (which the caller sends)."""
    request = AWSRequest(method="PUT", url=url, data=body)
    S3SigV4Auth(credentials(creds), "s3", REGION).add_auth(request)
    return request_head(url, request, len(body), expect)


def read_status(sock: socket.socket, timeout: float = 10) -> tuple[int, bytes]:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1") else 0
    return status, data


def connect(deployment) -> socket.socket:
    parts = urlsplit(deployment.s3_url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def test_allowed_upload_gets_100_continue_first(fs_deployment, fs_creds):
    body = b"x" * 4096
    with connect(fs_deployment) as sock:
        sock.sendall(sign_for_body(f"{fs_deployment.s3_url}/gate/allowed.bin", fs_creds, body, expect=True))
        status, _ = read_status(sock)
        assert status == 100
        sock.sendall(body)
        status, response = read_status(sock)
        assert status == 200, response
        assert hashlib.md5(body).hexdigest().encode() in response  # the ETag


def test_denied_upload_gets_no_100_continue(fs_deployment, fs_creds):
    body = b"x" * 4096
    with connect(fs_deployment) as sock:
        sock.sendall(sign_for_body(f"{fs_deployment.s3_url}/gate/readonly/denied.bin", fs_creds, body, expect=True))
        status, response = read_status(sock)
        assert status == 403
        assert b"<Code>AccessDenied</Code>" in response or b"Content-Length" in response


def test_denied_huge_upload_is_not_read(fs_deployment, fs_creds):
    """A 1 GiB PUT to a denied key: the answer comes after 1 MiB, and the connection closes."""
    length = 1 << 30
    url = f"{fs_deployment.s3_url}/gate/readonly/huge.bin"
    head = head_bytes(url, fs_creds, length, "UNSIGNED-PAYLOAD", expect=False)
    sent = 0
    with connect(fs_deployment) as sock:
        sock.sendall(head)
        chunk = b"\0" * (1 << 20)
        sock.sendall(chunk)
        sent += len(chunk)
        status, response = read_status(sock)
        assert status in (403, 400), response  # AccessDenied (or a signature complaint): never 200
        # The server closes instead of draining the remaining ~1 GiB.
        deadline = time.monotonic() + 10
        closed = False
        sock.settimeout(1)
        while time.monotonic() < deadline:
            try:
                sock.sendall(chunk)
                sent += len(chunk)
            except OSError:
                closed = True
                break
            if sent > 64 * (1 << 20):
                break
        assert closed, f"server kept reading: {sent} bytes accepted"
        assert sent < 64 * (1 << 20)
