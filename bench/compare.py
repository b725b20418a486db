#!/usr/bin/env python3
"""Side-by-side benchmark (`make bench`): S3Server vs nginx as a plain proxy vs a bare Hummingbird
proxy vs the backend itself.

One backend for all paths: nginx with its dav module (bench/nginx.py), keeping its files on a
tmpfs (/dev/shm, or --backend-dir) so that the large transfers measure the proxies rather than
the disk's write-back (on this machine's disk, direct PUTs of 1 GiB ranged 0.6–2.4 GiB/s from one
run to the next). The memory test's 16 GiB go to a second dav nginx on disk, as bucket
`bench-mem` of the same S3Server. In front of the backend
    direct       the client talks to the dav nginx;
    nginx proxy  through a second nginx (proxy_pass, keep-alive upstream, no buffering);
    S3Server     through S3Server (release build) with an `s3` backend pointing at the dav nginx:
                 SigV4 verification of a presigned URL (session token included), policy
                 evaluation, re-signing for the backend, streaming both ways.
    bare         through PortcullisBareProxy (bench/BareProxy): Hummingbird's responder and
                 AsyncHTTPClient configured as S3Server's, forwarding with no work of its own — the
                 floor S3Server's libraries set. For 1 KiB GETs also `--static`: Hummingbird
                 answering from memory, no upstream at all.
Measured:
  * GET and PUT of one large object (default 1 GiB) with curl (presigned URLs for S3Server, the
    PUT one UNSIGNED-PAYLOAD; output to /dev/null, no `Expect`), median of --repeat rounds, the
    paths taking turns within each round;
  * 1 KiB GETs with wrk at 64 connections: requests/s and p50/p99 latency;
  * S3Server's RSS (sampled every 50 ms) during 64 concurrent 256 MiB uploads (one curl each);
  * STSServer: AssumeRoleWithWebIdentity per second with RS256 tokens (wrk + a Lua script
    rotating through --sts-tokens distinct tokens in POST form bodies). Both per-source-IP and
    per-provider rate limits are turned off (`sts.rateLimits.*.requestsPerSecond: 0`).

The result is a Markdown table (paste it into README.md "Performance") with the ratios and the
targets of issues 5 and 6; a missed target is reported as MISS but does not fail the run. Wrong
bytes or failed requests do (exit 1). `--quick` shrinks every size and duration to check the
harness in under a minute; its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests" / "e2e"))
for key in [k for k in os.environ if k.startswith("AWS_")]:
    del os.environ[key]
os.environ.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                   "AWS_EC2_METADATA_DISABLED": "true"})
os.environ.setdefault("PORTCULLIS_BIN_DIR", str(REPO / ".build" / "release"))

import requests  # noqa: E402

from nginx import NginxDav, NginxProxy, free_port, wait_for_port  # noqa: E402
from oidc_issuer import OIDCIssuer  # noqa: E402
from portcullis import AUDIENCE, ROLE_RW, Deployment, RSSSampler, assume, read_rss_kib, s3_client  # noqa: E402

BUCKET = "bench"
MEM_BUCKET = "bench-mem"  # the memory test's uploads: on disk (see the module doc)
MIB = 1 << 20

# Targets (issue 6 item 8, issue 5 item 10).
TARGET_THROUGHPUT_VS_PROXY = 1.0
TARGET_RATE_VS_PROXY = 0.8
TARGET_PEAK_RSS_MIB = 150
TARGET_STS_PER_SECOND = 3000

PATHS = ("direct", "proxy", "bare", "s3server")
LABELS = {"direct": "direct", "proxy": "nginx proxy", "bare": "bare HB+AHC", "s3server": "S3Server", "static": "HB static"}


class NginxBackedDeployment(Deployment):
    """The e2e harness's deployment, with the dav nginx as its `s3` backend and STS unthrottled."""

    def __init__(self, root: Path, issuer, backend_url: str, disk_backend_url: str):
        super().__init__(root, issuer, backend="filesystem")
        self.backend_url = backend_url
        self.disk_backend_url = disk_backend_url

    def config(self) -> dict:
        cfg = super().config()
        # nginx ignores the signature; S3Server still signs every request, as for a real backend.
        keys = {"accessKeyId": {"value": "BENCHBACKENDKEY"}, "secretAccessKey": {"value": "bench-backend-secret"}}
        cfg["backends"] = [
            {"name": "nginx-dav-disk", "type": "s3", "endpoint": self.disk_backend_url, "region": "us-east-1",
             "buckets": [MEM_BUCKET], **keys},
            {"name": "nginx-dav", "type": "s3", "endpoint": self.backend_url, "region": "us-east-1", "buckets": ["*"], **keys},
        ]
        off = {"requestsPerSecond": 0, "burst": 1}
        cfg["sts"]["rateLimits"] = {"perSourceIp": off, "perProvider": off}
        return cfg


