"""Per-user home folders through real clients (aws-cli and boto3), on each backend: a session
policy keyed on `${jwt:preferred_username}` (a claim frozen into the session at STS time, a value,
never text templating) governs listing with `s3:prefix`, reads, writes, copies (the source needs
`s3:GetObject` too) and multi-object delete (each key on its own)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_RW, aws_cli, cli_env, client_error, empty_and_delete, s3_client, sts_client

HOME_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ListOwnHome", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::{bucket}",
     "Condition": {"StringLike": {"s3:prefix": ["home/${jwt:preferred_username}/*"]}}},
    {"Sid": "OwnObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": "arn:aws:s3:::{bucket}/home/${jwt:preferred_username}/*"},
]}


@pytest.fixture
def admin(deployment, creds):
    return s3_client(deployment, creds)


@pytest.fixture
def bucket(admin, bucket_name):
    admin.create_bucket(Bucket=bucket_name)
    for key in ("home/alice/a.txt", "home/bob/b.txt"):
        admin.put_object(Bucket=bucket_name, Key=key, Body=key.encode())
    yield bucket_name
    empty_and_delete(admin, bucket_name)


@pytest.fixture
def alice(deployment, issuer, bucket):
    policy = json.dumps(HOME_POLICY).replace("{bucket}", bucket)
    token = issuer.mint(sub="user-alice-1", extra_claims={"preferred_username": "alice"})
    return sts_client(deployment).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName="alice", WebIdentityToken=token, Policy=policy)["Credentials"]


def test_aws_cli_in_a_home_folder(deployment, bucket, alice, tmp_path):
    env = cli_env(alice)
    endpoint = ["--endpoint-url", deployment.s3_url]
    listing = aws_cli([*endpoint, "s3", "ls", f"s3://{bucket}/home/alice/"], env)
    assert "a.txt" in listing.stdout
    denied = aws_cli([*endpoint, "s3", "ls", f"s3://{bucket}/home/bob/"], env, check=False)
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr

    upload = tmp_path / "mine.txt"
    upload.write_text("mine")
    aws_cli([*endpoint, "s3", "cp", str(upload), f"s3://{bucket}/home/alice/mine.txt"], env)
    refused = aws_cli([*endpoint, "s3", "cp", str(upload), f"s3://{bucket}/home/bob/mine.txt"], env, check=False)
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr
    aws_cli([*endpoint, "s3", "cp", f"s3://{bucket}/home/alice/mine.txt", str(tmp_path / "back.txt")], env)
    assert (tmp_path / "back.txt").read_text() == "mine"


def test_boto3_listing_reads_and_multi_delete(deployment, admin, bucket, alice):
    s3 = s3_client(deployment, alice)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="home/alice/")["Contents"]]
    assert keys == ["home/alice/a.txt"]
    for prefix in ("home/bob/", "home/", ""):
        with pytest.raises(ClientError) as ei:
            s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        assert client_error(ei) == (403, "AccessDenied"), prefix
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket=bucket, Key="home/bob/b.txt")
    assert client_error(ei) == (403, "AccessDenied")
    # A missing key of her own is 403 as well: she may not list the bucket as a whole.
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket=bucket, Key="home/alice/missing")
    assert client_error(ei) == (403, "AccessDenied")

    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "home/alice/a.txt"}, {"Key": "home/bob/b.txt"}]})
    assert [d["Key"] for d in resp["Deleted"]] == ["home/alice/a.txt"]
    assert [(e["Key"], e["Code"]) for e in resp["Errors"]] == [("home/bob/b.txt", "AccessDenied")]
    remaining = [o["Key"] for o in admin.list_objects_v2(Bucket=bucket)["Contents"]]
    assert remaining == ["home/bob/b.txt"]


def test_copy_needs_read_on_the_source(deployment, admin, bucket, alice):
    s3 = s3_client(deployment, alice)
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket=bucket, Key="home/alice/stolen.txt", CopySource={"Bucket": bucket, "Key": "home/bob/b.txt"})
    assert client_error(ei) == (403, "AccessDenied")
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket=bucket, Key="home/bob/gift.txt", CopySource={"Bucket": bucket, "Key": "home/alice/a.txt"})
    assert client_error(ei) == (403, "AccessDenied")
    assert sorted(o["Key"] for o in admin.list_objects_v2(Bucket=bucket)["Contents"]) == ["home/alice/a.txt", "home/bob/b.txt"]
    s3.copy_object(Bucket=bucket, Key="home/alice/copy.txt", CopySource={"Bucket": bucket, "Key": "home/alice/a.txt"})
    assert s3.get_object(Bucket=bucket, Key="home/alice/copy.txt")["Body"].read() == b"home/alice/a.txt"
