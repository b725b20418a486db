"""SDK web-identity credential providers, unchanged, against Portcullis: automatic refresh of
short-lived credentials in the middle of a run, and aws-cli's config-file `services` form.

STS here issues 900-second sessions by default (`sts.defaultSessionDuration`), which puts them
inside botocore's 15-minute advisory refresh window from the start: every credential read
refreshes, so a refresh happens mid-run without waiting for a clock."""

from __future__ import annotations

import os

import boto3
import pytest
from botocore.config import Config

from portcullis import ROLE_RW, Deployment, aws_cli, cli_env


class ShortSessionDeployment(Deployment):
    def config(self) -> dict:
        cfg = super().config()
        cfg["sts"]["defaultSessionDuration"] = 900
        return cfg


@pytest.fixture(scope="module")
def dep(tmp_path_factory, issuer):
    deployment = ShortSessionDeployment(tmp_path_factory.mktemp("refresh"), issuer).start()
    yield deployment
    deployment.stop()


def issued(dep) -> int:
    """Sessions issued so far: request lines of STSServer that carry an access key id."""
    lines = dep.sts.log_path.read_text(errors="replace").splitlines()
    return sum(1 for line in lines if '"msg":"request"' in line and '"access_key_id":' in line)


def test_boto3_refreshes_web_identity_credentials_mid_run(dep, issuer, tmp_path, monkeypatch):
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(sub="refresher", ttl=3600))
    for name, value in {"AWS_ROLE_ARN": ROLE_RW, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
                        "AWS_ROLE_SESSION_NAME": "refresher", "AWS_ENDPOINT_URL_STS": dep.sts_url,
                        "AWS_ENDPOINT_URL_S3": dep.s3_url}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    before = issued(dep)
    session = boto3.session.Session(region_name="us-east-1")
    s3 = session.client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    s3.create_bucket(Bucket="refresh")
    first = session.get_credentials().get_frozen_credentials().access_key
    # The identity provider issues a new token file meanwhile, as Kubernetes does.
    token_file.write_text(issuer.mint(sub="refresher", ttl=3600))
    s3.put_object(Bucket="refresh", Key="k", Body=b"v")
    assert s3.get_object(Bucket="refresh", Key="k")["Body"].read() == b"v"
    second = session.get_credentials().get_frozen_credentials().access_key
    assert first != second, "the SDK refreshed its credentials"
    assert issued(dep) - before >= 2
    s3.delete_object(Bucket="refresh", Key="k")
    s3.delete_bucket(Bucket="refresh")


def test_aws_cli_services_section(dep, issuer, tmp_path):
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(sub="cli-profile") + "\n")
    config = tmp_path / "config"
    config.write_text(f"""[profile portcullis]
role_arn = {ROLE_RW}
web_identity_token_file = {token_file}
role_session_name = cli-profile
region = us-east-1
services = portcullis-endpoints

[services portcullis-endpoints]
sts =
  endpoint_url = {dep.sts_url}
s3 =
  endpoint_url = {dep.s3_url}
""")
    env = cli_env(AWS_CONFIG_FILE=str(config), AWS_PROFILE="portcullis")
    aws_cli(["s3", "mb", "s3://cli-profile"], env)
    listing = aws_cli(["s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text"], env)
    assert "cli-profile" in listing.stdout.split()
    who = aws_cli(["sts", "get-caller-identity", "--query", "Arn", "--output", "text"], env)
    assert who.stdout.strip().endswith("assumed-role/e2e-rw/cli-profile")
    aws_cli(["s3", "rb", "s3://cli-profile"], env)
