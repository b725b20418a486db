"""DeleteObjects (`POST /bucket?delete`) through S3Server on each backend: every key is authorised
on its own, refused keys come back as per-key AccessDenied entries of a 200 answer, and only the
allowed keys are deleted at the backend."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_RW, client_error, s3_client, signed_request, sts_client


def keys_in(s3, bucket: str) -> set[str]:
    return {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])}


def test_delete_objects_deletes_every_key(s3, bucket):
    keys = ["a.txt", "dir/b.txt", "spaced key + plus.txt", "ünï/cødé.bin"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    # botocore sends this with an x-amz-checksum-crc32 header and no Content-MD5.
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys] + [{"Key": "never-existed"}]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == sorted(keys + ["never-existed"])
    assert "Errors" not in resp
    assert keys_in(s3, bucket) == set()


def test_delete_objects_quiet_answers_only_failures(s3, bucket):
    s3.put_object(Bucket=bucket, Key="q", Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "q"}], "Quiet": True})
    assert "Deleted" not in resp and "Errors" not in resp
    assert keys_in(s3, bucket) == set()


def test_delete_objects_evaluates_each_key(deployment, issuer, s3, bucket):
    """A session policy that denies deletes under keep/: those keys come back AccessDenied and stay."""
    keys = ["keep/1", "keep/2", "drop/1", "drop/2"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{bucket}/keep/*"}]})
    narrow = sts_client(deployment).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName="per-key", WebIdentityToken=issuer.mint(sub="per-key"), Policy=policy)["Credentials"]
    resp = s3_client(deployment, narrow).delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == ["drop/1", "drop/2"]
    assert sorted((e["Key"], e["Code"]) for e in resp["Errors"]) == [("keep/1", "AccessDenied"), ("keep/2", "AccessDenied")]
    assert keys_in(s3, bucket) == {"keep/1", "keep/2"}


def test_delete_objects_with_no_permission_at_all_deletes_nothing(deployment, issuer, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    reader = sts_client(deployment).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName="reader", WebIdentityToken=issuer.mint(sub="reader"), Policy=policy)["Credentials"]
    resp = s3_client(deployment, reader).delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}]})
    assert [(e["Key"], e["Code"]) for e in resp["Errors"]] == [("k", "AccessDenied")]
    assert keys_in(s3, bucket) == {"k"}


def delete_body(*keys: str) -> bytes:
    return ("<Delete>" + "".join(f"<Object><Key>{k}</Key></Object>" for k in keys) + "</Delete>").encode()


def test_delete_objects_needs_an_integrity_header(deployment, creds, bucket):
    resp = signed_request("POST", f"{deployment.s3_url}/{bucket}?delete", creds, body=delete_body("k"))
    assert resp.status_code == 400, resp.text
    assert b"<Code>InvalidRequest</Code>" in resp.content


def test_delete_objects_with_content_md5(deployment, creds, s3, bucket):
    s3.put_object(Bucket=bucket, Key="m", Body=b"x")
    body = delete_body("m")
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    resp = signed_request("POST", f"{deployment.s3_url}/{bucket}?delete", creds, body=body, headers={"Content-MD5": md5})
    assert resp.status_code == 200, resp.text
    assert b"<Deleted><Key>m</Key></Deleted>" in resp.content
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    s3.put_object(Bucket=bucket, Key="m", Body=b"x")
    resp = signed_request("POST", f"{deployment.s3_url}/{bucket}?delete", creds, body=body, headers={"Content-MD5": wrong})
    assert resp.status_code == 400 and b"<Code>BadDigest</Code>" in resp.content, resp.text
    assert keys_in(s3, bucket) == {"m"}


@pytest.mark.parametrize("body", [b"not xml", b"<Delete></Delete>", b"<Delete><Object><Key>k</Key><Bogus/></Object></Delete>",
                                  ("<Delete>" + "<Object><Key>k</Key></Object>" * 1001 + "</Delete>").encode()])
def test_delete_objects_malformed_bodies(deployment, creds, bucket, body):
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    resp = signed_request("POST", f"{deployment.s3_url}/{bucket}?delete", creds, body=body, headers={"Content-MD5": md5})
    assert resp.status_code == 400 and b"<Code>MalformedXML</Code>" in resp.content, resp.text


def test_delete_objects_on_a_missing_bucket(s3, bucket_name):
    with pytest.raises(ClientError) as ei:
        s3.delete_objects(Bucket=bucket_name, Delete={"Objects": [{"Key": "k"}]})
    assert client_error(ei) == (404, "NoSuchBucket")
