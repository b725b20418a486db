"""STSServer: AssumeRoleWithWebIdentity through aws-cli, boto3 and raw HTTP, and its errors."""

from __future__ import annotations

import json
import re
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
import requests

from portcullis import (ACCOUNT_ID, AUDIENCE, DEV_AUDIENCE, ROLE_ALICE, ROLE_DEV, ROLE_MISSING, ROLE_RW,
                        ROLE_RW_MAX, STS_NS, assume, aws_cli, cli_env, describe, xml_error)

AKID_RE = re.compile(r"^ASIA[A-Z2-7]{16}$")


def role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def sts_post(dep, **params) -> requests.Response:
    form = {"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", **params}
    return requests.post(f"{dep.sts_url}/", data=form, timeout=30,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})


def sts_get(dep, **params) -> requests.Response:
    q = {"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", **params}
    return requests.get(f"{dep.sts_url}/", params=q, timeout=30)


def parse_success(resp: requests.Response) -> dict[str, str]:
    assert resp.status_code == 200, f"{describe(resp)}\nexpected 200, got {resp.status_code}: {resp.text}"
    root = ET.fromstring(resp.content)
    assert root.tag == f"{STS_NS}AssumeRoleWithWebIdentityResponse", root.tag
    res = root.find(f"{STS_NS}AssumeRoleWithWebIdentityResult")
    assert res is not None, resp.text
    out = {}
    for path in ("Credentials/AccessKeyId", "Credentials/SecretAccessKey", "Credentials/SessionToken",
                 "Credentials/Expiration", "AssumedRoleUser/Arn", "AssumedRoleUser/AssumedRoleId",
                 "SubjectFromWebIdentityToken", "Provider", "Audience"):
        el = res.find("/".join(f"{STS_NS}{p}" for p in path.split("/")))
        assert el is not None and el.text, f"missing {path} in {resp.text}"
        out[path.split("/")[-1]] = el.text
    rid = root.find(f"{STS_NS}ResponseMetadata/{STS_NS}RequestId")
    assert rid is not None and rid.text, f"missing ResponseMetadata/RequestId in {resp.text}"
    return out


def assert_sts_error(resp: requests.Response, status: int, code: str) -> dict[str, str]:
    assert resp.status_code == status, f"{describe(resp)}\nexpected {status} {code}, got {resp.status_code}: {resp.text}"
    root = ET.fromstring(resp.content)
    assert root.tag == f"{STS_NS}ErrorResponse", f"expected <ErrorResponse>, got {root.tag}: {resp.text}"
    err = xml_error(resp.content)
    assert err.get("Type") == "Sender", resp.text
    assert err.get("Code") == code, f"{describe(resp)}\nexpected {code}, got {err.get('Code')}: {err.get('Message')}"
    assert err.get("Message"), resp.text
    assert root.find(f"{STS_NS}RequestId") is not None, f"RequestId must be a child of ErrorResponse: {resp.text}"
    return err


def parse_time(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp()


# -- aws-cli ----------------------------------------------------------------------------------------

def test_aws_cli_assume_role_with_web_identity(fs_deployment, issuer, tmp_path):
    dep = fs_deployment
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(sub="cli-user") + "\n")  # like `echo`: trailing newline
    duration = 1800
    t0 = time.time()
    p = aws_cli(["sts", "assume-role-with-web-identity", "--endpoint-url", dep.sts_url,
                 "--role-arn", ROLE_RW, "--role-session-name", "cli-session",
                 "--web-identity-token", f"file://{token_file}", "--duration-seconds", str(duration),
                 "--output", "json"], env=cli_env())
    out = json.loads(p.stdout)
    c = out["Credentials"]
    assert AKID_RE.match(c["AccessKeyId"]), c["AccessKeyId"]
    assert len(c["SecretAccessKey"]) == 40
    assert c["SessionToken"].count(".") == 2
    assert abs(parse_time(c["Expiration"]) - (t0 + duration)) < 60, (c["Expiration"], t0 + duration)
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name(ROLE_RW)}/cli-session"
    assert out["AssumedRoleUser"]["AssumedRoleId"].endswith(":cli-session")
    assert out["SubjectFromWebIdentityToken"] == "cli-user"
    assert out["Provider"] == issuer.issuer
    assert out["Audience"] == AUDIENCE


