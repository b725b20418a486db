#!/usr/bin/env python3
"""Throughput and memory benchmark for S3Server (`make bench`).

Starts a test OIDC issuer, a Portcullis deployment on the filesystem backend and one on
SeaweedFS, then measures through S3Server:
  * a PUT and a GET of SIZE MiB (default 256), with S3Server's peak RSS growth;
  * sequential small GETs (1 KiB), as requests per second;
and, for SeaweedFS, the same PUT/GET straight to the backend, so the proxy's own overhead shows.

Results are printed, one line each; the targets below are checked and a miss exits 1. Numbers
depend on the machine; the targets are deliberately loose (2-core CI machine, debug build).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))
for key in [k for k in os.environ if k.startswith("AWS_")]:
    del os.environ[key]
os.environ.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                   "AWS_EC2_METADATA_DISABLED": "true"})

from oidc_issuer import OIDCIssuer  # noqa: E402
from portcullis import AUDIENCE, Deployment, RSSSampler, assume, s3_client  # noqa: E402
from seaweedfs import SeaweedFS  # noqa: E402

# Targets: memory stays flat while bodies stream; throughput is not absurdly low.
MAX_RSS_GROWTH_MIB = 64
MIN_THROUGHPUT_MIBS = 20


def make_file(path: Path, size_mib: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as f:
        for _ in range(size_mib):
            chunk = os.urandom(1 << 20)
            digest.update(chunk)
            f.write(chunk)
    return digest.hexdigest()


def timed_transfer(client, bucket: str, source: Path, target: Path, sampler_pid: int | None):
    sampler = RSSSampler(sampler_pid).start() if sampler_pid else None
    start = time.monotonic()
    client.upload_file(str(source), bucket, "bench.bin")
    put = time.monotonic() - start
    start = time.monotonic()
    client.download_file(bucket, "bench.bin", str(target))
    get = time.monotonic() - start
    growth = None
    if sampler:
        sampler.stop()
        growth = sampler.growth_mib()
    return put, get, growth


def small_gets(client, bucket: str, count: int) -> float:
    client.put_object(Bucket=bucket, Key="small.bin", Body=os.urandom(1024))
    start = time.monotonic()
    for _ in range(count):
        client.get_object(Bucket=bucket, Key="small.bin")["Body"].read()
    return count / (time.monotonic() - start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--small-gets", type=int, default=300)
    parser.add_argument("--backends", default="filesystem,seaweedfs")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="portcullis-bench-") as tmp:
        work = Path(tmp)
        source, target = work / "source.bin", work / "target.bin"
        expected = make_file(source, args.size_mib)
        issuer = OIDCIssuer().start()
        try:
            for backend in args.backends.split(","):
                seaweed = SeaweedFS(work / "seaweed").start() if backend == "seaweedfs" else None
                deployment = Deployment(work / backend, issuer, backend=backend, seaweed=seaweed).start()
                try:
                    token = issuer.mint(sub="bench", aud=AUDIENCE)
                    creds = assume(deployment, token)["Credentials"]
                    client = s3_client(deployment, creds)
                    client.create_bucket(Bucket="bench")
                    put, get, growth = timed_transfer(client, "bench", source, target, deployment.s3_pid)
                    ok = hashlib.sha256(target.read_bytes()).hexdigest() == expected
                    print(f"{backend}: PUT {args.size_mib / put:.1f} MiB/s  GET {args.size_mib / get:.1f} MiB/s  "
                          f"S3Server RSS growth {growth:.1f} MiB  bytes match: {ok}")
                    rps = small_gets(client, "bench", args.small_gets)
                    print(f"{backend}: {rps:.0f} sequential 1 KiB GET/s through S3Server")
                    if not ok:
                        failures.append(f"{backend}: downloaded bytes differ")
                    if growth is not None and growth > MAX_RSS_GROWTH_MIB:
                        failures.append(f"{backend}: RSS grew {growth:.1f} MiB > {MAX_RSS_GROWTH_MIB}")
                    if min(args.size_mib / put, args.size_mib / get) < MIN_THROUGHPUT_MIBS:
                        failures.append(f"{backend}: throughput below {MIN_THROUGHPUT_MIBS} MiB/s")
                    if seaweed is not None:
                        direct = seaweed.client()
                        direct.create_bucket(Bucket="direct")
                        dput, dget, _ = timed_transfer(direct, "direct", source, target, None)
                        print(f"seaweedfs direct: PUT {args.size_mib / dput:.1f} MiB/s  GET {args.size_mib / dget:.1f} MiB/s")
                finally:
                    deployment.stop()
                    if seaweed is not None:
                        seaweed.stop()
        finally:
            issuer.stop()
    for failure in failures:
        print("MISS", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
