"""A body that fails its integrity check never becomes an object, on either backend."""

from __future__ import annotations

import base64
import os
import zlib
import hashlib

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from portcullis import REGION, s3_client, signed_request


def send_signed_for(url: str, creds: dict, signed_body: bytes, sent_body: bytes, headers: dict | None = None):
    """Signs the request for `signed_body` but sends `sent_body` (same length)."""
    request = AWSRequest(method="PUT", url=url, data=signed_body, headers=dict(headers or {}))
    S3SigV4Auth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]), "s3", REGION).add_auth(request)
    return requests.put(url, data=sent_body, headers=dict(request.headers.items()), timeout=60)


def object_status(deployment, creds, bucket: str, key: str) -> int:
    return signed_request("HEAD", f"{deployment.s3_url}/{bucket}/{key}", creds).status_code


@pytest.fixture
def bucket(deployment, creds, bucket_name):
    s3_client(deployment, creds).create_bucket(Bucket=bucket_name)
    return bucket_name


@pytest.mark.parametrize("size", [10, 3 * 1024 * 1024])
def test_sha256_mismatch_leaves_no_object(deployment, creds, bucket, size):
    good = b"a" * size
    corrupted = good[:-1] + b"b"  # only the very last byte differs
    url = f"{deployment.s3_url}/{bucket}/corrupt.bin"
    response = send_signed_for(url, creds, good, corrupted)
    assert response.status_code == 400, response.text
    assert "<Code>XAmzContentSHA256Mismatch</Code>" in response.text
    assert object_status(deployment, creds, bucket, "corrupt.bin") == 404


def test_sha256_mismatch_keeps_the_previous_version(deployment, creds, bucket):
    s3 = s3_client(deployment, creds)
    s3.put_object(Bucket=bucket, Key="keep.bin", Body=b"original")
    url = f"{deployment.s3_url}/{bucket}/keep.bin"
    response = send_signed_for(url, creds, b"replaced", b"replacex")
    assert response.status_code == 400
    assert s3.get_object(Bucket=bucket, Key="keep.bin")["Body"].read() == b"original"


def test_content_md5_mismatch_is_bad_digest(deployment, creds, bucket):
    body = b"payload" * 1000
    wrong = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    response = signed_request("PUT", f"{deployment.s3_url}/{bucket}/md5.bin", creds, body=body, headers={"Content-MD5": wrong})
    assert response.status_code == 400, response.text
    assert "<Code>BadDigest</Code>" in response.text
    assert object_status(deployment, creds, bucket, "md5.bin") == 404


def test_malformed_content_md5_is_invalid_digest(deployment, creds, bucket):
    response = signed_request("PUT", f"{deployment.s3_url}/{bucket}/md5.bin", creds, body=b"x", headers={"Content-MD5": "not-base64!"})
    assert response.status_code == 400
    assert "<Code>InvalidDigest</Code>" in response.text


def test_correct_content_md5_is_accepted(deployment, creds, bucket):
    body = b"payload" * 1000
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    response = signed_request("PUT", f"{deployment.s3_url}/{bucket}/md5ok.bin", creds, body=body, headers={"Content-MD5": md5})
    assert response.status_code == 200, response.text
    assert response.headers["ETag"].strip('"') == hashlib.md5(body).hexdigest()


# CRC32C and CRC64NVME need awscrt in botocore; the unit tests cover them.
@pytest.mark.parametrize("algorithm", ["CRC32", "SHA1", "SHA256"])
def test_flexible_checksums_round_trip(deployment, creds, bucket, algorithm):
    s3 = s3_client(deployment, creds)
    response = s3.put_object(Bucket=bucket, Key=f"sum-{algorithm}", Body=b"checked" * 100, ChecksumAlgorithm=algorithm)
    assert response.get(f"Checksum{algorithm}"), response
    assert s3.get_object(Bucket=bucket, Key=f"sum-{algorithm}")["Body"].read() == b"checked" * 100


def test_wrong_checksum_header_is_bad_digest(deployment, creds, bucket):
    wrong = base64.b64encode(b"\x00\x00\x00\x00").decode()
    response = signed_request("PUT", f"{deployment.s3_url}/{bucket}/crc.bin", creds, body=b"data" * 100,
                              headers={"x-amz-checksum-crc32": wrong})
    assert response.status_code == 400, response.text
    assert "<Code>BadDigest</Code>" in response.text
    assert object_status(deployment, creds, bucket, "crc.bin") == 404


def aws_chunked_put(url: str, creds: dict, payload: bytes, trailer_value: str, chunk: int = 65536):
    """A STREAMING-UNSIGNED-PAYLOAD-TRAILER upload as boto3 sends it over HTTPS, with our own trailer value."""
    framed = b""
    for start in range(0, len(payload), chunk):
        piece = payload[start:start + chunk]
        framed += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    framed += b"0\r\nx-amz-checksum-crc32:" + trailer_value.encode() + b"\r\n\r\n"
    headers = {
        "Content-Encoding": "aws-chunked", "X-Amz-Trailer": "x-amz-checksum-crc32",
        "X-Amz-Decoded-Content-Length": str(len(payload)), "X-Amz-Sdk-Checksum-Algorithm": "CRC32",
    }
    request = AWSRequest(method="PUT", url=url, data=framed, headers=headers)
    # botocore signs STREAMING-UNSIGNED-PAYLOAD-TRAILER when the checksum travels as a trailer.
    request.context["checksum"] = {"request_algorithm": {"in": "trailer", "algorithm": "crc32", "name": "x-amz-checksum-crc32"}}
    S3SigV4Auth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]), "s3", REGION).add_auth(request)
    assert request.headers["X-Amz-Content-SHA256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    return requests.put(url, data=framed, headers=dict(request.headers.items()), timeout=60)


def test_aws_chunked_trailer_checksum_is_verified(deployment, creds, bucket):
    payload = os.urandom(200_000)
    good = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    response = aws_chunked_put(f"{deployment.s3_url}/{bucket}/chunked.bin", creds, payload, good)
    assert response.status_code == 200, response.text
    assert response.headers.get("x-amz-checksum-crc32") == good
    assert s3_client(deployment, creds).get_object(Bucket=bucket, Key="chunked.bin")["Body"].read() == payload


def test_aws_chunked_corrupt_final_chunk_leaves_no_object(deployment, creds, bucket):
    payload = os.urandom(200_000)
    good = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    corrupted = payload[:-1] + bytes([payload[-1] ^ 1])
    response = aws_chunked_put(f"{deployment.s3_url}/{bucket}/corrupt-chunked.bin", creds, corrupted, good)
    assert response.status_code == 400, response.text
    assert "<Code>BadDigest</Code>" in response.text
    assert object_status(deployment, creds, bucket, "corrupt-chunked.bin") == 404
