"""S3Server with temporary credentials from STSServer, against each backend (filesystem, SeaweedFS),
through aws-cli v1, boto3, curl and raw signed requests."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from portcullis import (ROLE_RW, assume, aws_cli, cli_env, client_error, empty_and_delete, s3_client, sha256_file,
                        signed_request, sts_client, xml_error)


def write_random(path, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(1 << 20, left))
            h.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return h.hexdigest()


# -- aws-cli ----------------------------------------------------------------------------------------

def test_aws_cli_s3_roundtrip(deployment, creds, bucket_name, tmp_path):
    env = cli_env(creds)
    ep = ["--endpoint-url", deployment.s3_url]
    small, big = tmp_path / "small.txt", tmp_path / "big.bin"
    small.write_bytes(b"hello from aws-cli\n" * 10)
    big_sha = write_random(big, 20 * 1000 * 1000)  # 20 MB: aws-cli goes multipart (8 MiB parts)

    aws_cli([*ep, "s3", "mb", f"s3://{bucket_name}"], env)
    aws_cli([*ep, "s3", "cp", str(small), f"s3://{bucket_name}/dir/small.txt"], env)
    aws_cli([*ep, "s3", "cp", str(big), f"s3://{bucket_name}/dir/big.bin"], env)

    ls = aws_cli([*ep, "s3", "ls", f"s3://{bucket_name}/dir/"], env).stdout
    sizes = {line.split()[-1]: int(line.split()[-2]) for line in ls.splitlines() if line.strip()}
    assert sizes == {"small.txt": small.stat().st_size, "big.bin": 20 * 1000 * 1000}, ls

    buckets = aws_cli([*ep, "s3", "ls"], env).stdout
    assert bucket_name in buckets.split(), buckets

    aws_cli([*ep, "s3", "cp", f"s3://{bucket_name}/dir/small.txt", str(tmp_path / "small.down")], env)
    aws_cli([*ep, "s3", "cp", f"s3://{bucket_name}/dir/big.bin", str(tmp_path / "big.down")], env)
    assert (tmp_path / "small.down").read_bytes() == small.read_bytes()
    assert sha256_file(tmp_path / "big.down") == big_sha

    # The multipart object's ETag has the "-<parts>" suffix: 20 MB / 8 MiB parts = 3 parts.
    head = json.loads(aws_cli([*ep, "s3api", "head-object", "--bucket", bucket_name, "--key", "dir/big.bin",
                               "--output", "json"], env).stdout)
    assert head["ContentLength"] == 20 * 1000 * 1000
    assert head["ETag"].strip('"').endswith("-3"), head["ETag"]

    aws_cli([*ep, "s3", "rm", f"s3://{bucket_name}/dir/small.txt"], env)
    ls = aws_cli([*ep, "s3", "ls", f"s3://{bucket_name}/dir/"], env).stdout
    assert "small.txt" not in ls and "big.bin" in ls, ls
    aws_cli([*ep, "s3", "rm", "--recursive", f"s3://{bucket_name}/"], env)
    aws_cli([*ep, "s3", "rb", f"s3://{bucket_name}"], env)
    assert bucket_name not in aws_cli([*ep, "s3", "ls"], env).stdout.split()


# -- boto3 ------------------------------------------------------------------------------------------

# `s3` (a client for ROLE_RW) comes from conftest.py; this `bucket` also tolerates tests that
# remove their bucket themselves.
@pytest.fixture
def bucket(s3, bucket_name):
    s3.create_bucket(Bucket=bucket_name)
    yield bucket_name
    try:
        empty_and_delete(s3, bucket_name)
    except ClientError:
        pass


def test_put_get_head_delete(s3, bucket):
    body = os.urandom(12345)
    put = s3.put_object(Bucket=bucket, Key="obj/one.bin", Body=body, ContentType="application/x-test",
                        Metadata={"color": "blue"})
    md5 = hashlib.md5(body).hexdigest()
    assert put["ETag"] == f'"{md5}"'

    head = s3.head_object(Bucket=bucket, Key="obj/one.bin")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == f'"{md5}"'
    assert head["ContentType"] == "application/x-test"
    assert head["Metadata"] == {"color": "blue"}

    got = s3.get_object(Bucket=bucket, Key="obj/one.bin")
    assert got["Body"].read() == body

    s3.delete_object(Bucket=bucket, Key="obj/one.bin")
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key="obj/one.bin")
    assert client_error(ei)[0] == 404
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket=bucket, Key="obj/one.bin")
    assert client_error(ei) == (404, "NoSuchKey")


def test_range_get(s3, bucket):
    body = bytes(range(256)) * 40
    s3.put_object(Bucket=bucket, Key="r.bin", Body=body)
    r = s3.get_object(Bucket=bucket, Key="r.bin", Range="bytes=10-19")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert r["ContentRange"] == f"bytes 10-19/{len(body)}"
    assert r["Body"].read() == body[10:20]
    r = s3.get_object(Bucket=bucket, Key="r.bin", Range="bytes=-5")
    assert r["Body"].read() == body[-5:]


def test_list_objects_v2_prefix_delimiter_pagination(s3, bucket):
    keys = ["dir/a1", "dir/a2", "dir/a3", "dir/sub/x", "dir/sub/y", "dir/other/z", "top"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())

    contents, prefixes, pages = [], [], 0
    for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix="dir/", Delimiter="/", PaginationConfig={"PageSize": 2}):
        pages += 1
        assert page["KeyCount"] <= 2, page
        contents += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    assert contents == ["dir/a1", "dir/a2", "dir/a3"]
    assert prefixes == ["dir/other/", "dir/sub/"]
    assert pages == 3, pages

    first = s3.list_objects_v2(Bucket=bucket, MaxKeys=3)
    assert first["IsTruncated"] is True and first["KeyCount"] == 3
    assert [o["Key"] for o in first["Contents"]] == ["dir/a1", "dir/a2", "dir/a3"]
    rest = s3.list_objects_v2(Bucket=bucket, ContinuationToken=first["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == ["dir/other/z", "dir/sub/x", "dir/sub/y", "top"]
    assert rest["IsTruncated"] is False

    sub = s3.list_objects_v2(Bucket=bucket, Prefix="dir/sub/")
    assert [(o["Key"], o["Size"]) for o in sub["Contents"]] == [("dir/sub/x", 9), ("dir/sub/y", 9)]


def test_multipart_complete(s3, bucket):
    part1 = os.urandom(5 * 1024 * 1024)
    part2 = os.urandom(1024 * 1024 + 7)
    mpu = s3.create_multipart_upload(Bucket=bucket, Key="mp/obj.bin")
    uid = mpu["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="mp/obj.bin", UploadId=uid, PartNumber=1, Body=part1)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp/obj.bin", UploadId=uid, PartNumber=2, Body=part2)["ETag"]
    assert e1 == f'"{hashlib.md5(part1).hexdigest()}"'
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp/obj.bin", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    expected_etag = hashlib.md5(hashlib.md5(part1).digest() + hashlib.md5(part2).digest()).hexdigest() + "-2"
    assert done["ETag"] == f'"{expected_etag}"'
    got = s3.get_object(Bucket=bucket, Key="mp/obj.bin")
    assert got["ContentLength"] == len(part1) + len(part2)
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(part1 + part2).digest()


def test_multipart_abort(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp/aborted.bin")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp/aborted.bin", UploadId=uid, PartNumber=1, Body=b"x" * 1024)
    s3.abort_multipart_upload(Bucket=bucket, Key="mp/aborted.bin", UploadId=uid)
    with pytest.raises(ClientError) as ei:
        s3.upload_part(Bucket=bucket, Key="mp/aborted.bin", UploadId=uid, PartNumber=2, Body=b"y")
    assert client_error(ei) == (404, "NoSuchUpload")
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key="mp/aborted.bin")
    assert client_error(ei)[0] == 404


# -- authorization and authentication failures -------------------------------------------------------

def test_policy_denies_put_under_readonly_prefix(deployment, creds, s3, bucket):
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket=bucket, Key="readonly/blocked.txt", Body=b"nope")
    assert client_error(ei) == (403, "AccessDenied")

    r = signed_request("PUT", f"{deployment.s3_url}/{bucket}/readonly/raw.txt", creds, body=b"raw")
    assert r.status_code == 403, r.text
    assert xml_error(r.content)["Code"] == "AccessDenied", r.text
    assert r.content.lstrip().startswith(b"<?xml") or r.content.lstrip().startswith(b"<Error>"), r.text

    # Nothing reached the backend; and the same PUT elsewhere is allowed.
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key="readonly/blocked.txt")
    assert client_error(ei)[0] == 404
    r = signed_request("PUT", f"{deployment.s3_url}/{bucket}/writable/raw.txt", creds, body=b"raw")
    assert r.status_code == 200, r.text


def test_expired_session_token(deployment):
    now = int(time.time())
    minted = deployment.mint_session(iat=now - 7200, exp=now - 3600)
    cli = s3_client(deployment, minted)
    with pytest.raises(ClientError) as ei:
        cli.list_buckets()
    assert client_error(ei) == (400, "ExpiredToken")
    r = signed_request("GET", f"{deployment.s3_url}/", minted)
    assert r.status_code == 400 and xml_error(r.content)["Code"] == "ExpiredToken", r.text


def test_minted_session_is_accepted(deployment):
    """Control for the expired-session test: the same minting with a future exp works."""
    now = int(time.time())
    minted = deployment.mint_session(iat=now - 10, exp=now + 900)
    resp = s3_client(deployment, minted).list_buckets()
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200


def _tamper_token(token: str) -> str:
    h, p, s = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    payload["exp"] = payload["exp"] + 86400
    payload["rsn"] = "tampered"
    p2 = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return ".".join([h, p2, s])


def test_tampered_session_token(deployment, creds):
    bad = dict(creds, SessionToken=_tamper_token(creds["SessionToken"]))
    with pytest.raises(ClientError) as ei:
        s3_client(deployment, bad).list_buckets()
    assert client_error(ei) == (400, "InvalidToken")


def test_missing_session_token(deployment, creds):
    bad = {k: v for k, v in creds.items() if k != "SessionToken"}
    with pytest.raises(ClientError) as ei:
        s3_client(deployment, bad).list_buckets()
    # What AWS answers for an ASIA key sent without its token (not MissingSecurityHeader, which
    # S3 uses for missing ACL headers): the key id alone is unknown.
    assert client_error(ei) == (403, "InvalidAccessKeyId")


def test_wrong_secret(deployment, creds):
    bad = dict(creds, SecretAccessKey=creds["SecretAccessKey"][::-1])
    with pytest.raises(ClientError) as ei:
        s3_client(deployment, bad).list_buckets()
    assert client_error(ei) == (403, "SignatureDoesNotMatch")


def test_anonymous_request_denied(deployment):
    r = requests.get(f"{deployment.s3_url}/", timeout=10)
    assert r.status_code == 403, r.text
    assert xml_error(r.content)["Code"] == "AccessDenied", r.text


# -- presigned URLs ---------------------------------------------------------------------------------

def test_presigned_get_with_curl(s3, bucket, tmp_path):
    body = os.urandom(300_000)
    s3.put_object(Bucket=bucket, Key="pre/signed.bin", Body=body)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "pre/signed.bin"},
                                    ExpiresIn=300)
    assert "X-Amz-Signature=" in url and "X-Amz-Security-Token=" in url, url
    out = tmp_path / "curl.bin"
    p = subprocess.run(["curl", "-sf", "-o", str(out), url], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"curl exited {p.returncode}: {p.stderr}"
    assert out.read_bytes() == body


def test_presigned_put(s3, bucket):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "pre/put.txt"}, ExpiresIn=300)
    r = requests.put(url, data=b"presigned put body", timeout=30)
    assert r.status_code == 200, r.text
    assert s3.get_object(Bucket=bucket, Key="pre/put.txt")["Body"].read() == b"presigned put body"


def test_presigned_url_expired(s3, bucket):
    s3.put_object(Bucket=bucket, Key="pre/short.txt", Body=b"short-lived")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "pre/short.txt"}, ExpiresIn=1)
    time.sleep(2.2)
    r = requests.get(url, timeout=30)
    assert r.status_code == 403, r.text
    assert xml_error(r.content)["Code"] == "AccessDenied", r.text
    assert "Request has expired" in r.text, r.text


# -- web-identity credential provider (environment) --------------------------------------------------

def test_aws_cli_web_identity_env_provider(fs_deployment, issuer, tmp_path):
    dep = fs_deployment
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(sub="env-provider") + "\n")
    env = cli_env(AWS_ROLE_ARN=ROLE_RW, AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file),
                  AWS_ROLE_SESSION_NAME="cli-env", AWS_ENDPOINT_URL_STS=dep.sts_url,
                  AWS_ENDPOINT_URL_S3=dep.s3_url)
    bucket = f"e2e-cli-env-{os.urandom(3).hex()}"
    aws_cli(["s3", "mb", f"s3://{bucket}"], env)
    out = json.loads(aws_cli(["s3api", "list-buckets", "--output", "json"], env).stdout)
    assert bucket in [b["Name"] for b in out["Buckets"]]
    aws_cli(["s3", "rb", f"s3://{bucket}"], env)


def test_boto3_web_identity_env_provider(fs_deployment, issuer, tmp_path, monkeypatch):
    dep = fs_deployment
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(sub="boto-env", alg="ES256") + "\n")
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE_RW)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "boto-env")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", dep.sts_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", dep.s3_url)
    session = boto3.session.Session(region_name="us-east-1")
    creds = session.get_credentials()
    assert creds.method == "assume-role-with-web-identity"
    frozen = creds.get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA") and frozen.token
    s3 = session.client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    assert s3.meta.endpoint_url == dep.s3_url
    bucket = f"e2e-boto-env-{os.urandom(3).hex()}"
    s3.create_bucket(Bucket=bucket)
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.delete_bucket(Bucket=bucket)


def test_credentials_from_sts_work_on_s3_immediately(deployment, issuer):
    """A fresh STS answer is usable at once (no server-side state between STS and S3)."""
    c = assume(deployment, issuer.mint(sub="fresh"), session="fresh")["Credentials"]
    assert s3_client(deployment, c).list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_inline_session_policy_narrows_role(fs_deployment, issuer, bucket_name):
    """The session policy (STS `Policy`) is intersected with the role policy."""
    dep = fs_deployment
    full = assume(dep, issuer.mint(sub="narrow"), session="full")["Credentials"]
    s3_full = s3_client(dep, full)
    s3_full.create_bucket(Bucket=bucket_name)
    s3_full.put_object(Bucket=bucket_name, Key="k", Body=b"v")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{bucket_name}/*"}]},
        separators=(",", ":"))
    narrow = sts_client(dep).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName="narrow", WebIdentityToken=issuer.mint(sub="narrow"),
        Policy=policy)["Credentials"]
    s3_narrow = s3_client(dep, narrow)
    assert s3_narrow.get_object(Bucket=bucket_name, Key="k")["Body"].read() == b"v"
    with pytest.raises(ClientError) as ei:
        s3_narrow.put_object(Bucket=bucket_name, Key="k2", Body=b"v")
    assert client_error(ei) == (403, "AccessDenied")
    s3_full.delete_object(Bucket=bucket_name, Key="k")
    s3_full.delete_bucket(Bucket=bucket_name)
