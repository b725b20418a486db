"""Fixtures for the Portcullis end-to-end suite.

Session-scoped: the test OIDC issuer, SeaweedFS (started only if a seaweedfs test runs), and one
Portcullis deployment (STSServer + S3Server) per backend, started lazily and reused.
On a failing test the last lines of every running server's log are attached to the report.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path

import pytest

# Isolate every client from the user's AWS configuration and never let botocore probe an
# instance metadata endpoint: all traffic of this suite stays on 127.0.0.1.
for _k in [k for k in os.environ if k.startswith("AWS_")]:
    del os.environ[_k]
os.environ.update({
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_DEFAULT_REGION": "us-east-1",
})
for _k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(_k, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from oidc_issuer import OIDCIssuer  # noqa: E402
from portcullis import Deployment, assume, empty_and_delete, s3_client  # noqa: E402
from seaweedfs import SeaweedFS  # noqa: E402

BACKENDS = ["filesystem", "seaweedfs"]

_RUNNING: dict[str, object] = {}  # name -> Deployment / SeaweedFS, for failure reports


def _backends_of(item) -> set[str]:
    """Which deployments a test uses: its `deployment` parameter, or filesystem via fs_deployment."""
    used = set()
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "deployment" in callspec.params:
        used.add(callspec.params["deployment"])
    if "fs_deployment" in getattr(item, "fixturenames", ()):
        used.add("filesystem")
    return used


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and rep.when in ("setup", "call"):
        used = _backends_of(item)
        for name, obj in list(_RUNNING.items()):
            if isinstance(obj, Deployment) and obj.backend in used:
                rep.sections.append((f"server logs: {name}", obj.logs(40)))
            elif isinstance(obj, SeaweedFS) and ("seaweedfs" in used or "seaweed" in item.fixturenames):
                rep.sections.append((f"server logs: {name}", obj.log_tail(15)))


@pytest.fixture(scope="session")
def issuer():
    iss = OIDCIssuer().start()
    yield iss
    iss.stop()


class _Lazy:
    """Starts SeaweedFS and deployments on first use; stops them all at session end."""

    def __init__(self, tmp_factory, issuer):
        self.tmp_factory = tmp_factory
        self.issuer = issuer
        self.seaweed: SeaweedFS | None = None
        self.deployments: dict[str, Deployment] = {}
        self.failed: dict[str, BaseException] = {}

    def get_seaweed(self) -> SeaweedFS:
        if self.seaweed is None:
            if "seaweedfs-peer" in self.failed:
                pytest.fail(f"SeaweedFS failed to start earlier: {self.failed['seaweedfs-peer']}")
            sw = SeaweedFS(self.tmp_factory.mktemp("seaweedfs"))
            try:
                sw.start()
            except BaseException as e:
                self.failed["seaweedfs-peer"] = e
                raise
            self.seaweed = sw
            _RUNNING["seaweedfs"] = sw
        return self.seaweed

    def get(self, backend: str) -> Deployment:
        if backend in self.failed:
            pytest.fail(f"Portcullis ({backend}) failed to start earlier: {self.failed[backend]}")
        if backend not in self.deployments:
            sw = self.get_seaweed() if backend == "seaweedfs" else None
            dep = Deployment(self.tmp_factory.mktemp(f"portcullis-{backend}"), self.issuer, backend, sw)
            try:
                dep.start()
            except BaseException as e:
                self.failed[backend] = e
                raise
            self.deployments[backend] = dep
            _RUNNING[f"portcullis-{backend}"] = dep
        return self.deployments[backend]

    def stop(self) -> None:
        for name, dep in self.deployments.items():
            codes = dep.stop()
            _RUNNING.pop(f"portcullis-{name}", None)
            bad = {k: v for k, v in codes.items() if v not in (0, None)}
            if bad:
                print(f"\nWARNING: Portcullis ({name}) exit codes after SIGTERM: {codes}\n{dep.logs(20)}")
        if self.seaweed is not None:
            self.seaweed.stop()
            _RUNNING.pop("seaweedfs", None)


@pytest.fixture(scope="session")
def lazy(tmp_path_factory, issuer):
    lz = _Lazy(tmp_path_factory, issuer)
    yield lz
    lz.stop()


@pytest.fixture(scope="session")
def seaweed(lazy) -> SeaweedFS:
    return lazy.get_seaweed()


@pytest.fixture(scope="session")
def fs_deployment(lazy) -> Deployment:
    """The filesystem-backed deployment (used by the STS tests, where the backend is irrelevant)."""
    return lazy.get("filesystem")


@pytest.fixture(scope="session", params=BACKENDS)
def deployment(request, lazy) -> Deployment:
    return lazy.get(request.param)


@pytest.fixture(scope="session")
def creds_cache():
    return {}


@pytest.fixture
def creds(deployment, issuer, creds_cache) -> dict[str, str]:
    """Temporary credentials for ROLE_RW on `deployment` (one STS call per deployment)."""
    c = creds_cache.get(deployment.backend)
    if c is None or c["_expires"] - time.time() < 300:
        resp = assume(deployment, issuer.mint(sub="user-1"), session=f"e2e-{deployment.backend}", duration=3600)
        c = dict(resp["Credentials"])
        c["_expires"] = time.time() + 3600
        creds_cache[deployment.backend] = c
    return c


@pytest.fixture
def bucket_name(request) -> str:
    """A fresh, valid bucket name for this test."""
    base = "".join(ch if ch.isalnum() else "-" for ch in request.node.name.lower())
    base = "-".join(p for p in base.split("-") if p)[:40].strip("-")
    return f"e2e-{base}-{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def big_file(tmp_path_factory):
    """A 100 MiB random file written in 1 MiB chunks (never held in memory), and its sha256."""
    size = 100 * 1024 * 1024
    path = tmp_path_factory.mktemp("big") / "big.bin"
    h = hashlib.sha256()
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            chunk = os.urandom(min(1 << 20, remaining))
            h.update(chunk)
            f.write(chunk)
            remaining -= len(chunk)
    yield path, size, h.hexdigest()
    path.unlink(missing_ok=True)


@pytest.fixture
def s3(deployment, creds):
    """A boto3 S3 client with `creds` on `deployment`."""
    return s3_client(deployment, creds)


@pytest.fixture
def bucket(s3, bucket_name):
    """A fresh bucket, emptied and removed after the test."""
    s3.create_bucket(Bucket=bucket_name)
    yield bucket_name
    empty_and_delete(s3, bucket_name)
