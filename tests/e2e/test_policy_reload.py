"""Policies are reloaded while the servers run: an edited file takes effect within seconds, a broken
one leaves the previous policies in force (and says so in the log), SIGHUP forces a reload; and
`S3Server explain` gives the server's own decision offline, with the statement behind it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_RW, Deployment, assume, binary, s3_client


def wait_for(predicate, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def log_text(server) -> str:
    return server.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def dep(tmp_path_factory, issuer):
    deployment = Deployment(tmp_path_factory.mktemp("reload"), issuer).start()
    yield deployment
    deployment.stop()


def s3_rw(dep) -> dict:
    return json.loads((dep.policies / "s3-rw.json").read_text())


def write_policy(dep, name: str, doc) -> None:
    # Written to a temp file and renamed, as editors and config management do.
    tmp = dep.policies / f".{name}.tmp"
    tmp.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    os.replace(tmp, dep.policies / name)


def get_status(s3, bucket: str, key: str) -> int:
    try:
        s3.get_object(Bucket=bucket, Key=key)
        return 200
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"]


def test_edits_apply_and_broken_files_keep_the_previous_policies(dep, issuer):
    creds = assume(dep, issuer.mint(sub="reload"), session="reload")["Credentials"]
    s3 = s3_client(dep, creds)
    s3.create_bucket(Bucket="reload")
    s3.put_object(Bucket="reload", Key="k", Body=b"v")
    original = s3_rw(dep)

    denied = dict(original, Statement=original["Statement"] + [
        {"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reload/*"}])
    write_policy(dep, "s3-rw.json", denied)
    wait_for(lambda: get_status(s3, "reload", "k") == 403, what="the new Deny to apply")
    assert "policies reloaded" in log_text(dep.s3)

    write_policy(dep, "s3-rw.json", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Acton": "s3:*"}]}')
    wait_for(lambda: "policy reload failed" in log_text(dep.s3), what="the broken file to be reported")
    failure = next(line for line in log_text(dep.s3).splitlines() if "policy reload failed" in line)
    assert "s3-rw.json" in failure
    # The previous policies (with the Deny) stay in force: reads denied, writes still allowed.
    assert get_status(s3, "reload", "k") == 403
    s3.put_object(Bucket="reload", Key="k2", Body=b"v")

    write_policy(dep, "s3-rw.json", original)
    wait_for(lambda: get_status(s3, "reload", "k") == 200, what="the original policy to return")


def test_trust_policy_edits_apply_to_sts(dep, issuer):
    original = (dep.policies / "trust-rw.json").read_text()
    doc = json.loads(original)
    condition = doc["Statement"][0]["Condition"]["StringEquals"]
    host = next(k for k in condition if k.endswith(":aud")).rsplit(":", 1)[0]
    condition[f"{host}:sub"] = "somebody-else"
    write_policy(dep, "trust-rw.json", doc)

    def refused() -> bool:
        try:
            assume(dep, issuer.mint(sub="reload-trust"), session="trust")
            return False
        except ClientError as e:
            return e.response["Error"]["Code"] == "AccessDenied"
    try:
        wait_for(refused, what="STS to apply the stricter trust policy")
    finally:
        write_policy(dep, "trust-rw.json", original)
    wait_for(lambda: not refused(), what="STS to apply the original trust policy")


def test_sighup_forces_a_reload_and_nothing_else(dep):
    before_s3 = log_text(dep.s3).count("policies reloaded")
    before_sts = log_text(dep.sts).count("policies reloaded")
    os.kill(dep.s3.proc.pid, signal.SIGHUP)
    os.kill(dep.sts.proc.pid, signal.SIGHUP)
    wait_for(lambda: log_text(dep.s3).count("policies reloaded") > before_s3, what="S3Server to reload on SIGHUP")
    wait_for(lambda: log_text(dep.sts).count("policies reloaded") > before_sts, what="STSServer to reload on SIGHUP")
    time.sleep(0.5)
    assert dep.s3.proc.poll() is None and dep.sts.proc.poll() is None, "SIGHUP must not stop a server"


def explain(dep, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary("S3Server")), "explain", "--config", str(dep.config_path), "--role", ROLE_RW, *args],
                          capture_output=True, text=True, timeout=60, cwd=dep.root)


def test_explain_names_the_deciding_statement(dep):
    allowed = explain(dep, "--request", "GET /reports/q1.csv")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "operation: GetObject" in allowed.stdout
    assert 'allowed by policies/s3-rw.json: Statement[0] (Sid "AllS3")' in allowed.stdout

    denied = explain(dep, "--request", "PUT /reports/readonly/x.csv")
    assert denied.returncode == 1, denied.stdout + denied.stderr
    assert "DENY (explicit)" in denied.stdout and 'Sid "ReadOnlyPrefix"' in denied.stdout

    session = dep.root / "session-policy.json"
    session.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    narrowed = explain(dep, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::reports/q1.csv",
                       "--session-policy", str(session))
    assert narrowed.returncode == 1 and "session policies allows s3:GetObject" in narrowed.stdout, narrowed.stdout

    bad = explain(dep, "--request", "GET /reports/q1.csv", "--action", "s3:GetObject")
    assert bad.returncode not in (0, 1)


def test_explain_policy_files_without_a_configuration():
    home = str(Path(__file__).resolve().parents[2] / "policies" / "home-prefix.json")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(binary("S3Server")), "explain", "--policy", home, *args],
                              capture_output=True, text=True, timeout=60)

    own = run("--subject", "alice", "--request", "GET /home/alice/notes.txt")
    assert own.returncode == 0 and 'Sid "ReadWriteOwnObjects"' in own.stdout, own.stdout + own.stderr
    other = run("--subject", "bob", "--request", "GET /home/alice/notes.txt")
    assert other.returncode == 1 and "DENY (implicit" in other.stdout, other.stdout
    listing = run("--claim", "sub=alice", "--request", "GET /home?list-type=2&prefix=alice/")
    assert listing.returncode == 0 and 'Sid "ListOwnPrefix"' in listing.stdout, listing.stdout
