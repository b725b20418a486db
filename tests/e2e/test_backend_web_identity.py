"""S3Server's own web identity towards an `s3` backend (backends[].webIdentity), end to end.

A chain of two S3Servers: the *front* S3Server serves clients and proxies to an `s3` backend,
which is a second, *backend* S3Server (filesystem storage) of the backend deployment. The front
signs upstream with temporary credentials it obtains itself from our STSServer with
AssumeRoleWithWebIdentity, using a token file written here from the test OIDC issuer. Both
S3Servers share the session keys, so clients use ordinary e2e-rw credentials at the front, and
the backend S3Server authorises the front's requests by the proxy role's policy:

* `e2e-proxy` may write only under `<bucket>/${jwt:sub}/` (and read anywhere): a write the
  client's own role allows but the proxy role does not fails with the backend's AccessDenied,
  which proves the backend saw the assumed-role session, not the client;
* the token's `sub` decides the writable folder, so rewriting the token file and seeing the
  writable folder move proves the token file was re-read and the new credentials are used.

Refresh: the proxy asks for DurationSeconds 900 (STS's minimum) with refreshBeforeExpirySeconds
895, so its credentials are due for refresh 5 s after each issue; a refresh starts on the first
request after that and requests keep using the old credentials meanwhile. What this shows:
re-reading the token, using the refreshed credentials and session token, and that a failed
refresh (an unusable token) keeps the previous credentials in use. Expiry itself (15 min) is not
waited for here; the refresh timing and the ServiceUnavailable answer without valid credentials
are unit-tested on a test clock (WebIdentityCredentialsProviderTests), and a front whose STS is
unreachable answers ServiceUnavailable below. A front with `anonymous: true` sends requests
unsigned, which the backend S3Server refuses as anonymous.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from portcullis import ACCOUNT_ID, Deployment, assume, client_error, s3_client
from seaweedfs import free_ports

ROLE_PROXY = f"arn:aws:iam::{ACCOUNT_ID}:role/e2e-proxy"
SESSION_NAME = "portcullis-proxy"
PROXY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow",
     "Action": ["s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetObject", "s3:CreateBucket", "s3:DeleteBucket",
                "s3:DeleteObject"], "Resource": "*"},
    {"Sid": "WriteOwnFolder", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::*/${jwt:sub}/*"},
]}


class BackendDeployment(Deployment):
    """The usual filesystem deployment plus the proxy's role."""

    def write_policies(self) -> None:
        super().write_policies()
        (self.policies / "proxy.json").write_text(json.dumps(PROXY_POLICY, indent=2) + "\n")

    def config(self) -> dict:
        cfg = super().config()
        cfg["roles"].append({"arn": ROLE_PROXY, "trustPolicy": "policies/trust-rw.json",
                             "policies": ["policies/proxy.json"], "maxSessionDuration": 3600})
        return cfg