def test_aws_cli_sts_endpoint_from_environment(fs_deployment, issuer, tmp_path):
    """aws-cli v1 honours AWS_ENDPOINT_URL_STS (no --endpoint-url)."""
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(sub="env-user", alg="ES256") + "\n")
    p = aws_cli(["sts", "assume-role-with-web-identity", "--role-arn", ROLE_RW,
                 "--role-session-name", "env-session", "--web-identity-token", f"file://{token_file}",
                 "--output", "json"], env=cli_env(AWS_ENDPOINT_URL_STS=fs_deployment.sts_url))
    out = json.loads(p.stdout)
    assert AKID_RE.match(out["Credentials"]["AccessKeyId"])
    assert out["SubjectFromWebIdentityToken"] == "env-user"


def _big_tags() -> dict:
    return {"https://aws.amazon.com/tags": {"principal_tags": {f"{i:02d}" + "k" * 126: ["v" * 256] for i in range(10)}}}


@pytest.mark.parametrize("token_kw, extra, code", [
    ({"aud": "not-our-audience"}, [], "InvalidIdentityToken"),
    ({"exp": 1_000_000_000, "iat": 999_999_000, "nbf": None}, [], "ExpiredTokenException"),
    ({}, ["--duration-seconds", "43200"], "ValidationError"),  # over the role's maximum
    ({}, ["--policy", "{not json"], "MalformedPolicyDocument"),
    ({"extra_claims": _big_tags()}, [], "PackedPolicyTooLarge"),
    ({"extra_claims": {"https://aws.amazon.com/tags": {"principal_tags": {f"k{i}": ["v"] for i in range(51)}}}}, [],
     "ValidationError"),
    ({}, ["--role-arn", ROLE_MISSING], "AccessDenied"),
], ids=["audience", "expired", "duration", "policy", "packed-tags", "too-many-tags", "unknown-role"])
def test_aws_cli_reports_each_sts_error(fs_deployment, issuer, tmp_path, token_kw, extra, code):
    """aws-cli shows every AssumeRoleWithWebIdentity error by its code (and exits non-zero)."""
    token_file = tmp_path / "token.jwt"
    token_file.write_text(issuer.mint(**token_kw))
    role = [] if "--role-arn" in extra else ["--role-arn", ROLE_RW]
    p = aws_cli(["sts", "assume-role-with-web-identity", "--endpoint-url", fs_deployment.sts_url,
                 *role, "--role-session-name", "s1", "--web-identity-token", f"file://{token_file}", *extra],
                env=cli_env(), check=False)
    assert p.returncode != 0
    assert f"({code})" in p.stderr, p.stderr


# -- raw HTTP: success --------------------------------------------------------------------------------

@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_raw_post_success(fs_deployment, issuer, alg):
    t0 = time.time()
    r = sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="raw-post", WebIdentityToken=issuer.mint(sub="u-post", alg=alg),
                 DurationSeconds="900")
    out = parse_success(r)
    assert AKID_RE.match(out["AccessKeyId"])
    assert len(out["SecretAccessKey"]) == 40
    assert abs(parse_time(out["Expiration"]) - (t0 + 900)) < 60
    assert out["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/e2e-rw/raw-post"
    assert out["SubjectFromWebIdentityToken"] == "u-post"
    assert out["Audience"] == AUDIENCE
    assert out["Provider"] == issuer.issuer


def test_raw_get_success_default_duration(fs_deployment, issuer):
    t0 = time.time()
    r = sts_get(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="raw-get", WebIdentityToken=issuer.mint(sub="u-get"))
    out = parse_success(r)
    assert out["SubjectFromWebIdentityToken"] == "u-get"
    assert out["Arn"].endswith("/e2e-rw/raw-get")
    assert abs(parse_time(out["Expiration"]) - (t0 + 3600)) < 60, "default DurationSeconds is 3600"


def test_each_call_gets_fresh_credentials(fs_deployment, issuer):
    tok = issuer.mint(sub="same")
    a = parse_success(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1", WebIdentityToken=tok))
    b = parse_success(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1", WebIdentityToken=tok))
    assert a["AccessKeyId"] != b["AccessKeyId"]
    assert a["SecretAccessKey"] != b["SecretAccessKey"]


def test_trust_policy_sub_condition_satisfied(fs_deployment, issuer):
    out = parse_success(sts_post(fs_deployment, RoleArn=ROLE_ALICE, RoleSessionName="alice",
                                 WebIdentityToken=issuer.mint(sub="alice")))
    assert out["Arn"].endswith("/e2e-alice-only/alice")


def test_duration_equal_to_role_max_is_allowed(fs_deployment, issuer):
    t0 = time.time()
    out = parse_success(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="max",
                                 WebIdentityToken=issuer.mint(), DurationSeconds=str(ROLE_RW_MAX)))
    assert abs(parse_time(out["Expiration"]) - (t0 + ROLE_RW_MAX)) < 60


# -- raw HTTP: errors ---------------------------------------------------------------------------------

def test_wrong_audience(fs_deployment, issuer):
    assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1",
                              WebIdentityToken=issuer.mint(aud="someone-else")), 400, "InvalidIdentityToken")


