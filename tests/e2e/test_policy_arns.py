"""STS `PolicyArns`: managed policies from `managedPolicies:` narrow a session like an inline
`Policy` (intersected with the role), together with it, and travel in the session token."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from portcullis import ACCOUNT_ID, POLICY_READ_ONLY, ROLE_RW, client_error, empty_and_delete, s3_client, sts_client


def assume(dep, issuer, **kw):
    return sts_client(dep).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName="managed", WebIdentityToken=issuer.mint(sub="managed"), **kw)


@pytest.fixture
def bucket(deployment, creds, bucket_name):
    s3 = s3_client(deployment, creds)
    s3.create_bucket(Bucket=bucket_name)
    s3.put_object(Bucket=bucket_name, Key="k", Body=b"v")
    yield bucket_name
    empty_and_delete(s3, bucket_name)


def test_a_managed_policy_narrows_the_session(deployment, issuer, bucket):
    resp = assume(deployment, issuer, PolicyArns=[{"arn": POLICY_READ_ONLY}])
    assert 0 < resp["PackedPolicySize"] <= 100
    s3 = s3_client(deployment, resp["Credentials"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket=bucket, Key="k2", Body=b"v")
    assert client_error(ei) == (403, "AccessDenied")


def test_inline_and_managed_policies_combine(deployment, issuer, bucket):
    """Session policies act together: what either allows (within the role) is allowed; a Deny in
    one of them wins."""
    inline = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/uploads/*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/k"}]})
    s3 = s3_client(deployment, assume(deployment, issuer, PolicyArns=[{"arn": POLICY_READ_ONLY}], Policy=inline)["Credentials"])
    s3.put_object(Bucket=bucket, Key="uploads/x", Body=b"x")
    assert s3.get_object(Bucket=bucket, Key="uploads/x")["Body"].read() == b"x"
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket=bucket, Key="k")
    assert client_error(ei) == (403, "AccessDenied")
    with pytest.raises(ClientError) as ei:
        s3.put_object(Bucket=bucket, Key="elsewhere", Body=b"x")
    assert client_error(ei) == (403, "AccessDenied")


def test_an_unknown_managed_policy_is_refused(fs_deployment, issuer):
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer, PolicyArns=[{"arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/nope"}])
    assert client_error(ei) == (400, "MalformedPolicyDocument")


def test_too_many_policy_arns(fs_deployment, issuer):
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer, PolicyArns=[{"arn": POLICY_READ_ONLY}] * 11)
    assert client_error(ei) == (400, "ValidationError")
    assert "less than or equal to 10" in ei.value.response["Error"]["Message"]
