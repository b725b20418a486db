"""Provider options beyond the defaults, through boto3 against a deployment of their own:

* a provider with an explicit shared secret accepts HS256 tokens (and nothing else signs them);
* `sessionClaims` chooses which claims a session carries for ${jwt:*};
* an issuer that rotates its signing key mid-run: the new `kid` is picked up by one refetch,
  tokens of the retired key stop working, a flood of unknown kids costs at most one download per
  `keyRefreshCooldownSeconds`, and sessions issued before the rotation keep working."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from botocore.exceptions import ClientError

from oidc_issuer import OIDCIssuer
from portcullis import ACCOUNT_ID, AUDIENCE, Deployment, assume, s3_client, sts_with

HS_ISSUER = "https://hs.issuer.test"
HS_SECRET = "an HS256 shared secret that is at least 32 bytes long"
ROLE_HS = f"arn:aws:iam::{ACCOUNT_ID}:role/e2e-hs"
COOLDOWN = 2


class ProvidersDeployment(Deployment):
    def write_policies(self) -> None:
        super().write_policies()
        host = HS_ISSUER.split("://", 1)[1]
        (self.policies / "trust-hs.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {f"{host}:aud": "hs-client"}}}]}))

    def config(self) -> dict:
        cfg = super().config()
        test = cfg["providers"][0]
        test["keyRefreshCooldownSeconds"] = COOLDOWN
        test["sessionClaims"] = ["email", "groups"]
        cfg["providers"].append({"name": "hs", "issuer": HS_ISSUER, "audiences": ["hs-client"], "algorithms": ["HS256"],
                                 "sharedSecret": {"value": HS_SECRET}})
        cfg["roles"].append({"arn": ROLE_HS, "trustPolicy": "policies/trust-hs.json", "policies": ["policies/s3-rw.json"]})
        return cfg


@pytest.fixture(scope="module")
def own_issuer():
    iss = OIDCIssuer().start()
    yield iss
    iss.stop()


@pytest.fixture(scope="module")
def dep(tmp_path_factory, own_issuer):
    deployment = ProvidersDeployment(tmp_path_factory.mktemp("providers"), own_issuer).start()
    yield deployment
    deployment.stop()


def hs_token(secret: str = HS_SECRET, alg: str = "HS256", **claims) -> str:
    now = int(time.time())
    body = {"iss": HS_ISSUER, "sub": "ci-job", "aud": "hs-client", "iat": now, "exp": now + 300, **claims}
    return OIDCIssuer._hmac_sign({"alg": alg, "typ": "JWT"}, body, secret.encode(), alg)


def session_payload(creds: dict) -> dict:
    part = creds["SessionToken"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def sts_error(ei) -> tuple[int, str, str]:
    r = ei.value.response
    return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], r["Error"]["Message"]


def test_shared_secret_provider_accepts_hs256(dep):
    resp = assume(dep, hs_token(), role=ROLE_HS)
    assert resp["SubjectFromWebIdentityToken"] == "ci-job"
    assert resp["Provider"] == HS_ISSUER
    # The session works at S3 like any other.
    s3_client(dep, resp["Credentials"]).list_buckets()


@pytest.mark.parametrize("token", [
    hs_token(secret="a different secret, also 32 bytes or more"),
    hs_token(alg="HS512"),
], ids=["wrong-secret", "unlisted-hs512"])
def test_shared_secret_provider_refuses_other_signatures(dep, token):
    with pytest.raises(ClientError) as ei:
        assume(dep, token, role=ROLE_HS)
    status, code, _ = sts_error(ei)
    assert (status, code) == (400, "InvalidIdentityToken")


def test_providers_without_a_secret_still_refuse_hs256(dep, own_issuer):
    with pytest.raises(ClientError) as ei:
        assume(dep, own_issuer.mint(alg="HS256-confusion"))
    assert sts_error(ei)[:2] == (400, "InvalidIdentityToken")


def test_session_claims_are_the_configured_ones(dep, own_issuer):
    token = own_issuer.mint(sub="claims", extra_claims={"email": "c@example.com", "groups": ["a", "b"], "name": "Carol"})
    payload = session_payload(assume(dep, token)["Credentials"])
    assert payload["claims"] == {"email": ["c@example.com"], "groups": ["a", "b"]}


def test_issuer_rotating_its_key_mid_run(dep, own_issuer):
    before = assume(dep, own_issuer.mint(sub="before-rotation"))
    retired = own_issuer.rotate_rsa_key("rsa-2")
    time.sleep(COOLDOWN + 0.5)  # the startup download started the cooldown

    # The first token with the new kid triggers one download and is accepted.
    fetches = own_issuer.jwks_fetches()
    after = assume(dep, own_issuer.mint(sub="after-rotation"))
    assert after["SubjectFromWebIdentityToken"] == "after-rotation"
    assert own_issuer.jwks_fetches() == fetches + 1

    # A flood of unknown kids inside one cooldown costs no further download.
    for i in range(15):
        with pytest.raises(ClientError) as ei:
            assume(dep, own_issuer.mint(sub="ghost", kid=f"ghost-{i}"))
        assert sts_error(ei)[:2] == (400, "InvalidIdentityToken")
    assert own_issuer.jwks_fetches() <= fetches + 2

    # Tokens signed with the retired key are refused once the new set is in.
    now = int(time.time())
    old = jwt.encode({"iss": own_issuer.issuer, "sub": "old-key", "aud": AUDIENCE, "iat": now, "exp": now + 300},
                     retired, algorithm="RS256", headers={"kid": "rsa-1"})
    with pytest.raises(ClientError) as ei:
        assume(dep, old)
    assert sts_error(ei)[:2] == (400, "InvalidIdentityToken")

    # Sessions issued before the rotation do not depend on the IdP's keys.
    s3_client(dep, before["Credentials"]).list_buckets()
    ident = sts_with(dep, before["Credentials"]).get_caller_identity()
    assert ident["Arn"].endswith("/e2e")

