"""Each S3 authentication error, with S3's code, status and detail elements.

Requests are signed by a small independent SigV4 signer written here (hashlib/hmac), so the
signing time and the credential scope can be set freely.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import socket
from urllib.parse import quote, urlsplit

import pytest
import requests

from portcullis import assume, s3_client


def sign_v4(method: str, url: str, creds: dict, *, when: datetime.datetime | None = None,
            scope_tail: str = "us-east-1/s3/aws4_request", payload: bytes = b"") -> dict[str, str]:
    """Headers for a SigV4 header-authenticated request (host, x-amz-date, content hash, token)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    parts = urlsplit(url)
    payload_hash = hashlib.sha256(payload).hexdigest()
    headers = {"host": parts.netloc, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date,
               "x-amz-security-token": creds["SessionToken"]}
    names = sorted(headers)
    canonical_query = "&".join(sorted(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, _, v in
                                      (p.partition("=") for p in parts.query.split("&") if p)))
    canonical = "\n".join([method, parts.path or "/", canonical_query,
                           "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names), payload_hash])
    scope = f"{amz_date[:8]}/{scope_tail}"
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + creds["SecretAccessKey"]).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={creds['AccessKeyId']}/{scope}, "
                                f"SignedHeaders={';'.join(names)}, Signature={signature}")
    del headers["host"]
    return headers


def element(text: str, name: str) -> str | None:
    start = text.find(f"<{name}>")
    return None if start < 0 else text[start + len(name) + 2: text.find(f"</{name}>")]


@pytest.fixture(scope="module")
def url(fs_deployment, issuer):
    """An object URL in a fresh bucket, and credentials that may use it."""
    creds = assume(fs_deployment, issuer.mint(sub="errors"), session="errors")["Credentials"]
    s3_client(fs_deployment, creds).create_bucket(Bucket="errors-bucket")
    return f"{fs_deployment.s3_url}/errors-bucket/k", creds


def test_independent_signer_is_accepted(url):
    target, creds = url
    response = requests.get(target, headers=sign_v4("GET", target, creds), timeout=30)
    assert response.status_code == 404  # NoSuchKey: authenticated and authorised


def test_request_time_too_skewed(url):
    target, creds = url
    skewed = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    response = requests.get(target, headers=sign_v4("GET", target, creds, when=skewed), timeout=30)
    assert response.status_code == 403
    assert element(response.text, "Code") == "RequestTimeTooSkewed"
    assert element(response.text, "RequestTime") and element(response.text, "ServerTime")
    assert element(response.text, "MaxAllowedSkewMilliseconds") == "900000"


def test_authorization_header_malformed(url):
    target, creds = url
    response = requests.get(target, headers=sign_v4("GET", target, creds, scope_tail="us-east-1/s3"), timeout=30)
    assert response.status_code == 400
    assert element(response.text, "Code") == "AuthorizationHeaderMalformed"
    wrong_service = requests.get(target, headers=sign_v4("GET", target, creds, scope_tail="us-east-1/sts/aws4_request"), timeout=30)
    assert wrong_service.status_code == 400
    assert element(wrong_service.text, "Code") == "AuthorizationHeaderMalformed"


def test_authorization_query_parameters_error(url):
    target, creds = url
    query = (f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={creds['AccessKeyId']}%2F20261201%2Fus-east-1%2Fs3%2Faws4_request"
             "&X-Amz-Date=20261201T000000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "0" * 64)
    response = requests.get(f"{target}?{query}", timeout=30)
    assert response.status_code == 400
    assert element(response.text, "Code") == "AuthorizationQueryParametersError"
    assert "604800" in element(response.text, "Message")


def test_invalid_access_key_id(url):
    target, creds = url
    response = requests.get(target, headers=sign_v4("GET", target, dict(creds, AccessKeyId="AKIAIOSFODNN7EXAMPLE")), timeout=30)
    assert response.status_code == 403
    assert element(response.text, "Code") == "InvalidAccessKeyId"


def test_signature_does_not_match_carries_canonical_request_but_no_secret(url):
    target, creds = url
    response = requests.get(target, headers=sign_v4("GET", target, dict(creds, SecretAccessKey="x" * 40)), timeout=30)
    assert response.status_code == 403
    assert element(response.text, "Code") == "SignatureDoesNotMatch"
    assert element(response.text, "CanonicalRequest").startswith("GET\n/errors-bucket/k\n")
    assert element(response.text, "StringToSign").startswith("AWS4-HMAC-SHA256\n")
    assert creds["SecretAccessKey"] not in response.text


def test_head_errors_have_no_body(url):
    target, creds = url
    response = requests.head(target, headers=sign_v4("HEAD", target, dict(creds, SecretAccessKey="x" * 40)), timeout=30)
    assert response.status_code == 403
    assert response.content == b""
    assert response.headers.get("x-amz-request-id")


def test_missing_content_length(url):
    target, creds = url
    headers = sign_v4("PUT", target, creds)
    parts = urlsplit(target)
    lines = [f"PUT {parts.path} HTTP/1.1", f"Host: {parts.netloc}"] + [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = sock.recv(65536).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 411"), answer
    assert "<Code>MissingContentLength</Code>" in answer