def test_expired_oidc_token(fs_deployment, issuer):
    now = int(time.time())
    tok = issuer.mint(iat=now - 3600, nbf=now - 3600, exp=now - 600)
    assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1", WebIdentityToken=tok),
                     400, "ExpiredTokenException")


@pytest.mark.parametrize("kind", ["alg-none", "hs256-confusion", "unknown-kid", "wrong-iss", "tampered",
                                  "not-yet-valid", "garbage"])
def test_invalid_identity_tokens(fs_deployment, issuer, kind):
    tok = {
        "alg-none": lambda: issuer.mint(alg="none"),
        "hs256-confusion": lambda: issuer.mint(alg="HS256-confusion"),
        "unknown-kid": lambda: issuer.mint(kid="no-such-key"),
        "wrong-iss": lambda: issuer.mint(iss="http://127.0.0.1:9/not-registered"),
        "tampered": lambda: issuer.tamper(issuer.mint(sub="bob"), sub="alice"),
        "not-yet-valid": lambda: issuer.mint(nbf=int(time.time()) + 3600, iat=int(time.time()) + 3600,
                                             exp=int(time.time()) + 7200),
        "garbage": lambda: "not-a-jwt",
    }[kind]()
    assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1", WebIdentityToken=tok),
                     400, "InvalidIdentityToken")


def test_trust_policy_sub_mismatch_is_access_denied(fs_deployment, issuer):
    assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_ALICE, RoleSessionName="s1",
                              WebIdentityToken=issuer.mint(sub="bob")), 403, "AccessDenied")


def test_unknown_role_is_access_denied(fs_deployment, issuer):
    err = assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_MISSING, RoleSessionName="s1",
                                    WebIdentityToken=issuer.mint()), 403, "AccessDenied")
    assert "sts:AssumeRoleWithWebIdentity" in err["Message"], err


@pytest.mark.parametrize("duration", ["899", str(ROLE_RW_MAX + 1), "43201"])
def test_duration_out_of_range(fs_deployment, issuer, duration):
    assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1", WebIdentityToken=issuer.mint(),
                              DurationSeconds=duration), 400, "ValidationError")


@pytest.mark.parametrize("session", ["x", "a" * 65, "bad/name"])
def test_invalid_role_session_name(fs_deployment, issuer, session):
    assert_sts_error(sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName=session,
                              WebIdentityToken=issuer.mint()), 400, "ValidationError")


def test_missing_token_parameter(fs_deployment):
    r = sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="s1")
    assert r.status_code == 400, r.text
    assert xml_error(r.content)["Code"] in ("MissingParameter", "ValidationError"), r.text


def test_boto3_error_codes(fs_deployment, issuer):
    """botocore parses the error shape into ClientError codes the way SDK users see them."""
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer.mint(ttl=-300))
    assert ei.value.response["Error"]["Code"] == "ExpiredTokenException"
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer.mint(sub="bob"), role=ROLE_ALICE)
    assert ei.value.response["Error"]["Code"] == "AccessDenied"
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


# -- dev issuer and operational endpoints ------------------------------------------------------------

def test_dev_issuer_token(fs_deployment):
    dep = fs_deployment
    d = requests.get(f"{dep.dev_issuer_url}/.well-known/openid-configuration", timeout=10)
    assert d.status_code == 200, d.text
    assert d.json()["issuer"] == dep.dev_issuer_url
    jwks = requests.get(d.json()["jwks_uri"], timeout=10)
    assert jwks.status_code == 200 and jwks.json()["keys"], jwks.text
    p = dep.run_cli("dev-token", "--config", str(dep.config_path), "--subject", "dev-user", "--ttl", "300")
    token = p.stdout.strip()
    assert token.count(".") == 2, p.stdout
    out = parse_success(sts_post(dep, RoleArn=ROLE_DEV, RoleSessionName="dev", WebIdentityToken=token))
    assert out["SubjectFromWebIdentityToken"] == "dev-user"
    assert out["Provider"] == dep.dev_issuer_url
    assert out["Audience"] == DEV_AUDIENCE