class BareProxy:
    """PortcullisBareProxy (release build, next to S3Server): forwarding to `upstream`, or
    answering from memory when `upstream` is None."""

    def __init__(self, upstream: str | None, log: Path):
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        binary = Path(os.environ["PORTCULLIS_BIN_DIR"]) / "PortcullisBareProxy"
        self.cmd = [str(binary), "--port", str(self.port)] + (["--upstream", upstream] if upstream else ["--static"])
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 15.0) -> "BareProxy":
        # Output to a file: a pipe nobody reads would block the proxy once full.
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        if wait_for_port(self.port, self.proc, timeout):
            return self
        if self.proc.poll() is not None:
            raise RuntimeError(f"{' '.join(self.cmd)} exited with {self.proc.returncode}: {self.log.read_text(errors='replace')[-2000:]}")
        self.stop()
        raise TimeoutError(f"{' '.join(self.cmd)} not listening after {timeout} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# -- clients ----------------------------------------------------------------------------------

def curl(args: list[str], timeout: float = 600) -> tuple[int, float, int]:
    """(HTTP status, seconds, bytes moved) of one curl transfer."""
    out = subprocess.run(
        ["curl", "-s", "-S", "-o", "/dev/null", "-H", "Expect:", "-w", "%{http_code} %{time_total} %{size_download} %{size_upload}",
         *args], capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"curl {' '.join(a[:80] for a in args)} failed: {out.stderr.strip()}")
    code, seconds, down, up = out.stdout.split()
    return int(code), float(seconds), max(int(down), int(up))


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int          # non-2xx/3xx answers plus socket errors

    @classmethod
    def parse(cls, out: str) -> "WrkResult":
        pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
        rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1))
        requests_done = int(re.search(r"^\s+(\d+) requests in", out, re.M).group(1))
        errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        if sock:
            errors += sum(int(x) for x in sock.groups())
        return cls(rps, _ms(pct["50"]), _ms(pct["99"]), requests_done, errors)


def wrk(url: str, connections: int, threads: int, seconds: float, script: Path | None = None) -> WrkResult:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    try:
        return WrkResult.parse(out.stdout)
    except (AttributeError, KeyError, ValueError) as e:
        raise RuntimeError(f"unreadable wrk output ({e!r}):\n{out.stdout}\n{out.stderr}") from None


