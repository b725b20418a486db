"""ListBuckets across backends, showing each caller only the buckets it could list.

One deployment with two filesystem backends, `team` for `lb-team-*` and `rest` for every other
bucket, and an anonymous `s3` backend `gone` where nothing listens. The answer merges `team` and
`rest` (sorted) and leaves `gone` out (logged); a bucket that `rest` holds on disk but the router
sends to `team` is not shown (it is not `rest`'s to serve). Callers need
`s3:ListAllMyBuckets`; a bucket is then shown when some `s3:ListBucket` on it could be allowed,
so a home-folder user whose ListBucket carries an `s3:prefix` condition still sees the bucket.
Real clients: boto3 list_buckets and `aws s3 ls`.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_RW, Deployment, aws_cli, cli_env, client_error, s3_client, sts_client
from seaweedfs import free_ports

TEAM = ["lb-team-a", "lb-team-b"]
REST = ["lb-home", "lb-other"]
GHOST = "lb-team-ghost"  # on the `rest` disk, but routed to `team`


class TwoBackendDeployment(Deployment):
    def config(self) -> dict:
        cfg = super().config()
        (self.root / "team").mkdir(parents=True, exist_ok=True)
        (self.root / "rest").mkdir(parents=True, exist_ok=True)
        cfg["backends"] = [
            {"name": "team", "type": "filesystem", "path": "team", "buckets": ["lb-team-*"]},
            # An unsigned s3 backend on a port where nothing listens: its listing always fails.
            {"name": "gone", "type": "s3", "endpoint": f"http://127.0.0.1:{free_ports(1)[0]}", "anonymous": True, "connectTimeoutSeconds": 1,
             "buckets": ["lb-gone-*"]},
            {"name": "rest", "type": "filesystem", "path": "rest", "buckets": ["*"]},
        ]
        return cfg


@pytest.fixture(scope="module")
def dep(tmp_path_factory, issuer):
    deployment = TwoBackendDeployment(tmp_path_factory.mktemp("list-buckets"), issuer).start()
    yield deployment
    deployment.stop()


def session(dep, issuer, policy: dict | None, username: str = "alice") -> dict[str, str]:
    kw = {"Policy": json.dumps(policy)} if policy else {}
    token = issuer.mint(sub=f"user-{username}", extra_claims={"preferred_username": username})
    return sts_client(dep).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName=username, WebIdentityToken=token, **kw)["Credentials"]


@pytest.fixture(scope="module")
def admin(dep, issuer):
    creds = session(dep, issuer, None, "admin")
    s3 = s3_client(dep, creds)
    for name in TEAM + REST:
        s3.create_bucket(Bucket=name)
    s3.put_object(Bucket="lb-home", Key="home/alice/a.txt", Body=b"a")
    # A bucket directory in the wrong backend's folder: that backend lists it, the router does not
    # send it there.
    (dep.root / "rest" / GHOST / "objects").mkdir(parents=True)
    return s3


RESTRICTED = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::lb-team-*", "arn:aws:s3:::lb-team-*/*"]},
    {"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::lb-team-b"},
]}
HOME = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::lb-home",
     "Condition": {"StringLike": {"s3:prefix": ["home/${jwt:preferred_username}/*", "home/${jwt:preferred_username}/"]}}},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::lb-home/home/${jwt:preferred_username}/*"},
]}
NO_LIST_ALL = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
]}


def names(s3) -> list[str]:
    return [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("lb-")]


def test_merged_sorted_and_routed(dep, admin):
    assert names(admin) == sorted(TEAM + REST)
    assert GHOST not in names(admin)


def test_restricted_role_sees_only_what_it_may_list(dep, issuer, admin, tmp_path):
    creds = session(dep, issuer, RESTRICTED)
    assert names(s3_client(dep, creds)) == ["lb-team-a"]
    out = aws_cli(["--endpoint-url", dep.s3_url, "s3", "ls"], cli_env(creds)).stdout
    assert [line.split()[-1] for line in out.splitlines()] == ["lb-team-a"]


def test_home_folder_user_still_sees_the_home_bucket(dep, issuer, admin):
    creds = session(dep, issuer, HOME)
    s3 = s3_client(dep, creds)
    assert names(s3) == ["lb-home"]
    out = aws_cli(["--endpoint-url", dep.s3_url, "s3", "ls"], cli_env(creds)).stdout
    assert [line.split()[-1] for line in out.splitlines()] == ["lb-home"]
    # The listing that shows the bucket grants nothing more: the home folder lists, the root does not.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="lb-home", Prefix="home/alice/")["Contents"]] == ["home/alice/a.txt"]
    with pytest.raises(ClientError) as ei:
        s3.list_objects_v2(Bucket="lb-home")
    assert client_error(ei) == (403, "AccessDenied")


def test_without_list_all_my_buckets_access_denied(dep, issuer, admin):
    creds = session(dep, issuer, NO_LIST_ALL)
    with pytest.raises(ClientError) as ei:
        s3_client(dep, creds).list_buckets()
    assert client_error(ei) == (403, "AccessDenied")
    denied = aws_cli(["--endpoint-url", dep.s3_url, "s3", "ls"], cli_env(creds), check=False)
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr


def test_an_unreachable_backend_is_left_out_and_logged(dep, admin):
    # `gone` is asked on every listing and fails (connection refused); the others still answer.
    assert names(admin) == sorted(TEAM + REST)
    log = [json.loads(line) for line in dep.s3.log_path.read_text(errors="replace").splitlines() if line.startswith("{")]
    assert any(line["msg"] == "backend left out of ListBuckets" and line.get("backend") == "gone" for line in log)
