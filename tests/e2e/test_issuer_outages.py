"""The identity provider misbehaves: down when STSServer starts, slow to answer, or gone after its
keys were loaded. STSServer stays up and responsive, reports the provider in /readyz, answers
`IDPCommunicationError` while it has no keys, and keeps issuing with the last good keys."""

from __future__ import annotations

import json

import pytest
import requests
from botocore.exceptions import ClientError

from oidc_issuer import OIDCIssuer
from portcullis import Deployment, assume, client_error


class UnreadyDeployment(Deployment):
    """Starts without waiting for STSServer's readiness (which needs the provider's keys)."""

    def _wait_ready(self, server, url, deadline):
        if url == f"{self.sts_url}/readyz":
            url = f"{self.sts_url}/healthz"
        super()._wait_ready(server, url, deadline)


@pytest.fixture
def own_issuer():
    issuer = OIDCIssuer().start()
    yield issuer
    issuer.stop()


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_provider_unreachable_from_the_start(tmp_path, own_issuer, mode):
    own_issuer.mode = mode
    dep = UnreadyDeployment(tmp_path / mode, own_issuer).start()
    try:
        ready = requests.get(f"{dep.sts_url}/readyz", timeout=10)
        assert ready.status_code == 503, ready.text
        assert json.loads(ready.text)["checks"]["oidc:test"] is False
        with pytest.raises(ClientError) as ei:
            assume(dep, own_issuer.mint(sub="nobody-home"))
        assert client_error(ei) == (400, "IDPCommunicationError")
        assert requests.get(f"{dep.sts_url}/healthz", timeout=10).status_code == 200
    finally:
        dep.stop()


def test_an_outage_after_the_keys_loaded_changes_nothing(tmp_path, own_issuer):
    dep = Deployment(tmp_path / "outage", own_issuer).start()
    try:
        assume(dep, own_issuer.mint(sub="before"))
        own_issuer.mode = "down"
        fetches = len(own_issuer.requests)
        for sub in ("during-1", "during-2"):
            assert assume(dep, own_issuer.mint(sub=sub))["Credentials"]["AccessKeyId"].startswith("ASIA")
        assert len(own_issuer.requests) == fetches, "valid tokens with known keys need no fetch"
        ready = requests.get(f"{dep.sts_url}/readyz", timeout=10)
        assert ready.status_code == 200 and json.loads(ready.text)["checks"]["oidc:test"] is True
    finally:
        dep.stop()
