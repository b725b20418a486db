"""Run the real Portcullis binaries (STSServer, S3Server) for the end-to-end tests.

A :class:`Deployment` owns one temporary directory. ``start()``

1. runs ``STSServer keygen --dir keys --id e2e-1 --dev-issuer``,
2. writes trust and permission policies and ``portcullis.yaml`` (format of etc/dev.yaml)
   with a filesystem backend or an s3 backend pointing at SeaweedFS,
3. starts ``STSServer run`` and ``S3Server run`` on free loopback ports with stderr captured
   to ``sts.log`` / ``s3.log``, and waits until both ``/readyz`` answer 200.

It also mints session credentials directly from the generated key files (for the
expired-session test) and samples S3Server's VmRSS (:class:`RSSSampler`).

Binaries come from ``$PORTCULLIS_BIN_DIR`` or ``<repo>/.build/debug``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore
import jwt
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from seaweedfs import free_ports

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

ACCOUNT_ID = "123456789012"
AUDIENCE = "portcullis-test"
KEY_ID = "e2e-1"
DEV_AUDIENCE = "portcullis-dev"

ROLE_RW = f"arn:aws:iam::{ACCOUNT_ID}:role/e2e-rw"            # trusts the test issuer, aud only
ROLE_ALICE = f"arn:aws:iam::{ACCOUNT_ID}:role/e2e-alice-only"  # additionally requires sub=alice
ROLE_DEV = f"arn:aws:iam::{ACCOUNT_ID}:role/e2e-dev"           # trusts the built-in dev issuer
ROLE_MISSING = f"arn:aws:iam::{ACCOUNT_ID}:role/does-not-exist"
POLICY_READ_ONLY = f"arn:aws:iam::{ACCOUNT_ID}:policy/e2e-read-only"  # a managed policy for PolicyArns
ROLE_RW_MAX = 7200
ROLE_ALICE_MAX = 3600


def bin_dir() -> Path:
    return Path(os.environ.get("PORTCULLIS_BIN_DIR") or REPO / ".build" / "debug")


def binary(name: str) -> Path:
    p = bin_dir() / name
    if not (p.is_file() and os.access(p, os.X_OK)):
        raise FileNotFoundError(
            f"{p} not found or not executable: build first (`make build`) or set PORTCULLIS_BIN_DIR"
        )
    return p


# -- a tiny YAML emitter (block mappings/sequences, JSON-quoted strings) ------------------------

def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))


def to_yaml(obj: Any, indent: int = 0) -> str:
    pad = "  " * indent
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict) and v:
                out.append(f"{pad}{k}:")
                out.append(to_yaml(v, indent + 1))
            elif isinstance(v, list) and v and any(isinstance(x, (dict, list)) for x in v):
                out.append(f"{pad}{k}:")
                out.append(to_yaml(v, indent + 1))
            elif isinstance(v, list):
                out.append(f"{pad}{k}: [" + ", ".join(_scalar(x) for x in v) + "]")
            else:
                out.append(f"{pad}{k}: {_scalar(v)}")
    elif isinstance(obj, list):
        for item in obj:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 1).splitlines()
                first = body[0].lstrip()
                out.append(f"{pad}- {first}")
                out.extend(body[1:])
            else:
                out.append(f"{pad}- {_scalar(item)}")
    return "\n".join(out)


# -- RSS sampling ---------------------------------------------------------------------------------

def read_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


class RSSSampler:
    """Samples /proc/PID/status VmRSS every `interval` seconds in a thread.

    ``baseline_kib`` is read when the sampler starts (right before the transfer); ``peak_kib`` is
    the highest sample seen until ``stop()``.
    """

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid = pid
        self.interval = interval
        self.samples: list[int] = []
        self.baseline_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss-{pid}", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(read_rss_kib(self.pid))
            except (OSError, RuntimeError):
                return
            self._stop.wait(self.interval)

    def start(self) -> "RSSSampler":
        self.baseline_kib = read_rss_kib(self.pid)
        self.samples.append(self.baseline_kib)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            self.samples.append(read_rss_kib(self.pid))
        except (OSError, RuntimeError):
            pass

    @property
    def peak_kib(self) -> int:
        return max(self.samples) if self.samples else 0

    @property
    def growth_mib(self) -> float:
        return (self.peak_kib - self.baseline_kib) / 1024.0

    def __enter__(self) -> "RSSSampler":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- processes ------------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    log_path: Path
    log_file: Any

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log_file.close()
        return self.proc.returncode


def log_tail(path: Path, n: int = 80) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-n:])


class Deployment:
    def __init__(self, root: Path, issuer, backend: str = "filesystem", seaweed=None):
        self.root = Path(root)
        self.issuer = issuer
        self.backend = backend
        self.seaweed = seaweed
        self.keys = self.root / "keys"
        self.policies = self.root / "policies"
        self.data = self.root / "data"
        self.config_path = self.root / "portcullis.yaml"
        self.sts_port, self.s3_port, self.admin_port = free_ports(3)
        self.sts_url = f"http://127.0.0.1:{self.sts_port}"
        self.s3_url = f"http://127.0.0.1:{self.s3_port}"
        self.admin_url = f"http://127.0.0.1:{self.admin_port}"
        self.dev_issuer_url = f"{self.sts_url}/dev-issuer"
        self.sts: Server | None = None
        self.s3: Server | None = None

    # -- setup ---------------------------------------------------------------------------------

    def run_cli(self, *args: str, timeout: float = 60.0, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run([str(binary("STSServer")), *args], cwd=self.root, capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and p.returncode != 0:
            raise RuntimeError(f"STSServer {' '.join(args)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def keygen(self) -> None:
        self.keys.mkdir(parents=True, exist_ok=True)
        self.run_cli("keygen", "--dir", str(self.keys), "--id", KEY_ID, "--dev-issuer")
        for f in (f"session-signing-{KEY_ID}.pem", f"session-signing-{KEY_ID}.pub.pem",
                  f"derivation-{KEY_ID}.key", "dev-issuer.pem"):
            if not (self.keys / f).is_file():
                raise RuntimeError(f"keygen did not write {self.keys / f}; wrote {sorted(os.listdir(self.keys))}")

    def write_policies(self) -> None:
        self.policies.mkdir(parents=True, exist_ok=True)
        host = self.issuer.issuer_host
        dev_host = self.dev_issuer_url.split("://", 1)[1]

        def trust(provider_host: str, conditions: dict[str, str], actions=("sts:AssumeRoleWithWebIdentity",)) -> dict:
            return {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{provider_host}"},
                "Action": list(actions),
                "Condition": {"StringEquals": conditions},
            }]}

        docs = {
            # e2e-rw also lets tokens set session tags and a source identity; e2e-alice-only does not.
            "trust-rw.json": trust(host, {f"{host}:aud": AUDIENCE},
                                   ("sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity")),
            "trust-alice.json": trust(host, {f"{host}:aud": AUDIENCE, f"{host}:sub": "alice"}),
            "trust-dev.json": trust(dev_host, {f"{dev_host}:aud": DEV_AUDIENCE}),
            "read-only.json": {"Version": "2012-10-17", "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
            ]},
            "s3-rw.json": {"Version": "2012-10-17", "Statement": [
                {"Sid": "AllS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "ReadOnlyPrefix", "Effect": "Deny", "Action": "s3:PutObject",
                 "Resource": "arn:aws:s3:::*/readonly/*"},
            ]},
        }
        for name, doc in docs.items():
            (self.policies / name).write_text(json.dumps(doc, indent=2) + "\n")

    def config(self) -> dict:
        cfg: dict[str, Any] = {
            "sts": {"listen": f"127.0.0.1:{self.sts_port}", "accountId": ACCOUNT_ID},
            "s3": {"listen": f"127.0.0.1:{self.s3_port}", "adminListen": f"127.0.0.1:{self.admin_port}",
                   "region": "us-east-1", "baseDomains": ["s3.localtest"]},
            "sessionKeys": {
                "signing": {"id": KEY_ID, "file": f"keys/session-signing-{KEY_ID}.pem"},
                "verification": [{"id": KEY_ID, "file": f"keys/session-signing-{KEY_ID}.pub.pem"}],
                "derivation": [{"id": KEY_ID, "file": f"keys/derivation-{KEY_ID}.key"}],
                "activeDerivation": KEY_ID,
            },
            "devIssuer": {"enabled": True, "keyFile": "keys/dev-issuer.pem", "audience": DEV_AUDIENCE},
            "providers": [
                {"name": "test", "issuer": self.issuer.issuer, "audiences": [AUDIENCE],
                 "algorithms": ["RS256", "ES256"]},
                {"name": "dev", "issuer": self.dev_issuer_url, "audiences": [DEV_AUDIENCE],
                 "algorithms": ["ES256"]},
            ],
            "roles": [
                {"arn": ROLE_RW, "trustPolicy": "policies/trust-rw.json",
                 "policies": ["policies/s3-rw.json"], "maxSessionDuration": ROLE_RW_MAX},
                {"arn": ROLE_ALICE, "trustPolicy": "policies/trust-alice.json",
                 "policies": ["policies/s3-rw.json"], "maxSessionDuration": ROLE_ALICE_MAX},
                {"arn": ROLE_DEV, "trustPolicy": "policies/trust-dev.json",
                 "policies": ["policies/s3-rw.json"], "maxSessionDuration": 3600},
            ],
            "managedPolicies": [{"arn": POLICY_READ_ONLY, "file": "policies/read-only.json"}],
        }
        if self.backend == "filesystem":
            self.data.mkdir(parents=True, exist_ok=True)
            cfg["backends"] = [{"name": "local", "type": "filesystem", "path": "data", "buckets": ["*"]}]
        elif self.backend == "seaweedfs":
            sw = self.seaweed
            cfg["backends"] = [{
                "name": "seaweed", "type": "s3", "endpoint": sw.endpoint, "region": sw.region,
                "accessKeyId": {"value": sw.access_key},
                "secretAccessKey": {"value": sw.secret_key},
                "buckets": ["*"],
            }]
        else:
            raise ValueError(self.backend)
        return cfg

    def write_config(self) -> None:
        self.config_path.write_text(
            f"# generated by tests/e2e/portcullis.py for backend {self.backend}\n" + to_yaml(self.config()) + "\n"
        )

    # -- run -------------------------------------------------------------------------------------

    def _spawn(self, name: str) -> Server:
        log_path = self.root / f"{'sts' if name == 'STSServer' else 's3'}.log"
        log_file = open(log_path, "ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        proc = subprocess.Popen([str(binary(name)), "run", "--config", str(self.config_path)],
                                cwd=self.root, stdout=log_file, stderr=log_file, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        return Server(name, proc, log_path, log_file)

    def _wait_ready(self, server: Server, url: str, deadline: float) -> None:
        last = ""
        while time.monotonic() < deadline:
            if not server.alive():
                raise RuntimeError(f"{server.name} exited with {server.proc.returncode} before ready:\n"
                                   f"{log_tail(server.log_path)}")
            try:
                r = requests.get(url, timeout=2)
                if r.status_code == 200:
                    return
                last = f"HTTP {r.status_code}: {r.text[:200]}"
            except requests.RequestException as e:
                last = repr(e)
            time.sleep(0.1)
        raise TimeoutError(f"{server.name} not ready at {url}: {last}\n{log_tail(server.log_path)}")

    def start(self, timeout: float = 60.0) -> "Deployment":
        self.root.mkdir(parents=True, exist_ok=True)
        self.keygen()
        self.write_policies()
        self.write_config()
        deadline = time.monotonic() + timeout
        self.sts = self._spawn("STSServer")
        self.s3 = self._spawn("S3Server")
        try:
            self._wait_ready(self.sts, f"{self.sts_url}/readyz", deadline)
            self._wait_ready(self.s3, f"{self.admin_url}/readyz", deadline)
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> dict[str, int | None]:
        codes = {}
        for s in (self.s3, self.sts):
            if s is not None:
                codes[s.name] = s.stop()
        return codes

    @property
    def s3_pid(self) -> int:
        return self.s3.proc.pid

    def logs(self, n: int = 80) -> str:
        parts = []
        for s in (self.sts, self.s3):
            if s is not None:
                parts.append(f"--- {s.name} ({self.backend}) {s.log_path} (last {n} lines) ---\n{log_tail(s.log_path, n)}")
        return "\n".join(parts)

    # -- minting session credentials from the key files (mirrors ARCHITECTURE.md) ------------------

    def derivation_key(self) -> bytes:
        return base64.b64decode((self.keys / f"derivation-{KEY_ID}.key").read_text().strip())

    def signing_key_pem(self) -> bytes:
        return (self.keys / f"session-signing-{KEY_ID}.pem").read_bytes()

    @staticmethod
    def new_akid() -> str:
        return "ASIA" + base64.b32encode(secrets.token_bytes(10)).decode()

    def secret_for(self, akid: str, jti: str) -> str:
        mac = hmac.new(self.derivation_key(), b"portcullis-secret-v1\n" + akid.encode() + b"\n" + jti.encode(),
                       hashlib.sha256).digest()
        return base64.b64encode(mac[:30]).decode()

    def mint_session(self, *, iat: int, exp: int, role: str = ROLE_RW, rsn: str = "minted",
                     sub: str = "user-1") -> dict[str, str]:
        akid = self.new_akid()
        jti = base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()
        payload = {
            "v": 1, "akid": akid, "jti": jti, "iss": "portcullis-sts", "iat": iat, "exp": exp,
            "role": role, "rsn": rsn, "sub": sub, "oiss": self.issuer.issuer, "oaud": AUDIENCE,
            "dkid": KEY_ID, "claims": {}, "tags": {},
        }
        token = jwt.encode(payload, self.signing_key_pem(), algorithm="ES256",
                           headers={"kid": KEY_ID, "typ": "JWT"})
        return {"AccessKeyId": akid, "SecretAccessKey": self.secret_for(akid, jti), "SessionToken": token}


# -- clients --------------------------------------------------------------------------------------

STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
REGION = "us-east-1"


def sts_client(dep: Deployment):
    return boto3.client("sts", endpoint_url=dep.sts_url, region_name=REGION,
                        config=Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 1}))


def sts_with(dep: Deployment, creds: dict[str, str]):
    """An STS client signing with temporary credentials (GetCallerIdentity)."""
    return boto3.client("sts", endpoint_url=dep.sts_url, region_name=REGION,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds.get("SessionToken"), config=Config(retries={"max_attempts": 1}))


def assume(dep: Deployment, token: str, role: str = ROLE_RW, session: str = "e2e",
           duration: int | None = None) -> dict[str, Any]:
    """AssumeRoleWithWebIdentity through boto3; returns the whole parsed response."""
    kw: dict[str, Any] = {"RoleArn": role, "RoleSessionName": session, "WebIdentityToken": token}
    if duration is not None:
        kw["DurationSeconds"] = duration
    return sts_client(dep).assume_role_with_web_identity(**kw)


def s3_client(dep: Deployment, creds: dict[str, str], **config: Any):
    cfg = {"s3": {"addressing_style": "path"}, "signature_version": "s3v4", "retries": {"max_attempts": 1},
           "read_timeout": 120}
    cfg.update(config)
    return boto3.client("s3", endpoint_url=dep.s3_url, region_name=REGION,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds.get("SessionToken"), config=Config(**cfg))


def signed_request(method: str, url: str, creds: dict[str, str], body: bytes = b"",
                   headers: dict[str, str] | None = None, timeout: float = 30) -> requests.Response:
    """A SigV4-signed (service s3) request sent with `requests`, so tests can read raw XML."""
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    S3SigV4Auth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken")),
                "s3", REGION).add_auth(req)
    return requests.request(method, url, data=body, headers=dict(req.headers.items()), timeout=timeout)


def aws_executable() -> str:
    for c in (Path(sys.executable).parent / "aws", REPO / ".venv" / "bin" / "aws"):
        if c.is_file():
            return str(c)
    found = shutil.which("aws")
    if not found:
        raise FileNotFoundError("aws (aws-cli v1) not found; install tests/requirements.txt into the venv")
    return found


def cli_env(creds: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_DEFAULT_REGION": REGION, "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard",
    })
    if creds:
        env["AWS_ACCESS_KEY_ID"] = creds["AccessKeyId"]
        env["AWS_SECRET_ACCESS_KEY"] = creds["SecretAccessKey"]
        if creds.get("SessionToken"):
            env["AWS_SESSION_TOKEN"] = creds["SessionToken"]
    env.update(extra)
    return env


def aws_cli(args: list[str], env: dict[str, str], cwd: Path | None = None, check: bool = True,
            timeout: float = 180) -> subprocess.CompletedProcess:
    cmd = [aws_executable(), *args]
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def xml_error(body: bytes | str) -> dict[str, str]:
    """Children of <Error> (S3 shape, or inside <ErrorResponse> for STS) as a dict."""
    root = ET.fromstring(body)
    err = root if root.tag.split("}")[-1] == "Error" else next(e for e in root.iter() if e.tag.split("}")[-1] == "Error")
    return {c.tag.split("}")[-1]: (c.text or "") for c in err}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def describe(resp: requests.Response) -> str:
    """`METHOD URL [body]` of the request behind `resp`, long tokens shortened, for messages."""
    req = resp.request
    body = req.body or b""
    if isinstance(body, bytes):
        body = body.decode(errors="replace") if len(body) < 4096 else f"<{len(body)} bytes>"
    url = req.url
    shorten = lambda m: m.group(1) + m.group(2)[:24] + "…"  # noqa: E731
    url = re.sub(r"((?:WebIdentityToken|X-Amz-Security-Token|X-Amz-Signature)=)([^&]{24,})", shorten, url)
    body = re.sub(r"(WebIdentityToken=)([^&]{24,})", shorten, body)
    return f"{req.method} {url}" + (f" body: {body}" if body else "")


def client_error(ei) -> tuple[int, str]:
    """(HTTP status, S3/STS error code) of a `pytest.raises(ClientError)` result."""
    r = ei.value.response
    return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"]


def empty_and_delete(s3, bucket: str) -> None:
    """Deletes every object of `bucket`, then the bucket."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=o["Key"])
    s3.delete_bucket(Bucket=bucket)
