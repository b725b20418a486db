"""Conditional requests through S3Server: GET/HEAD with If-Match, If-None-Match, If-Modified-Since
and If-Unmodified-Since on both backends; conditional writes (If-None-Match: *, If-Match, on PUT and
CompleteMultipartUpload) on the filesystem store."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from portcullis import client_error


def test_conditional_reads(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    later, earlier = modified + datetime.timedelta(hours=1), modified - datetime.timedelta(hours=1)

    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == b"0123456789"
    assert s3.get_object(Bucket=bucket, Key="k", IfNoneMatch='"other"', Range="bytes=0-3")["Body"].read() == b"0123"
    for kwargs, expected in [
        ({"IfNoneMatch": etag}, (304, "304")),
        ({"IfModifiedSince": later}, (304, "304")),
        ({"IfMatch": '"other"'}, (412, "PreconditionFailed")),
        ({"IfUnmodifiedSince": earlier}, (412, "PreconditionFailed")),
    ]:
        for call in (s3.get_object, s3.head_object):
            with pytest.raises(ClientError) as ei:
                call(Bucket=bucket, Key="k", **kwargs)
            got = client_error(ei)
            assert got[0] == expected[0], (call.__name__, kwargs, got)
            if call is s3.get_object and expected[0] == 412:
                assert got[1] == "PreconditionFailed"


def test_conditional_writes_on_the_filesystem_store(deployment, s3, bucket):
    if deployment.backend != "filesystem":
        pytest.skip("conditional writes are the store's feature; SeaweedFS's support varies by version")
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert client_error(ei) == (412, "PreconditionFailed")
    etag = s3.head_object(Bucket=bucket, Key="once")["ETag"]
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfMatch='"stale"')
    assert client_error(ei) == (412, "PreconditionFailed")
    s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"second"
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket=bucket, Key="never", Body=b"x", IfMatch=etag)
    assert client_error(ei) == (404, "NoSuchKey")


def test_conditional_complete_multipart_upload_on_the_filesystem_store(deployment, s3, bucket):
    if deployment.backend != "filesystem":
        pytest.skip("conditional writes are the store's feature; SeaweedFS's support varies by version")

    def upload(body: bytes) -> tuple[str, dict]:
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mpu-once")["UploadId"]
        etag = s3.upload_part(Bucket=bucket, Key="mpu-once", UploadId=upload_id, PartNumber=1, Body=body)["ETag"]
        return upload_id, {"Parts": [{"PartNumber": 1, "ETag": etag}]}

    first, parts = upload(b"first")
    s3.complete_multipart_upload(Bucket=bucket, Key="mpu-once", UploadId=first, MultipartUpload=parts, IfNoneMatch="*")
    second, parts = upload(b"second")
    with pytest.raises(ClientError) as ei:
        s3.complete_multipart_upload(Bucket=bucket, Key="mpu-once", UploadId=second, MultipartUpload=parts, IfNoneMatch="*")
    assert client_error(ei) == (412, "PreconditionFailed")
    assert s3.get_object(Bucket=bucket, Key="mpu-once")["Body"].read() == b"first"
    # The refused upload is still open: completed with the current ETag, it replaces the object.
    current = s3.head_object(Bucket=bucket, Key="mpu-once")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mpu-once", UploadId=second, MultipartUpload=parts, IfMatch=current)
    assert s3.get_object(Bucket=bucket, Key="mpu-once")["Body"].read() == b"second"
