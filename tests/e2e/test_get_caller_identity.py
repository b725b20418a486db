"""GetCallerIdentity with temporary credentials from AssumeRoleWithWebIdentity: boto3, aws-cli and a
presigned URL (as aws-iam-authenticator and Vault use it), and STS's error codes for each failure."""

from __future__ import annotations

import time

import boto3
import botocore
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from portcullis import ACCOUNT_ID, REGION, assume, aws_cli, cli_env, client_error, sts_with


@pytest.fixture(scope="module")
def creds(fs_deployment, issuer):
    return assume(fs_deployment, issuer.mint(sub="who-am-i"), session="who-am-i")["Credentials"]


def test_boto3_get_caller_identity(fs_deployment, creds):
    identity = sts_with(fs_deployment, creds).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/e2e-rw/who-am-i"
    assert identity["Account"] == ACCOUNT_ID
    assert identity["UserId"].startswith("AROA") and identity["UserId"].endswith(":who-am-i")


def test_user_id_matches_the_assumed_role_id(fs_deployment, issuer):
    resp = assume(fs_deployment, issuer.mint(sub="who"), session="same-id")
    identity = sts_with(fs_deployment, resp["Credentials"]).get_caller_identity()
    assert identity["UserId"] == resp["AssumedRoleUser"]["AssumedRoleId"]
    assert identity["Arn"] == resp["AssumedRoleUser"]["Arn"]


def test_aws_cli_get_caller_identity(fs_deployment, creds):
    out = aws_cli(["--endpoint-url", fs_deployment.sts_url, "sts", "get-caller-identity", "--output", "json"], cli_env(creds))
    assert "assumed-role/e2e-rw/who-am-i" in out.stdout


def test_presigned_get_caller_identity(fs_deployment, creds):
    url = sts_with(fs_deployment, creds).generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200, resp.text
    assert "assumed-role/e2e-rw/who-am-i" in resp.text


def test_unsigned_request_is_missing_authentication_token(fs_deployment):
    client = boto3.client("sts", endpoint_url=fs_deployment.sts_url, region_name=REGION,
                          config=Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as ei:
        client.get_caller_identity()
    assert client_error(ei) == (403, "MissingAuthenticationToken")


def test_wrong_secret_is_signature_does_not_match(fs_deployment, creds):
    with pytest.raises(ClientError) as ei:
        sts_with(fs_deployment, dict(creds, SecretAccessKey="x" * 40)).get_caller_identity()
    assert client_error(ei) == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("change", ["tampered", "missing"])
def test_bad_session_token_is_invalid_client_token(fs_deployment, creds, change):
    bad = dict(creds)
    if change == "tampered":
        bad["SessionToken"] = creds["SessionToken"][:-4] + ("AAAA" if not creds["SessionToken"].endswith("AAAA") else "BBBB")
    else:
        bad.pop("SessionToken")
    with pytest.raises(ClientError) as ei:
        sts_with(fs_deployment, bad).get_caller_identity()
    assert client_error(ei) == (403, "InvalidClientTokenId")


def test_expired_session_is_expired_token(fs_deployment):
    now = int(time.time())
    expired = fs_deployment.mint_session(iat=now - 7200, exp=now - 3600)
    with pytest.raises(ClientError) as ei:
        sts_with(fs_deployment, expired).get_caller_identity()
    assert client_error(ei) == (400, "ExpiredToken")