def test_health_ready_metrics(fs_deployment, issuer):
    dep = fs_deployment
    # Serve one request on each server first, so that request metrics exist.
    parse_success(sts_post(dep, RoleArn=ROLE_RW, RoleSessionName="metrics", WebIdentityToken=issuer.mint()))
    requests.get(f"{dep.s3_url}/", timeout=10)
    for base in (dep.sts_url, dep.admin_url):
        for path in ("/healthz", "/readyz"):
            r = requests.get(base + path, timeout=10)
            assert r.status_code == 200, f"GET {base}{path}: {r.status_code} {r.text}"
        m = requests.get(base + "/metrics", timeout=10)
        assert m.status_code == 200, f"GET {base}/metrics: {m.status_code} {m.text[:300]}"
        assert "# TYPE" in m.text, m.text[:500]


def test_request_metrics_label_only_known_actions(fs_deployment, issuer):
    """The STS request counter is labelled by action; an action of the client's invention is
    counted as "Unknown", so clients cannot mint time series at will."""
    dep = fs_deployment
    invented = "NoSuchAction" + uuid.uuid4().hex[:8]
    parse_success(sts_post(dep, RoleArn=ROLE_RW, RoleSessionName="metrics", WebIdentityToken=issuer.mint()))
    assert sts_post(dep, Action=invented).status_code == 400
    text = requests.get(f"{dep.sts_url}/metrics", timeout=10).text
    counters = [line for line in text.splitlines() if line.startswith("portcullis_sts_requests_total{")]
    assert any('action="AssumeRoleWithWebIdentity"' in c and 'status="200"' in c for c in counters), counters
    assert any('action="Unknown"' in c and 'status="400"' in c for c in counters), counters
    assert invented not in text
    requests.get(f"{dep.s3_url}/", timeout=10)
    s3_text = requests.get(f"{dep.admin_url}/metrics", timeout=10).text
    assert any(line.startswith("portcullis_s3_requests_total{") for line in s3_text.splitlines()), s3_text[:500]


def _b64(data: bytes) -> str:
    import base64
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _fuzzed_tokens(issuer) -> list[str]:
    import random
    rng = random.Random(20261201)
    good = issuer.mint(sub="fuzz")
    h, p, s = good.split(".")
    tokens = [
        _b64(rng.randbytes(300)),                                              # one segment of noise
        ".".join(_b64(rng.randbytes(rng.randint(1, 400))) for _ in range(3)),  # three segments of noise
        _b64(b"{" * 4000) + "." + p + "." + s,                                 # unbalanced header
        _b64(b'{"alg":' + b"[" * 5000 + b"]" * 5000 + b"}") + "." + p + "." + s,  # deeply nested header
        h + "." + _b64(b'{"a":' * 3000 + b"1" + b"}" * 3000) + "." + s,       # deeply nested payload
        _b64(b'{"alg":"RS256","kid":"' + b"k" * 14000 + b'"}') + "." + p + "." + s,  # huge header
        h + "." + p + "." + s[:-4] + "AAAA",                                  # wrong signature
        h + "." + p,                                                           # two segments
        good + ".extra",                                                       # four segments
    ]
    for _ in range(20):  # the valid token with random bytes flipped
        raw = bytearray(good.encode())
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(raw))
            raw[i] = rng.choice([c for c in b"ABCxyz019-_.=+/ " if c != raw[i]])
        tokens.append(raw.decode())
    return tokens


def test_fuzzed_tokens_always_get_an_sts_error(fs_deployment, issuer):
    """Random and hostile tokens never crash STSServer or succeed: each gets a 400 STS error."""
    for token in _fuzzed_tokens(issuer):
        resp = sts_post(fs_deployment, RoleArn=ROLE_RW, RoleSessionName="fuzz", WebIdentityToken=token)
        if resp.status_code == 200:
            pytest.fail(f"fuzzed token accepted: {token[:80]}")
        err = assert_sts_error(resp, 400, xml_error(resp.content).get("Code"))
        assert err["Code"] in ("InvalidIdentityToken", "ValidationError", "ExpiredTokenException"), err
    assert requests.get(f"{fs_deployment.sts_url}/healthz", timeout=5).status_code == 200
