"""Server-side copies through S3Server on each backend: CopyObject with both metadata directives,
UploadPartCopy with a source range, aws-cli's `s3 cp`/`s3 mv` between keys, and S3's errors."""

from __future__ import annotations

import hashlib
import os

import pytest
from botocore.exceptions import ClientError

from portcullis import aws_cli, cli_env, client_error


def test_copy_object_keeps_or_replaces_metadata(s3, bucket):
    body = os.urandom(300_000)
    s3.put_object(Bucket=bucket, Key="src/a b+c.bin", Body=body, ContentType="application/x-src", Metadata={"colour": "blue"})
    copied = s3.copy_object(Bucket=bucket, Key="dst/kept", CopySource={"Bucket": bucket, "Key": "src/a b+c.bin"})
    # (SeaweedFS leaves the quotes off this ETag; the filesystem store writes it as S3 does.)
    assert copied["CopyObjectResult"]["ETag"].strip('"') == hashlib.md5(body).hexdigest()
    kept = s3.get_object(Bucket=bucket, Key="dst/kept")
    assert kept["Body"].read() == body
    assert (kept["ContentType"], kept["Metadata"]) == ("application/x-src", {"colour": "blue"})

    s3.copy_object(Bucket=bucket, Key="dst/replaced", CopySource={"Bucket": bucket, "Key": "src/a b+c.bin"},
                   MetadataDirective="REPLACE", ContentType="text/plain", Metadata={"colour": "red"})
    replaced = s3.head_object(Bucket=bucket, Key="dst/replaced")
    assert (replaced["ContentType"], replaced["Metadata"]) == ("text/plain", {"colour": "red"})
    assert replaced["ContentLength"] == len(body)


def test_copy_errors(deployment, s3, bucket):
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "missing"})
    assert client_error(ei) == (404, "NoSuchKey")
    if deployment.backend != "filesystem":
        return  # the rest is the store's own S3 semantics, checked on ours
    s3.put_object(Bucket=bucket, Key="self", Body=b"v")
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket=bucket, Key="self", CopySource={"Bucket": bucket, "Key": "self"})
    assert client_error(ei) == (400, "InvalidRequest")
    s3.copy_object(Bucket=bucket, Key="self", CopySource={"Bucket": bucket, "Key": "self"},
                   MetadataDirective="REPLACE", Metadata={"touched": "yes"})
    assert s3.head_object(Bucket=bucket, Key="self")["Metadata"] == {"touched": "yes"}
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "self"}, CopySourceIfMatch='"0000"')
    assert client_error(ei) == (412, "PreconditionFailed")
    etag = s3.head_object(Bucket=bucket, Key="self")["ETag"]
    s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "self"}, CopySourceIfMatch=etag)
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "self", "VersionId": "v9"})
    assert client_error(ei) == (404, "NoSuchVersion")


def test_upload_part_copy_with_ranges(s3, bucket):
    part = 5 * 1024 * 1024
    body = os.urandom(2 * part + 1234)
    s3.put_object(Bucket=bucket, Key="big", Body=body)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    parts = []
    for number, (first, last) in enumerate([(0, part - 1), (part, 2 * part - 1), (2 * part, len(body) - 1)], start=1):
        r = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=number,
                                CopySource={"Bucket": bucket, "Key": "big"}, CopySourceRange=f"bytes={first}-{last}")
        parts.append({"PartNumber": number, "ETag": r["CopyPartResult"]["ETag"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == body


def test_aws_cli_copies_and_moves(deployment, creds, s3, bucket, tmp_path):
    env = cli_env(creds)
    endpoint = ["--endpoint-url", deployment.s3_url]
    s3.put_object(Bucket=bucket, Key="one.txt", Body=b"one")
    aws_cli([*endpoint, "s3", "cp", f"s3://{bucket}/one.txt", f"s3://{bucket}/two.txt"], env)
    aws_cli([*endpoint, "s3", "mv", f"s3://{bucket}/two.txt", f"s3://{bucket}/moved/three.txt"], env)
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["moved/three.txt", "one.txt"]
    assert s3.get_object(Bucket=bucket, Key="moved/three.txt")["Body"].read() == b"one"