class FrontDeployment(BackendDeployment):
    """Only an S3Server, with the backend deployment's keys and roles, proxying to its S3Server."""

    def __init__(self, root: Path, issuer, upstream: Deployment, sts_endpoint: str, anonymous: bool = False):
        super().__init__(root, issuer)
        self.upstream = upstream
        self.sts_endpoint = sts_endpoint
        self.anonymous = anonymous
        self.token_file = self.root / "proxy-token"

    def keygen(self) -> None:
        shutil.copytree(self.upstream.keys, self.keys, dirs_exist_ok=True)

    def config(self) -> dict:
        cfg = super().config()
        cfg["backends"] = [{
            "name": "upstream", "type": "s3", "endpoint": self.upstream.s3_url, "region": "us-east-1",
            "buckets": ["*"],
            "webIdentity": {"stsEndpoint": self.sts_endpoint, "roleArn": ROLE_PROXY, "tokenFile": "proxy-token",
                            "sessionName": SESSION_NAME, "durationSeconds": 900, "refreshBeforeExpirySeconds": 895},
        }]
        if self.anonymous:
            del cfg["backends"][0]["webIdentity"]
            cfg["backends"][0]["anonymous"] = True
        return cfg

    def write_token(self, token: str) -> None:
        # As the kubelet does: a new file renamed over the old one.
        tmp = self.root / ".proxy-token.tmp"
        tmp.write_text(token + "\n")
        os.replace(tmp, self.token_file)

    def start(self, timeout: float = 60.0) -> "FrontDeployment":
        self.root.mkdir(parents=True, exist_ok=True)
        self.keygen()
        self.write_policies()
        self.write_config()
        if not self.token_file.exists():
            self.write_token("not-yet-a-token")
        self.s3 = self._spawn("S3Server")
        try:
            self._wait_ready(self.s3, f"{self.admin_url}/readyz", time.monotonic() + timeout)
        except Exception:
            self.stop()
            raise
        return self

    def log_text(self) -> str:
        return self.s3.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def upstream(tmp_path_factory, issuer):
    dep = BackendDeployment(tmp_path_factory.mktemp("wi-backend"), issuer).start()
    yield dep
    dep.stop()


@pytest.fixture(scope="module")
def front(tmp_path_factory, issuer, upstream):
    root = tmp_path_factory.mktemp("wi-front")
    dep = FrontDeployment(root, issuer, upstream, upstream.sts_url)
    root.mkdir(parents=True, exist_ok=True)
    dep.write_token(issuer.mint(sub="proxy-a", ttl=3600))
    dep.start()
    yield dep
    dep.stop()


@pytest.fixture(scope="module")
def client_creds(upstream, issuer):
    """e2e-rw credentials, from the backend deployment's STSServer; both S3Servers accept them."""
    return assume(upstream, issuer.mint(sub="user-1"), session="wi-client", duration=3600)["Credentials"]


@pytest.fixture(scope="module")
def client(front, client_creds):
    return s3_client(front, client_creds)


@pytest.fixture(scope="module")
def chain_bucket(client):
    name = "e2e-web-identity-chain"
    client.create_bucket(Bucket=name)
    return name


