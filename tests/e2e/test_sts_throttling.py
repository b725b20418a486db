"""AssumeRoleWithWebIdentity rate limits: per client address and per provider, answered with STS's
`Throttling` (400), checked before the token is verified, and refilled over time."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_RW, Deployment, assume, sts_client


class ThrottledDeployment(Deployment):
    def config(self) -> dict:
        cfg = super().config()
        cfg["sts"]["rateLimits"] = {"perSourceIp": {"requestsPerSecond": 0.25, "burst": 3},
                                    "perProvider": {"requestsPerSecond": 50, "burst": 100}}
        return cfg


@pytest.fixture(scope="module")
def dep(tmp_path_factory, issuer):
    deployment = ThrottledDeployment(tmp_path_factory.mktemp("throttle"), issuer).start()
    yield deployment
    deployment.stop()


def test_a_burst_is_throttled_then_refills(dep, issuer):
    token = issuer.mint(sub="flood")
    for _ in range(3):
        assume(dep, token)
    with pytest.raises(ClientError) as ei:
        assume(dep, token)
    r = ei.value.response
    assert (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], r["Error"]["Message"]) == (400, "Throttling", "Rate exceeded")
    # Garbage is throttled as well, before any verification.
    with pytest.raises(ClientError) as ei:
        sts_client(dep).assume_role_with_web_identity(RoleArn=ROLE_RW, RoleSessionName="junk", WebIdentityToken="a.b.c" * 4)
    assert ei.value.response["Error"]["Code"] == "Throttling"
    time.sleep(4.5)  # one token every 4 s
    assume(dep, token)


class ProviderThrottledDeployment(Deployment):
    def config(self) -> dict:
        cfg = super().config()
        cfg["sts"]["rateLimits"] = {"perSourceIp": {"requestsPerSecond": 1000, "burst": 1000},
                                    "perProvider": {"requestsPerSecond": 0.2, "burst": 3}}
        return cfg


def test_per_provider_budget_is_spent_only_by_verified_tokens(tmp_path_factory, issuer):
    dep = ProviderThrottledDeployment(tmp_path_factory.mktemp("throttle-provider"), issuer).start()
    try:
        # Forged tokens naming the issuer fail verification and cost its budget nothing.
        for i in range(10):
            with pytest.raises(ClientError) as ei:
                assume(dep, issuer.tamper(issuer.mint(sub="forger"), sub=f"admin-{i}"))
            assert ei.value.response["Error"]["Code"] == "InvalidIdentityToken"
        for _ in range(3):
            assume(dep, issuer.mint(sub="legit"))
        with pytest.raises(ClientError) as ei:
            assume(dep, issuer.mint(sub="legit"))
        r = ei.value.response
        assert (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"]) == (400, "Throttling")
    finally:
        dep.stop()
