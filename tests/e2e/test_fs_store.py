"""The filesystem store's S3 semantics through real clients: invalid ranges, reads by part number,
listing parameters (V1 marker, V2 start-after, fetch-owner, encoding-type=url), ListMultipartUploads
paging, awkward keys that must stay inside their bucket folder, and an interrupted upload that
leaves nothing."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from portcullis import REGION, client_error, signed_request

AWKWARD_KEYS = ["..", "../escape", "../../etc/passwd", "a//b", "dir/", "./.", "x/../../y", "/lead", "tmp/x", "objects",
                "bucket.json", "uploads/0123456789abcdef0123456789abcdef/upload.json", "sp ace+plus%41", "é/ü", "tab\there"]


def test_invalid_ranges(deployment, creds, s3, bucket):
    s3.put_object(Bucket=bucket, Key="ten", Body=b"0123456789")
    url = f"{deployment.s3_url}/{bucket}/ten"
    for header in ["bytes=10-", "bytes=10-20", "bytes=-0"]:
        response = signed_request("GET", url, creds, headers={"Range": header})
        assert response.status_code == 416, (header, response.text)
        assert "<Code>InvalidRange</Code>" in response.text
        if deployment.backend == "filesystem":
            assert "<ActualObjectSize>10</ActualObjectSize>" in response.text
    # Unparsable or multiple ranges are ignored, as S3 does: the whole object (SeaweedFS refuses some).
    for header in ["bytes=5-2", "bytes=a-b", "items=0-1", "bytes=0-1,3-4"] if deployment.backend == "filesystem" else []:
        response = signed_request("GET", url, creds, headers={"Range": header})
        assert (response.status_code, response.content) == (200, b"0123456789"), header
    tail = s3.get_object(Bucket=bucket, Key="ten", Range="bytes=-3")
    assert (tail["ContentRange"], tail["Body"].read()) == ("bytes 7-9/10", b"789")
    clamped = s3.get_object(Bucket=bucket, Key="ten", Range="bytes=8-100")
    assert (clamped["ContentRange"], clamped["Body"].read()) == ("bytes 8-9/10", b"89")


def test_get_and_head_by_part_number(fs_deployment, fs_creds, fs_s3, fs_bucket):
    parts = [b"a" * (5 << 20), b"b" * (5 << 20), b"c" * 100]
    upload = fs_s3.create_multipart_upload(Bucket=fs_bucket, Key="mp")["UploadId"]
    etags = [fs_s3.upload_part(Bucket=fs_bucket, Key="mp", UploadId=upload, PartNumber=n, Body=body)["ETag"]
             for n, body in enumerate(parts, 1)]
    fs_s3.complete_multipart_upload(Bucket=fs_bucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(etags, 1)]})
    total = sum(map(len, parts))
    second = fs_s3.get_object(Bucket=fs_bucket, Key="mp", PartNumber=2)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (second["PartsCount"], second["ContentRange"]) == (3, f"bytes {5 << 20}-{(10 << 20) - 1}/{total}")
    assert second["Body"].read() == parts[1]
    last = fs_s3.head_object(Bucket=fs_bucket, Key="mp", PartNumber=3)
    assert (last["ContentLength"], last["PartsCount"]) == (100, 3)
    with pytest.raises(ClientError) as beyond:
        fs_s3.get_object(Bucket=fs_bucket, Key="mp", PartNumber=4)
    assert client_error(beyond) == (416, "InvalidPartNumber")
    # A single PUT is one part; the same object never answers to a part number and a range at once.
    fs_s3.put_object(Bucket=fs_bucket, Key="one", Body=b"0123456789")
    assert fs_s3.get_object(Bucket=fs_bucket, Key="one", PartNumber=1)["Body"].read() == b"0123456789"
    url = f"{fs_deployment.s3_url}/{fs_bucket}/one"
    both = signed_request("GET", url + "?partNumber=1", fs_creds, headers={"Range": "bytes=0-1"})
    assert both.status_code == 400 and "<Code>InvalidRequest</Code>" in both.text
    for bad in ["0", "10001", "x"]:
        response = signed_request("GET", f"{url}?partNumber={bad}", fs_creds)
        assert response.status_code == 400 and "<Code>InvalidArgument</Code>" in response.text, bad


def test_conditional_delete(fs_deployment, fs_creds, fs_s3, fs_bucket):
    etag = fs_s3.put_object(Bucket=fs_bucket, Key="d", Body=b"x")["ETag"]
    url = f"{fs_deployment.s3_url}/{fs_bucket}/d"
    refused = signed_request("DELETE", url, fs_creds, headers={"If-Match": '"0123"'})
    assert refused.status_code == 412 and "<Code>PreconditionFailed</Code>" in refused.text
    assert fs_s3.head_object(Bucket=fs_bucket, Key="d")["ETag"] == etag
    assert signed_request("DELETE", url, fs_creds, headers={"If-Match": etag}).status_code == 204
    missing = signed_request("DELETE", url, fs_creds, headers={"If-Match": etag})
    assert missing.status_code == 404 and "<Code>NoSuchKey</Code>" in missing.text


def test_listing_parameters(deployment, s3, bucket):
    keys = ["a/1", "a/2", "b", "c/x y", "c/z\x01"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    # V1: Marker and NextMarker (with a delimiter), MaxKeys.
    page = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["a/"] and [o["Key"] for o in page["Contents"]] == ["b"]
    assert page["IsTruncated"] and page["NextMarker"] == "b"
    rest = s3.list_objects(Bucket=bucket, Delimiter="/", Marker=page["NextMarker"])
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["c/"] and not rest["IsTruncated"]
    # V2: StartAfter, FetchOwner; boto3 asks for encoding-type=url and decodes every key.
    after = s3.list_objects_v2(Bucket=bucket, StartAfter="b")
    assert [o["Key"] for o in after["Contents"]] == ["c/x y", "c/z\x01"]
    assert "Owner" not in after["Contents"][0]
    assert "Owner" in s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket, Prefix="c/")["Contents"]] == ["c/x y", "c/z\x01"]


def test_list_multipart_uploads_pages(deployment, s3, bucket):
    if deployment.backend != "filesystem":
        pytest.skip("upload paging is the store's; SeaweedFS orders uploads its own way")
    ids = [s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"] for key in ["k/1", "k/1", "k/2 x", "top"]]
    seen, kwargs = [], {}
    while True:
        page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, **kwargs)
        seen += [u["UploadId"] for u in page.get("Uploads", [])]
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"], "UploadIdMarker": page["NextUploadIdMarker"]}
    assert sorted(seen) == sorted(ids) and len(seen) == 4
    rolled = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["k/"] and [u["Key"] for u in rolled["Uploads"]] == ["top"]
    encoded = s3.list_multipart_uploads(Bucket=bucket, Prefix="k/2", EncodingType="url")
    assert [u["Key"] for u in encoded["Uploads"]] == ["k/2%20x"]  # botocore leaves these encoded
    for key, uid in zip(["k/1", "k/1", "k/2 x", "top"], ids):
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)


def test_awkward_keys_stay_inside_the_bucket(fs_deployment, fs_s3, fs_bucket):
    s3, bucket = fs_s3, fs_bucket
    for index, key in enumerate(AWKWARD_KEYS):
        s3.put_object(Bucket=bucket, Key=key, Body=f"body {index}".encode())
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(listed, key=lambda k: k.encode()) == listed
    assert sorted(listed) == sorted(AWKWARD_KEYS)
    for index, key in enumerate(AWKWARD_KEYS):
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == f"body {index}".encode(), key
    # Nothing was written outside the bucket's own folders, and no key became a path.
    data = fs_deployment.data
    stray = [p for p in data.rglob("*") if p.is_file() and not p.relative_to(data).parts[0].startswith(".")
             and p.relative_to(data).parts[1:2] not in [("bucket.json",), ("objects",), ("tmp",), ("uploads",)]]
    assert stray == []
    bucket_dir = data / bucket
    assert sorted(p.name for p in bucket_dir.iterdir()) == ["bucket.json", "objects", "tmp", "uploads"]
    assert all(p.suffix == ".obj" for p in (bucket_dir / "objects").rglob("*") if p.is_file())
    assert not (data.parent / "escape").exists() and not (data / "escape").exists()
    for key in AWKWARD_KEYS:
        s3.delete_object(Bucket=bucket, Key=key)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_interrupted_upload_leaves_nothing(fs_deployment, fs_creds, fs_s3, fs_bucket):
    url = f"{fs_deployment.s3_url}/{fs_bucket}/interrupted"
    tmp = fs_deployment.data / fs_bucket / "tmp"
    request = AWSRequest(method="PUT", url=url, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    request.context["payload_signing_enabled"] = False
    S3SigV4Auth(Credentials(fs_creds["AccessKeyId"], fs_creds["SecretAccessKey"], fs_creds["SessionToken"]), "s3",
                REGION).add_auth(request)
    parts = urlsplit(url)
    head = [f"PUT {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {8 * 1024 * 1024}"]
    head += [f"{name}: {value}" for name, value in request.headers.items()]
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b"x" * (1024 * 1024))
        wait_for(lambda: any(tmp.iterdir()), "the upload to reach a temp file")
    finally:
        sock.close()
    wait_for(lambda: not any(tmp.iterdir()), "the temp file to be removed")
    with pytest.raises(Exception) as ei:
        fs_s3.head_object(Bucket=fs_bucket, Key="interrupted")
    assert client_error(ei)[0] == 404


def wait_for(condition, what: str, deadline: float = 20.0) -> None:
    """Polls for a state the server reaches asynchronously; the deadline only bounds a hang."""
    end = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def fs_creds(fs_deployment, issuer):
    from portcullis import assume
    return assume(fs_deployment, issuer.mint(sub="fsstore"), session="fsstore")["Credentials"]


@pytest.fixture
def fs_s3(fs_deployment, fs_creds):
    from portcullis import s3_client
    return s3_client(fs_deployment, fs_creds)


@pytest.fixture
def fs_bucket(fs_s3, bucket_name):
    fs_s3.create_bucket(Bucket=bucket_name)
    yield bucket_name
    from portcullis import empty_and_delete
    try:
        empty_and_delete(fs_s3, bucket_name)
    except Exception:
        pass