def make_file(path: Path, size_mib: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(MIB)
    with path.open("wb") as f:
        for i in range(size_mib):
            # Cheap but not constant: every MiB differs, so no layer can deduplicate or compress.
            f.write(i.to_bytes(8, "little") + block[8:])


# -- the measurements ---------------------------------------------------------------------------

@dataclass
class Results:
    large_mib: int = 0
    get_mibs: dict[str, float] = field(default_factory=dict)
    put_mibs: dict[str, float] = field(default_factory=dict)
    small: dict[str, WrkResult] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    sts: WrkResult | None = None
    failures: list[str] = field(default_factory=list)


def backend_prefix(args, work: Path) -> Path:
    """Where the dav backend of the large and small tests lives (its objects and temp files):
    under --backend-dir, else on /dev/shm when it has room for the large object three times
    over, else on disk in the work directory (then large PUTs measure the disk as much as the
    proxies)."""
    parent = Path(args.backend_dir) if args.backend_dir else Path("/dev/shm")
    need = (3 * args.large_mib + 256) * MIB
    if args.backend_dir or (parent.is_dir() and os.access(parent, os.W_OK) and shutil.disk_usage(parent).free >= need):
        prefix = Path(tempfile.mkdtemp(prefix="portcullis-bench-dav-", dir=parent))
        os.chmod(prefix, 0o755)
        return prefix
    return work / "dav"


class Bench:
    def __init__(self, args, work: Path):
        self.args = args
        self.work = work
        self.results = Results(large_mib=args.large_mib)

    def start(self) -> None:
        # The whole prefix on the tmpfs: nginx's dav module writes a body to its temp path and
        # renames it into place, which across file systems becomes a copy.
        self.dav = NginxDav(backend_prefix(self.args, self.work), workers=self.args.nginx_workers)
        self.data = self.dav.root / BUCKET
        self.disk_dav = NginxDav(self.work / "dav-disk", workers=self.args.nginx_workers)
        self.mem_data = self.disk_dav.root / MEM_BUCKET
        # The objects to GET exist before nginx starts (and so belong to its user).
        make_file(self.data / "large.bin", self.args.large_mib)
        (self.data / "small.bin").write_bytes(os.urandom(1024))
        self.dav.start()
        self.disk_dav.start()
        print(f"Backend: {self.dav.prefix} (memory test: {self.disk_dav.prefix})", flush=True)
        self.proxy = NginxProxy(self.work / "proxy", self.dav, workers=self.args.nginx_workers).start()
        self.issuer = OIDCIssuer().start()
        self.deployment = NginxBackedDeployment(self.work / "portcullis", self.issuer, self.dav.url, self.disk_dav.url).start()
        self.fresh_rss_mib = read_rss_kib(self.deployment.s3_pid) / 1024
        creds = assume(self.deployment, self.issuer.mint(sub="bench", aud=AUDIENCE))["Credentials"]
        self.s3 = s3_client(self.deployment, creds)
        self.bare = BareProxy(self.dav.url, self.work / "bare-proxy.log").start()
        self.static = BareProxy(None, self.work / "bare-static.log").start()
        self.bases = {"direct": self.dav.url, "proxy": self.proxy.url, "bare": self.bare.url, "static": self.static.url}

    def stop(self) -> None:
        for name in ("deployment", "issuer", "static", "bare", "proxy", "disk_dav", "dav"):
            part = getattr(self, name, None)
            if part is not None:
                part.stop()
        if getattr(self, "dav", None) is not None and not self.dav.prefix.is_relative_to(self.work):
            shutil.rmtree(self.dav.prefix, ignore_errors=True)

    def url(self, path: str, method: str, key: str, bucket: str = BUCKET) -> str:
        if path != "s3server":
            return f"{self.bases[path]}/{bucket}/{key}"
        operation = "get_object" if method == "GET" else "put_object"
        return self.s3.generate_presigned_url(operation, Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600)

    # 1. large GET and PUT ----------------------------------------------------------------------

    def large_transfers(self) -> None:
        size = self.args.large_mib * MIB
        source = self.data / "large.bin"
        times: dict[tuple[str, str], list[float]] = {}
        for rep in range(self.args.repeat):
            # A different path goes first each round, so that none always follows the same one.
            for path in PATHS[rep % len(PATHS):] + PATHS[:rep % len(PATHS)]:
                code, seconds, moved = curl([self.url(path, "GET", "large.bin")])
                self.check(code in (200,) and moved == size, f"{path} GET large: HTTP {code}, {moved} bytes")
                times.setdefault((path, "GET"), []).append(seconds)
                key = f"put-{path}.bin"
                code, seconds, moved = curl(["-T", str(source), self.url(path, "PUT", key)])
                self.check(code in (200, 201, 204) and moved == size, f"{path} PUT large: HTTP {code}, {moved} bytes")
                times.setdefault((path, "PUT"), []).append(seconds)
                stored = self.data / key
                if rep == 0 and path == "s3server":
                    self.check(files_equal(stored, source), "S3Server PUT large: stored bytes differ from the source")
                stored.unlink(missing_ok=True)
        for (path, op), samples in times.items():
            target = self.results.get_mibs if op == "GET" else self.results.put_mibs
            target[path] = self.args.large_mib / statistics.median(samples)
            print(f"  {op} {self.args.large_mib} MiB {LABELS[path]:<13} {target[path]:8.1f} MiB/s  "
                  f"(runs: {', '.join(f'{self.args.large_mib / s:.0f}' for s in samples)})", flush=True)

    # 2. 1 KiB GETs at 64 connections -----------------------------------------------------------

    def small_gets(self) -> None:
        a = self.args
        for path in PATHS + ("static",):
            url = self.url(path, "GET", "small.bin")
            wrk(url, a.connections, a.wrk_threads, a.warmup)
            result = wrk(url, a.connections, a.wrk_threads, a.duration)
            self.check(result.errors == 0, f"{path} 1 KiB GETs: {result.errors} failed of {result.requests}")
            self.results.small[path] = result
            print(f"  1 KiB GET {LABELS[path]:<13} {result.rps:9.0f} req/s  p50 {result.p50_ms:.2f} ms  "
                  f"p99 {result.p99_ms:.2f} ms  ({result.requests} requests)", flush=True)

    # 3. S3Server's memory under concurrent uploads -----------------------------------------------

    def memory(self) -> None:
        a = self.args
        source = self.work / "client" / "upload.bin"
        make_file(source, a.mem_mib)
        pid = self.deployment.s3_pid
        idle_mib = read_rss_kib(pid) / 1024
        urls = [self.url("s3server", "PUT", f"mem/{i}.bin", bucket=MEM_BUCKET) for i in range(a.mem_uploads)]
        sampler = RSSSampler(pid, interval=0.05).start()
        started = time.monotonic()
        procs = [subprocess.Popen(["curl", "-s", "-S", "-o", "/dev/null", "-H", "Expect:", "-w", "%{http_code}", "-T", str(source), u],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for u in urls]
        codes = [p.communicate(timeout=1800) for p in procs]
        elapsed = time.monotonic() - started
        sampler.stop()
        bad = [f"{out or '-'} {err.strip()}" for out, err in codes if out not in ("200", "201", "204")]
        self.check(not bad, f"concurrent uploads: {len(bad)} of {len(urls)} failed, e.g. {bad[:3]}")
        sizes = [(self.mem_data / "mem" / f"{i}.bin").stat().st_size if (self.mem_data / "mem" / f"{i}.bin").exists() else -1
                 for i in range(a.mem_uploads)]
        self.check(all(s == a.mem_mib * MIB for s in sizes), "concurrent uploads: a stored object has the wrong size")
        shutil.rmtree(self.mem_data / "mem", ignore_errors=True)
        source.unlink()
        peak = sampler.peak_kib / 1024
        self.results.memory = {"fresh_mib": self.fresh_rss_mib, "idle_mib": idle_mib, "peak_mib": peak,
                               "growth_mib": peak - idle_mib, "seconds": elapsed,
                               "total_gib": a.mem_uploads * a.mem_mib / 1024}
        print(f"  {a.mem_uploads} × {a.mem_mib} MiB concurrent PUTs through S3Server in {elapsed:.1f} s "
              f"({a.mem_uploads * a.mem_mib / elapsed:.0f} MiB/s): RSS fresh {self.fresh_rss_mib:.1f} MiB, "
              f"idle {idle_mib:.1f} MiB, peak {peak:.1f} MiB", flush=True)

    # 4. STS --------------------------------------------------------------------------------------

    def sts(self) -> None:
        a = self.args
        bodies = []
        for i in range(a.sts_tokens):
            token = self.issuer.mint(sub=f"bench-{i}", aud=AUDIENCE, ttl=3600, alg="RS256")
            bodies.append("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + quote(ROLE_RW, safe="")
                          + f"&RoleSessionName=bench-{i}&WebIdentityToken=" + token)
        # One call first: discovery and JWKS are fetched once, as in steady state.
        r = requests.post(self.deployment.sts_url + "/", data=bodies[0],
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
        self.check(r.status_code == 200, f"STS warm-up call: HTTP {r.status_code} {r.text[:300]}")
        script = self.work / "sts.lua"
        script.write_text(STS_LUA.replace("BODIES", ",\n".join(json.dumps(b) for b in bodies)))
        url = self.deployment.sts_url + "/"
        wrk(url, a.sts_connections, a.wrk_threads, a.warmup, script)
        result = wrk(url, a.sts_connections, a.wrk_threads, a.duration, script)
        self.check(result.errors == 0, f"STS: {result.errors} failed of {result.requests}")
        self.results.sts = result
        jwks_fetches = self.issuer.requests.count("/jwks.json")
        print(f"  AssumeRoleWithWebIdentity {result.rps:9.0f} /s  p50 {result.p50_ms:.2f} ms  "
              f"p99 {result.p99_ms:.2f} ms  ({result.requests} requests, {a.sts_tokens} distinct RS256 tokens, "
              f"JWKS fetched {jwks_fetches}×)", flush=True)

    def check(self, ok: bool, failure: str) -> None:
        if not ok:
            print(f"  FAILED: {failure}", flush=True)
            self.results.failures.append(failure)


# Each wrk thread starts at its own offset and walks the token list.
STS_LUA = """
local bodies = {
BODIES
}
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local i = 0
function init(args)
  i = tonumber(offset) or 0
end
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
function request()
  i = i + 1
  return wrk.format("POST", nil, headers, bodies[(i % #bodies) + 1])
end
"""


def files_equal(a: Path, b: Path) -> bool:
    return a.exists() and subprocess.run(["cmp", "-s", str(a), str(b)]).returncode == 0


# -- report --------------------------------------------------------------------------------------

def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISS**"


def report(r: Results, args) -> str:
    size = f"{r.large_mib // 1024} GiB" if r.large_mib % 1024 == 0 else f"{r.large_mib} MiB"
    rows = []

    def row(label: str, values: dict[str, float], fmt: str, higher_is_better: bool = True) -> None:
        d, p, b, s = (values.get(k) for k in PATHS)
        cells = [fmt.format(v) if v is not None else "–" for v in (d, p, b, s)]
        if higher_is_better:
            ratios = [ratio(s, p), ratio(b, p), ratio(s, b), ratio(p, d)]
        else:  # latency: how many times faster (>1 is better), consistent with the rate columns
            ratios = [ratio(p, s), ratio(p, b), ratio(b, s), ratio(d, p)]
        rows.append(f"| {label} | " + " | ".join(cells + ratios) + " |")

    lines = [
        "| | direct | nginx proxy | bare HB+AHC | S3Server | S3Server / proxy | bare / proxy | S3Server / bare | proxy / direct |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    if r.get_mibs:
        row(f"{size} GET (MiB/s)", r.get_mibs, "{:.0f}")
        row(f"{size} PUT (MiB/s)", r.put_mibs, "{:.0f}")
    if r.small:
        row(f"1 KiB GET, {args.connections} conn (req/s)", {k: v.rps for k, v in r.small.items()}, "{:.0f}")
        row("1 KiB GET p50 latency (ms)", {k: v.p50_ms for k, v in r.small.items()}, "{:.2f}", False)
        row("1 KiB GET p99 latency (ms)", {k: v.p99_ms for k, v in r.small.items()}, "{:.2f}", False)
    lines += rows
    lines.append("")
    lines.append("(latency ratios are inverted, proxy p50 / S3Server p50 etc., so that above 1× is better everywhere; "
                 "bare HB+AHC is bench/BareProxy: Hummingbird + AsyncHTTPClient forwarding with no work of its own)")
    if "static" in r.small:
        st = r.small["static"]
        lines.append(f"Hummingbird alone, 1 KiB from memory (no upstream hop): {st.rps:.0f} req/s = "
                     f"{ratio(st.rps, r.small['proxy'].rps)} nginx proxy, p50 {st.p50_ms:.2f} ms, p99 {st.p99_ms:.2f} ms")
    m = r.memory
    if m:
        lines.append(f"S3Server RSS, {args.mem_uploads} concurrent {args.mem_mib} MiB PUTs ({m['total_gib']:.1f} GiB in "
                     f"{m['seconds']:.0f} s): peak **{m['peak_mib']:.0f} MiB** (fresh {m['fresh_mib']:.0f} MiB, idle before "
                     f"{m['idle_mib']:.0f} MiB, growth {m['growth_mib']:.0f} MiB)")
    if r.sts:
        lines.append(f"STSServer AssumeRoleWithWebIdentity, RS256, {args.sts_tokens} distinct tokens, {args.sts_connections} conn, "
                     f"rate limits off: **{r.sts.rps:.0f}/s**, p50 {r.sts.p50_ms:.2f} ms, p99 {r.sts.p99_ms:.2f} ms")
    lines.append("")
    lines.append("Targets:")
    if r.get_mibs:
        for op, values in (("GET", r.get_mibs), ("PUT", r.put_mibs)):
            v = values["s3server"] / values["proxy"]
            lines.append(f"- {size} {op} throughput ≥ {TARGET_THROUGHPUT_VS_PROXY}× nginx proxy: {v:.2f}× — "
                         f"{verdict(v >= TARGET_THROUGHPUT_VS_PROXY)} (bare HB+AHC: {ratio(values.get('bare'), values['proxy'])})")
    if r.small:
        v = r.small["s3server"].rps / r.small["proxy"].rps
        lines.append(f"- 1 KiB GET rate ≥ {TARGET_RATE_VS_PROXY}× nginx proxy: {v:.2f}× — {verdict(v >= TARGET_RATE_VS_PROXY)}"
                     f" (on the same libraries with no work of ours: {ratio(r.small['bare'].rps, r.small['proxy'].rps)})")
    if m:
        lines.append(f"- S3Server peak RSS < {TARGET_PEAK_RSS_MIB} MiB: {m['peak_mib']:.0f} MiB — "
                     f"{verdict(m['peak_mib'] < TARGET_PEAK_RSS_MIB)}")
    if r.sts:
        lines.append(f"- AssumeRoleWithWebIdentity ≥ {TARGET_STS_PER_SECOND}/s: {r.sts.rps:.0f}/s — "
                     f"{verdict(r.sts.rps >= TARGET_STS_PER_SECOND)}")
    return "\n".join(lines)


def environment() -> str:
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().replace("nginx version: ", "")
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    load = os.getloadavg()[0]
    return (f"{platform.node()}: {os.cpu_count()} cores, {platform.release()}; {nginx}; {wrk_v}; "
            f"binaries {os.environ['PORTCULLIS_BIN_DIR']}; load average before the run {load:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes and durations: checks the harness only")
    parser.add_argument("--only", default="large,small,memory,sts", help="comma-separated subset of large,small,memory,sts")
    parser.add_argument("--large-mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=7,
                        help="large transfers per path and method, interleaved (median reported; one transfer varies ±30 %% here)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=12, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk before each measured run")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--nginx-workers", default="auto")
    parser.add_argument("--mem-uploads", type=int, default=64)
    parser.add_argument("--mem-mib", type=int, default=256)
    parser.add_argument("--sts-tokens", type=int, default=1000)
    parser.add_argument("--sts-connections", type=int, default=64)
    parser.add_argument("--workdir", default=None, help="parent of the scratch directory (default: the system temp dir)")
    parser.add_argument("--backend-dir", default=None,
                        help="parent of the dav backend's data for the large and small tests (default: /dev/shm if it has room)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    if args.quick:
        args.large_mib, args.repeat, args.duration, args.warmup = 64, 1, 2, 1
        args.mem_mib, args.sts_tokens = 4, 100
    parts = set(args.only.split(","))
    for tool in ("curl", "wrk", "nginx", "cmp"):
        if not shutil.which(tool) and not (tool == "nginx" and os.path.exists("/usr/sbin/nginx")):
            print(f"{tool} not found: run `make bench` (it installs nginx-core and wrk) or install it", file=sys.stderr)
            return 2

    print(environment(), flush=True)
    work = Path(tempfile.mkdtemp(prefix="portcullis-compare-", dir=args.workdir))
    os.chmod(work, 0o755)  # the unprivileged nginx must reach its prefix
    bench = Bench(args, work)
    started = time.monotonic()
    try:
        bench.start()
        if "large" in parts:
            print(f"Large object ({args.large_mib} MiB, curl, median of {args.repeat}):", flush=True)
            bench.large_transfers()
        if "small" in parts:
            print(f"1 KiB GETs (wrk, {args.wrk_threads} threads, {args.connections} connections, {args.duration:.0f} s):", flush=True)
            bench.small_gets()
        # STS before the memory test: right after its 16 GiB of disk writes, STS measured
        # 3000–3500/s; after the 1 KiB GETs, or on its own, 3800–5000/s.
        if "sts" in parts:
            print("STSServer:", flush=True)
            bench.sts()
        if "memory" in parts:
            print("S3Server memory:", flush=True)
            bench.memory()
    finally:
        bench.stop()
        shutil.rmtree(work, ignore_errors=True)
    r = bench.results
    print(f"\nDone in {time.monotonic() - started:.0f} s.\n")
    print(report(r, args))
    if args.json:
        raw = {"args": vars(args) | {"json": str(args.json)}, "large_mib": r.large_mib, "get_mibs": r.get_mibs,
               "put_mibs": r.put_mibs, "small": {k: vars(v) for k, v in r.small.items()}, "memory": r.memory,
               "sts": vars(r.sts) if r.sts else None, "failures": r.failures}
        args.json.write_text(json.dumps(raw, indent=2) + "\n")
    if r.failures:
        print("\nFAILED:\n" + "\n".join(f"- {f}" for f in r.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
