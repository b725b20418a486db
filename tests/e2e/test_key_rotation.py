"""Session key rotation without downtime, following the README's procedure: a new key is added
for verification everywhere, then STS signs with it; sessions and presigned URLs issued under the
old key keep working until the old key is retired, and only then stop."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from botocore.exceptions import ClientError

from portcullis import KEY_ID, Deployment, assume, s3_client

NEW_KEY = "e2e-2"


class RotatingDeployment(Deployment):
    """Keys and servers the test can change: `phase` picks the sessionKeys section."""
    phase = "old"

    def config(self) -> dict:
        cfg = super().config()
        keys = cfg["sessionKeys"]
        old = {"verification": {"id": KEY_ID, "file": f"keys/session-signing-{KEY_ID}.pub.pem"},
               "derivation": {"id": KEY_ID, "file": f"keys/derivation-{KEY_ID}.key"}}
        new = {"verification": {"id": NEW_KEY, "file": f"keys/session-signing-{NEW_KEY}.pub.pem"},
               "derivation": {"id": NEW_KEY, "file": f"keys/derivation-{NEW_KEY}.key"}}
        if self.phase in ("both", "retired"):
            keys["signing"] = {"id": NEW_KEY, "file": f"keys/session-signing-{NEW_KEY}.pem"}
            keys["activeDerivation"] = NEW_KEY
            accepted = [old, new] if self.phase == "both" else [new]
            keys["verification"] = [k["verification"] for k in accepted]
            keys["derivation"] = [k["derivation"] for k in accepted]
        return cfg

    def restart(self, phase: str) -> None:
        """A rolling restart onto `phase`'s configuration (S3Server first, then STS)."""
        self.phase = phase
        self.write_config()
        for attr, url in (("s3", f"{self.admin_url}/readyz"), ("sts", f"{self.sts_url}/readyz")):
            server = getattr(self, attr)
            server.stop()
            replacement = self._spawn(server.name)
            setattr(self, attr, replacement)
            self._wait_ready(replacement, url, time.monotonic() + 60)


def kid_of(session_token: str) -> str:
    header = session_token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


@pytest.fixture(scope="module")
def dep(tmp_path_factory, issuer):
    deployment = RotatingDeployment(tmp_path_factory.mktemp("rotation"), issuer).start()
    yield deployment
    deployment.stop()


def test_rotation_keeps_live_sessions_until_the_old_key_is_retired(dep, issuer):
    old = assume(dep, issuer.mint(sub="rotate"), session="before")["Credentials"]
    assert kid_of(old["SessionToken"]) == KEY_ID
    s3_old = s3_client(dep, old)
    s3_old.create_bucket(Bucket="rotation")
    s3_old.put_object(Bucket="rotation", Key="k", Body=b"v")
    url = s3_old.generate_presigned_url("get_object", Params={"Bucket": "rotation", "Key": "k"}, ExpiresIn=3600)

    # Step 1 and 2 of the README: generate the new key, verify both, sign with the new one.
    dep.run_cli("keygen", "--dir", str(dep.keys), "--id", NEW_KEY)
    dep.restart("both")
    new = assume(dep, issuer.mint(sub="rotate"), session="after")["Credentials"]
    assert kid_of(new["SessionToken"]) == NEW_KEY
    assert s3_client(dep, new).get_object(Bucket="rotation", Key="k")["Body"].read() == b"v"
    assert s3_old.get_object(Bucket="rotation", Key="k")["Body"].read() == b"v", "old sessions stay valid"
    assert requests.get(url, timeout=10).content == b"v", "old presigned URLs stay valid"

    # Step 3: once every old session has expired, the old key is removed; now they stop working.
    dep.restart("retired")
    with pytest.raises(ClientError) as ei:
        s3_old.get_object(Bucket="rotation", Key="k")
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
    assert requests.get(url, timeout=10).status_code in (400, 403)
    assert s3_client(dep, new).get_object(Bucket="rotation", Key="k")["Body"].read() == b"v"
    s3_client(dep, new).delete_object(Bucket="rotation", Key="k")
    s3_client(dep, new).delete_bucket(Bucket="rotation")
