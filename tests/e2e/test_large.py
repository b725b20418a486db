"""100 MiB through S3Server against each backend, compared by sha256, while sampling S3Server's
VmRSS every 0.1 s. Peak growth over the RSS right before each transfer must stay under 100 MiB
(the proxy streams; it must not buffer whole bodies). Run with `pytest -s` to see the
`MEASURE` lines."""

from __future__ import annotations

import hashlib
import time

import pytest
from boto3.s3.transfer import TransferConfig

from portcullis import RSSSampler, s3_client, sha256_file

MAX_GROWTH_MIB = 100.0


def report(deployment, phase: str, size: int, seconds: float, rss: RSSSampler) -> None:
    mib = size / (1024 * 1024)
    print(f"MEASURE backend={deployment.backend} phase={phase} size_mib={mib:.0f} seconds={seconds:.2f} "
          f"throughput_mib_s={mib / seconds:.1f} rss_before_mib={rss.baseline_kib / 1024:.1f} "
          f"rss_peak_mib={rss.peak_kib / 1024:.1f} rss_growth_mib={rss.growth_mib:.1f} samples={len(rss.samples)}",
          flush=True)


@pytest.fixture
def big_bucket(deployment, creds, bucket_name):
    s3 = s3_client(deployment, creds, read_timeout=300)
    s3.create_bucket(Bucket=bucket_name)
    yield s3, bucket_name
    for key in ("big/put.bin", "big/multipart.bin"):
        try:
            s3.delete_object(Bucket=bucket_name, Key=key)
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
    try:
        s3.delete_bucket(Bucket=bucket_name)
    except Exception:  # noqa: BLE001
        pass


def test_100mib_single_put_and_streamed_get(deployment, big_bucket, big_file, tmp_path):
    s3, bucket = big_bucket
    path, size, digest = big_file

    with RSSSampler(deployment.s3_pid) as rss:
        t0 = time.monotonic()
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key="big/put.bin", Body=f)
        up = time.monotonic() - t0
    report(deployment, "put_object", size, up, rss)
    assert rss.growth_mib < MAX_GROWTH_MIB, f"S3Server RSS grew {rss.growth_mib:.1f} MiB during a 100 MiB PUT"

    assert s3.head_object(Bucket=bucket, Key="big/put.bin")["ContentLength"] == size

    out = tmp_path / "get.bin"
    h = hashlib.sha256()
    with RSSSampler(deployment.s3_pid) as rss:
        t0 = time.monotonic()
        body = s3.get_object(Bucket=bucket, Key="big/put.bin")["Body"]
        with open(out, "wb") as f:
            for chunk in body.iter_chunks(1 << 20):
                h.update(chunk)
                f.write(chunk)
        down = time.monotonic() - t0
    report(deployment, "get_object", size, down, rss)
    out.unlink()
    assert h.hexdigest() == digest, "downloaded bytes differ from the uploaded 100 MiB"
    assert rss.growth_mib < MAX_GROWTH_MIB, f"S3Server RSS grew {rss.growth_mib:.1f} MiB during a 100 MiB GET"


def test_100mib_upload_file_download_file(deployment, big_bucket, big_file, tmp_path):
    """s3transfer: multipart upload (8 MiB parts, 4 threads) and ranged parallel download."""
    s3, bucket = big_bucket
    path, size, digest = big_file
    cfg = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024,
                         max_concurrency=4)

    with RSSSampler(deployment.s3_pid) as rss:
        t0 = time.monotonic()
        s3.upload_file(str(path), bucket, "big/multipart.bin", Config=cfg)
        up = time.monotonic() - t0
    report(deployment, "upload_file", size, up, rss)
    assert rss.growth_mib < MAX_GROWTH_MIB, f"S3Server RSS grew {rss.growth_mib:.1f} MiB during upload_file"

    head = s3.head_object(Bucket=bucket, Key="big/multipart.bin")
    assert head["ContentLength"] == size
    assert head["ETag"].strip('"').endswith("-13"), head["ETag"]  # ceil(100 / 8) parts

    out = tmp_path / "download.bin"
    with RSSSampler(deployment.s3_pid) as rss:
        t0 = time.monotonic()
        s3.download_file(bucket, "big/multipart.bin", str(out), Config=cfg)
        down = time.monotonic() - t0
    report(deployment, "download_file", size, down, rss)
    try:
        assert sha256_file(out) == digest
    finally:
        out.unlink()
    assert rss.growth_mib < MAX_GROWTH_MIB, f"S3Server RSS grew {rss.growth_mib:.1f} MiB during download_file"
