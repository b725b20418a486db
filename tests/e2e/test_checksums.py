"""Flexible checksums stored and returned: PUT, multipart (composite and full-object), copies,
GetObjectAttributes, and botocore's own validation of what comes back (boto3 >= 1.36 sends CRC32
by default and checks a returned whole-object checksum on GET)."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from portcullis import client_error

MIB = 1024 * 1024


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def crc32(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


DIGESTS = {"CRC32": crc32, "SHA1": lambda d: hashlib.sha1(d).digest(), "SHA256": lambda d: hashlib.sha256(d).digest()}


@pytest.fixture(scope="session")
def deployment(fs_deployment):
    """Only the filesystem store: these are its storage semantics (SeaweedFS's support varies)."""
    return fs_deployment


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA1", "SHA256"])
def test_put_checksum_is_stored_and_returned_when_asked(s3, bucket, algorithm):
    body = os.urandom(70_000)
    expected = b64(DIGESTS[algorithm](body))
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == expected

    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (expected, "FULL_OBJECT")
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")  # botocore validates it
    assert got[f"Checksum{algorithm}"] == expected
    assert got["Body"].read() == body
    # Not asked, not sent; a range never gets the whole object's checksum.
    assert f"Checksum{algorithm}" not in s3.head_object(Bucket=bucket, Key="k")
    ranged = s3.get_object(Bucket=bucket, Key="k", Range="bytes=0-9", ChecksumMode="ENABLED")
    assert f"Checksum{algorithm}" not in ranged and ranged["Body"].read() == body[:10]

    attributes = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["Checksum", "ObjectSize"])
    assert attributes["Checksum"][f"Checksum{algorithm}"] == expected
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["ChecksumAlgorithm"] == [algorithm]


def test_default_crc32_of_boto3_round_trips(s3, bucket):
    """A plain put_object (CRC32 by default) and get_object (validates a returned CRC32)."""
    body = os.urandom(5000)
    s3.put_object(Bucket=bucket, Key="plain", Body=body)
    got = s3.get_object(Bucket=bucket, Key="plain")
    assert got.get("ChecksumCRC32") == b64(crc32(body))
    assert got["Body"].read() == body


def test_composite_multipart_checksum(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(1000)]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256")["UploadId"]
    uploaded = []
    for number, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=number, Body=data, ChecksumAlgorithm="SHA256")
        assert answer["ChecksumSHA256"] == b64(hashlib.sha256(data).digest())
        uploaded.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": answer["ChecksumSHA256"]})
    listed = s3.list_parts(Bucket=bucket, Key="mp", UploadId=uid)
    assert [p["ChecksumSHA256"] for p in listed["Parts"]] == [p["ChecksumSHA256"] for p in uploaded]
    assert listed["ChecksumAlgorithm"] == "SHA256"

    # A part checksum that is not the stored one is InvalidPart; a missing one InvalidRequest.
    wrong = [dict(uploaded[0], ChecksumSHA256=b64(hashlib.sha256(b"other").digest())), uploaded[1]]
    with pytest.raises(ClientError) as ei:
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": wrong})
    assert client_error(ei) == (400, "InvalidPart")
    missing = [uploaded[0], {"PartNumber": 2, "ETag": uploaded[1]["ETag"]}]
    with pytest.raises(ClientError) as ei:
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": missing})
    assert client_error(ei) == (400, "InvalidRequest")

    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": uploaded})
    composite = b64(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest())
    assert done["ChecksumSHA256"] == f"{composite}-2"
    head = s3.head_object(Bucket=bucket, Key="mp", ChecksumMode="ENABLED")
    assert (head["ChecksumSHA256"], head["ChecksumType"]) == (f"{composite}-2", "COMPOSITE")
    got = s3.get_object(Bucket=bucket, Key="mp", ChecksumMode="ENABLED")  # botocore skips composite values
    assert got["Body"].read() == b"".join(parts)
    attributes = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["Checksum", "ObjectParts"])
    assert attributes["Checksum"]["ChecksumSHA256"] == composite
    assert attributes["ObjectParts"]["TotalPartsCount"] == 2


def test_full_object_multipart_checksum(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(77)]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
    done_parts = []
    for number, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key="full", UploadId=uid, PartNumber=number, Body=data, ChecksumAlgorithm="CRC32")
        done_parts.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=uid, MultipartUpload={"Parts": done_parts})
    assert (done["ChecksumCRC32"], done["ChecksumType"]) == (b64(crc32(b"".join(parts))), "FULL_OBJECT")
    got = s3.get_object(Bucket=bucket, Key="full", ChecksumMode="ENABLED")  # validated by botocore
    assert got["Body"].read() == b"".join(parts)