def until(predicate, what: str, timeout: float = 40.0, interval: float = 0.5):
    """Polls `predicate` (which may make requests) until it returns a true value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout} s: {what}")


def put_status(client, bucket: str, key: str) -> int:
    try:
        return client.put_object(Bucket=bucket, Key=key, Body=b"x")["ResponseMetadata"]["HTTPStatusCode"]
    except ClientError as e:
        return client_error_status(e)


def client_error_status(e: ClientError) -> int:
    return e.response["ResponseMetadata"]["HTTPStatusCode"]


def test_objects_round_trip_through_the_chain(client, chain_bucket, upstream):
    body = os.urandom(256 * 1024)
    client.put_object(Bucket=chain_bucket, Key="proxy-a/data.bin", Body=body)
    assert client.get_object(Bucket=chain_bucket, Key="proxy-a/data.bin")["Body"].read() == body
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=chain_bucket, Prefix="proxy-a/")["Contents"]]
    assert "proxy-a/data.bin" in keys
    # It really is stored by the backend S3Server (its filesystem backend), not at the front.
    assert (upstream.data / chain_bucket).is_dir()
    assert chain_bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]


def test_backend_authorises_the_assumed_role_session(client, chain_bucket, upstream, front):
    # e2e-rw (the client's role) allows this write; the proxy role does not, and the backend says so.
    with pytest.raises(ClientError) as ei:
        client.put_object(Bucket=chain_bucket, Key="elsewhere/x", Body=b"x")
    assert client_error(ei) == (403, "AccessDenied")
    log = upstream.s3.log_path.read_text(errors="replace")
    principal = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/e2e-proxy/{SESSION_NAME}"
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{") and principal in line]
    assert any(line.get("operation") == "PutObject" and str(line.get("status")) == "403" for line in lines), principal
    assert any(line.get("operation") == "PutObject" and str(line.get("status")) == "200" for line in lines)
    assert "backend credentials refreshed" in front.log_text()


def test_refresh_rereads_the_rotated_token_file(client, chain_bucket, front, issuer):
    assert put_status(client, chain_bucket, "proxy-a/before") == 200
    assert put_status(client, chain_bucket, "proxy-b/before") == 403
    front.write_token(issuer.mint(sub="proxy-b", ttl=3600))
    # The credentials are due 5 s after issue; the next request starts a refresh with the new
    # token, and once it lands the writable folder has moved.
    until(lambda: put_status(client, chain_bucket, "proxy-b/after") == 200, "writes as proxy-b")
    assert put_status(client, chain_bucket, "proxy-a/after") == 403
    assert client.get_object(Bucket=chain_bucket, Key="proxy-b/after")["Body"].read() == b"x"


def test_failed_refresh_keeps_the_previous_credentials(client, chain_bucket, front, issuer):
    good = issuer.mint(sub="proxy-c", ttl=3600)
    front.write_token(good)
    until(lambda: put_status(client, chain_bucket, "proxy-c/ok") == 200, "writes as proxy-c")
    failures_before = front.log_text().count("backend credentials refresh failed")
    expired = issuer.mint(sub="proxy-d", exp=int(time.time()) - 3600)
    front.write_token(expired)

    def refresh_failed():
        client.head_bucket(Bucket=chain_bucket)
        return front.log_text().count("backend credentials refresh failed") > failures_before

    until(refresh_failed, "a failed refresh in the log")
    # STS refused the expired token, and the proxy goes on with proxy-c's credentials.
    assert put_status(client, chain_bucket, "proxy-c/still") == 200
    assert put_status(client, chain_bucket, "proxy-d/never") == 403
    log = front.log_text()
    failure = [json.loads(line) for line in log.splitlines() if "backend credentials refresh failed" in line][-1]
    assert "using_previous_until" in failure
    assert "ExpiredTokenException" in failure["error"], failure
    for token in (good, expired):
        assert token not in log and token.split(".")[2] not in log


def test_no_valid_credentials_answers_service_unavailable(tmp_path, issuer, upstream, client_creds):
    closed_port = free_ports(1)[0]
    dead = FrontDeployment(tmp_path / "dead", issuer, upstream, f"http://127.0.0.1:{closed_port}")
    (tmp_path / "dead").mkdir()
    dead.write_token(issuer.mint(sub="proxy-a", ttl=3600))
    dead.start()
    try:
        s3 = s3_client(dead, client_creds)
        with pytest.raises(ClientError) as ei:
            s3.list_objects_v2(Bucket="e2e-web-identity-chain")
        assert client_error(ei) == (503, "ServiceUnavailable")
        assert "STS unreachable" in dead.log_text()
    finally:
        dead.stop()


def test_anonymous_backend_sends_unsigned_requests(tmp_path, issuer, upstream, client_creds, chain_bucket):
    anonymous = FrontDeployment(tmp_path / "anonymous", issuer, upstream, upstream.sts_url, anonymous=True)
    (tmp_path / "anonymous").mkdir()
    anonymous.start()
    try:
        # The backend S3Server refuses an unsigned request as AWS does (AccessDenied, not a
        # signature error): the front sent it without any credentials.
        with pytest.raises(ClientError) as ei:
            s3_client(anonymous, client_creds).get_object(Bucket=chain_bucket, Key="proxy-a/data.bin")
        assert client_error(ei) == (403, "AccessDenied")
        log = [json.loads(line) for line in upstream.s3.log_path.read_text(errors="replace").splitlines()
               if line.startswith("{") and '"msg":"request"' in line]
        last = log[-1]
        # Refused at authentication: no principal, never classified.
        assert last["target"] == f"/{chain_bucket}/proxy-a/data.bin" and last["operation"] == "Unknown", last
        assert str(last["status"]) == "403" and "principal" not in last, last
    finally:
        anonymous.stop()
