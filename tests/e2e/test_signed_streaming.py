"""The signed aws-chunked modes no default client sends: STREAMING-AWS4-HMAC-SHA256-PAYLOAD and
STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (the Java SDK v1 and some Go tools do), on each backend.

Bodies are framed and signed by an independent implementation written here from the AWS
documentation (hashlib/hmac): seed signature, the chunk-signature chain, and the trailer signature
over `name:value\\n`. A broken link anywhere in the chain is refused and leaves no object behind.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import os
import zlib
from urllib.parse import urlsplit

import pytest
import requests
from botocore.exceptions import ClientError


EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class StreamingSigner:
    """SigV4 for one aws-chunked PUT: the seed request, then each chunk and the trailer."""

    def __init__(self, creds: dict, region: str = "us-east-1"):
        self.creds = creds
        self.amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.scope = f"{self.amz_date[:8]}/{region}/s3/aws4_request"
        key = ("AWS4" + creds["SecretAccessKey"]).encode()
        for part in self.scope.split("/"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        self.key = key
        self.previous = ""

    def _sign(self, string_to_sign: str) -> str:
        self.previous = hmac.new(self.key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        return self.previous

    def seed_headers(self, url: str, mode: str, headers: dict[str, str]) -> dict[str, str]:
        parts = urlsplit(url)
        signed = {k.lower(): v for k, v in headers.items()}
        signed.update({"host": parts.netloc, "x-amz-content-sha256": mode, "x-amz-date": self.amz_date,
                       "x-amz-security-token": self.creds["SessionToken"]})
        names = sorted(signed)
        canonical = "\n".join(["PUT", parts.path, "", "".join(f"{n}:{signed[n]}\n" for n in names), ";".join(names), mode])
        signature = self._sign("\n".join(["AWS4-HMAC-SHA256", self.amz_date, self.scope,
                                          hashlib.sha256(canonical.encode()).hexdigest()]))
        signed["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.creds['AccessKeyId']}/{self.scope}, "
                                   f"SignedHeaders={';'.join(names)}, Signature={signature}")
        del signed["host"]
        return signed

    def chunk(self, data: bytes) -> bytes:
        signature = self._sign("\n".join(["AWS4-HMAC-SHA256-PAYLOAD", self.amz_date, self.scope, self.previous,
                                          EMPTY_SHA256, hashlib.sha256(data).hexdigest()]))
        return f"{len(data):x};chunk-signature={signature}\r\n".encode() + data + (b"\r\n" if data else b"")

    def trailer(self, name: str, value: str) -> bytes:
        signature = self._sign("\n".join(["AWS4-HMAC-SHA256-TRAILER", self.amz_date, self.scope, self.previous,
                                          hashlib.sha256(f"{name}:{value}\n".encode()).hexdigest()]))
        return f"{name}:{value}\r\nx-amz-trailer-signature:{signature}\r\n\r\n".encode()


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def streaming_put(url: str, creds: dict, payload: bytes, *, trailer: bool, chunk_size: int = 64 * 1024,
                  corrupt=None, chunked_transfer: bool = False) -> requests.Response:
    """PUTs `payload` as a signed aws-chunked body. `corrupt(body) -> body` tampers with the framed bytes."""
    signer = StreamingSigner(creds)
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" if trailer else "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    pieces = [payload[i:i + chunk_size] for i in range(0, len(payload), chunk_size)]
    # The framed length is known before signing: each chunk's header carries a 64-hex signature.
    framed_length = sum(len(f"{len(p):x};chunk-signature=".encode()) + 64 + 2 + len(p) + 2 for p in pieces)
    framed_length += len("0;chunk-signature=") + 64 + 2
    extra = {"content-encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(payload))}
    if trailer:
        trailer_value = crc32_b64(payload)
        framed_length += len(f"x-amz-checksum-crc32:{trailer_value}\r\nx-amz-trailer-signature:".encode()) + 64 + 4
        extra["x-amz-trailer"] = "x-amz-checksum-crc32"
    else:
        framed_length += 2
    if not chunked_transfer:
        extra["content-length"] = str(framed_length)
    headers = signer.seed_headers(url, mode, extra)
    body = b"".join(signer.chunk(p) for p in pieces) + signer.chunk(b"")
    body += signer.trailer("x-amz-checksum-crc32", trailer_value) if trailer else b"\r\n"
    assert len(body) == framed_length
    if corrupt:
        body = corrupt(body)
    if chunked_transfer:
        headers.pop("content-length", None)
        return requests.put(url, data=iter([body[i:i + 10000] for i in range(0, len(body), 10000)]), headers=headers,
                            timeout=60)
    return requests.put(url, data=body, headers=headers, timeout=60)


def assert_absent(s3, bucket: str, key: str) -> None:
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key=key)
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("trailer", [False, True], ids=["signed-chunks", "signed-chunks-and-trailer"])
@pytest.mark.parametrize("chunked_transfer", [False, True], ids=["content-length", "transfer-encoding-chunked"])
def test_signed_streaming_upload_round_trips(deployment, creds, s3, bucket, trailer, chunked_transfer):
    payload = os.urandom(200 * 1024 + 17)
    resp = streaming_put(f"{deployment.s3_url}/{bucket}/streamed.bin", creds, payload, trailer=trailer,
                         chunked_transfer=chunked_transfer)
    assert resp.status_code == 200, resp.text
    if trailer:
        assert resp.headers.get("x-amz-checksum-crc32") == crc32_b64(payload)
    got = s3.get_object(Bucket=bucket, Key="streamed.bin")
    assert got["ContentLength"] == len(payload)
    assert got["Body"].read() == payload


def _flip_last_data_byte(body: bytes) -> bytes:
    # The last data byte sits just before the CRLF that precedes the final chunk header.
    final = body.rindex(b"0;chunk-signature=")
    i = final - 3
    return body[:i] + bytes([body[i] ^ 1]) + body[i + 1:]


def _bad_trailer_signature(body: bytes) -> bytes:
    i = body.rindex(b"x-amz-trailer-signature:") + len(b"x-amz-trailer-signature:")
    return body[:i] + (b"0" if body[i:i + 1] != b"0" else b"1") + body[i + 1:]


def _bad_trailer_value(body: bytes) -> bytes:
    i = body.rindex(b"x-amz-checksum-crc32:") + len(b"x-amz-checksum-crc32:")
    return body[:i] + (b"A" if body[i:i + 1] != b"A" else b"B") + body[i + 1:]


@pytest.mark.parametrize("trailer,corrupt", [
    (False, _flip_last_data_byte),
    (True, _flip_last_data_byte),
    (True, _bad_trailer_signature),
    (True, _bad_trailer_value),
], ids=["last-chunk-data", "last-chunk-data-with-trailer", "trailer-signature", "trailer-value"])
def test_a_broken_chain_is_refused_and_leaves_nothing(deployment, creds, s3, bucket, trailer, corrupt):
    payload = os.urandom(150 * 1024)
    resp = streaming_put(f"{deployment.s3_url}/{bucket}/broken.bin", creds, payload, trailer=trailer, corrupt=corrupt)
    assert resp.status_code == 403, resp.text
    assert "<Code>SignatureDoesNotMatch</Code>" in resp.text
    assert_absent(s3, bucket, "broken.bin")