def test_unsupported_combinations_are_refused(s3, bucket):
    with pytest.raises(ClientError) as ei:
        s3.create_multipart_upload(Bucket=bucket, Key="x", ChecksumAlgorithm="SHA256", ChecksumType="FULL_OBJECT")
    assert client_error(ei) == (400, "InvalidRequest")
    uid = s3.create_multipart_upload(Bucket=bucket, Key="x", ChecksumAlgorithm="SHA1")["UploadId"]
    with pytest.raises(ClientError) as ei:
        s3.upload_part(Bucket=bucket, Key="x", UploadId=uid, PartNumber=1, Body=b"x", ChecksumAlgorithm="CRC32")
    assert client_error(ei) == (400, "InvalidRequest")
    s3.abort_multipart_upload(Bucket=bucket, Key="x", UploadId=uid)


def test_transfer_manager_multipart_round_trip(s3, bucket, tmp_path):
    """s3transfer's upload_file (CRC32 upload, part checksums in Complete) and download_file."""
    source = tmp_path / "in.bin"
    source.write_bytes(os.urandom(11 * MIB))
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_file(str(source), bucket, "tm.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="tm.bin", ChecksumMode="ENABLED")
    assert head["ETag"].strip('"').endswith("-3")
    target = tmp_path / "out.bin"
    s3.download_file(bucket, "tm.bin", str(target), Config=config)
    assert target.read_bytes() == source.read_bytes()


def test_copies_recompute_the_checksum(s3, bucket):
    body = os.urandom(40_000)
    s3.put_object(Bucket=bucket, Key="src", Body=body, ChecksumAlgorithm="SHA1")
    copied = s3.copy_object(Bucket=bucket, Key="same", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ChecksumSHA1"] == b64(hashlib.sha1(body).digest())
    assert s3.head_object(Bucket=bucket, Key="same", ChecksumMode="ENABLED")["ChecksumSHA1"] == b64(hashlib.sha1(body).digest())
    s3.copy_object(Bucket=bucket, Key="other", CopySource={"Bucket": bucket, "Key": "src"}, ChecksumAlgorithm="SHA256")
    head = s3.head_object(Bucket=bucket, Key="other", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == b64(hashlib.sha256(body).digest()) and "ChecksumSHA1" not in head

    # UploadPartCopy gets the upload's algorithm, over the copied range.
    uid = s3.create_multipart_upload(Bucket=bucket, Key="parts", ChecksumAlgorithm="CRC32")["UploadId"]
    part = s3.upload_part_copy(Bucket=bucket, Key="parts", UploadId=uid, PartNumber=1,
                               CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange="bytes=0-999")
    assert part["CopyPartResult"]["ChecksumCRC32"] == b64(crc32(body[:1000]))
    s3.abort_multipart_upload(Bucket=bucket, Key="parts", UploadId=uid)


def test_complete_checks_the_full_object_checksum_the_client_sends(s3, bucket):
    """On CompleteMultipartUpload `x-amz-checksum-crc32` is the whole object's checksum: a right
    one completes the upload, a wrong one is BadDigest and publishes nothing."""
    parts = [os.urandom(5 * MIB), os.urandom(99)]
    whole = b64(crc32(b"".join(parts)))

    def upload(key: str) -> tuple[str, list]:
        uid = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
        done = []
        for number, data in enumerate(parts, 1):
            answer = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=number, Body=data, ChecksumAlgorithm="CRC32")
            done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
        return uid, done

    uid, done = upload("whole-right")
    answer = s3.complete_multipart_upload(Bucket=bucket, Key="whole-right", UploadId=uid, MultipartUpload={"Parts": done},
                                          ChecksumCRC32=whole, ChecksumType="FULL_OBJECT")
    assert answer["ChecksumCRC32"] == whole

    uid, done = upload("whole-wrong")
    with pytest.raises(ClientError) as ei:
        s3.complete_multipart_upload(Bucket=bucket, Key="whole-wrong", UploadId=uid, MultipartUpload={"Parts": done},
                                     ChecksumCRC32=b64(crc32(b"something else")), ChecksumType="FULL_OBJECT")
    assert client_error(ei) == (400, "BadDigest")
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key="whole-wrong")
    assert client_error(ei)[0] == 404
