"""Checks of the test peers themselves (no Portcullis binaries needed): the fake OIDC issuer
verifies through discovery → JWKS with PyJWT, and SeaweedFS answers signed S3 requests."""

from __future__ import annotations

import jwt
import pytest
import requests
from botocore.exceptions import ClientError


def test_issuer_discovery_and_jwks(issuer):
    d = requests.get(f"{issuer.url}/.well-known/openid-configuration", timeout=5).json()
    assert d["issuer"] == issuer.url
    assert d["jwks_uri"] == f"{issuer.url}/jwks.json"
    keys = requests.get(d["jwks_uri"], timeout=5).json()["keys"]
    assert {(k["kid"], k["kty"], k["alg"], k["use"]) for k in keys} == {
        ("rsa-1", "RSA", "RS256", "sig"), ("ec-1", "EC", "ES256", "sig")}


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_issuer_tokens_verify_with_pyjwt(issuer, alg):
    token = issuer.mint(sub="alice", alg=alg, extra_claims={"groups": ["eng"]})
    client = jwt.PyJWKClient(f"{issuer.url}/jwks.json")
    key = client.get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=[alg], audience="portcullis-test", issuer=issuer.url)
    assert claims["sub"] == "alice" and claims["groups"] == ["eng"]
    assert jwt.get_unverified_header(token)["kid"] == ("rsa-1" if alg == "RS256" else "ec-1")


@pytest.mark.parametrize("kind,exc", [
    ("aud", jwt.InvalidAudienceError),
    ("expired", jwt.ExpiredSignatureError),
    ("iss", jwt.InvalidIssuerError),
    ("tampered", jwt.InvalidSignatureError),
    ("nbf", jwt.ImmatureSignatureError),
    ("none", jwt.InvalidAlgorithmError),
    ("hs256", jwt.InvalidAlgorithmError),
])
def test_issuer_negative_tokens_are_rejected_by_pyjwt(issuer, kind, exc):
    token = {
        "aud": lambda: issuer.mint(aud="someone-else"),
        "expired": lambda: issuer.mint(ttl=-120),
        "iss": lambda: issuer.mint(iss="http://127.0.0.1:1"),
        "tampered": lambda: issuer.tamper(issuer.mint(sub="bob"), sub="mallory"),
        "nbf": lambda: issuer.mint(nbf=2**31 - 1),
        "none": lambda: issuer.mint(alg="none"),
        "hs256": lambda: issuer.mint(alg="HS256-confusion"),
    }[kind]()
    key = jwt.PyJWKClient(f"{issuer.url}/jwks.json").get_signing_key("rsa-1" if kind in ("none", "hs256") else
                                                                    jwt.get_unverified_header(token)["kid"])
    with pytest.raises(exc):
        jwt.decode(token, key.key, algorithms=["RS256", "ES256"], audience="portcullis-test", issuer=issuer.url)


def test_issuer_unknown_kid_not_in_jwks(issuer):
    token = issuer.mint(kid="rotated-away")
    with pytest.raises(jwt.PyJWKClientError):
        jwt.PyJWKClient(f"{issuer.url}/jwks.json").get_signing_key_from_jwt(token)


def test_seaweedfs_direct(seaweed):
    c = seaweed.client()
    c.create_bucket(Bucket="harness-direct")
    c.put_object(Bucket="harness-direct", Key="k", Body=b"hello seaweed")
    assert c.get_object(Bucket="harness-direct", Key="k")["Body"].read() == b"hello seaweed"
    assert "harness-direct" in [b["Name"] for b in c.list_buckets()["Buckets"]]
    bad = seaweed.client(secret_key="x" * 40)
    with pytest.raises(ClientError) as ei:
        bad.list_buckets()
    assert ei.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    c.delete_object(Bucket="harness-direct", Key="k")
    c.delete_bucket(Bucket="harness-direct")
