"""Backend routing: renamed buckets and key prefixes, region routing, NoSuchBucket, virtual-hosted
upstream addressing and TLS to a backend (CA bundle, unverified failure, the insecure switch).

One SeaweedFS of its own (virtual-hosted names under `localhost`, an extra HTTPS port with a
certificate from a CA generated here) and one Portcullis deployment with several backends on it
(and a filesystem backend). What reaches the backend is checked with SeaweedFS's own credentials.
"""

from __future__ import annotations

import datetime
import subprocess
import ipaddress
import xml.etree.ElementTree as ET

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portcullis import Deployment, assume, binary, client_error, signed_request, xml_error
from seaweedfs import SeaweedFS, free_ports

MiB = 1024 * 1024


def write_ca_and_server_cert(directory) -> tuple[str, str, str]:
    """A CA, and a certificate it signed for localhost/127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portcullis routing test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = directory / "ca.pem", directory / "backend-cert.pem", directory / "backend-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return tuple(str(p) for p in paths)


class RoutingDeployment(Deployment):
    """Portcullis in front of one SeaweedFS through several differently configured backends."""

    def __init__(self, root, issuer, seaweed: SeaweedFS, https_port: int, ca: str):
        super().__init__(root, issuer, "seaweedfs", seaweed)
        self.https_port = https_port
        self.ca = ca

    def config(self) -> dict:
        cfg = super().config()
        sw = self.seaweed
        creds = {"accessKeyId": {"value": sw.access_key}, "secretAccessKey": {"value": sw.secret_key}}
        https = f"https://127.0.0.1:{self.https_port}"
        self.data.mkdir(parents=True, exist_ok=True)
        cfg["backends"] = [
            {"name": "eu", "type": "s3", "endpoint": sw.endpoint, **creds, "regions": ["eu-central-1"],
             "buckets": [{"bucket": "team-a", "backendBucket": "corp-eu", "keyPrefix": "eu/"}]},
            {"name": "main", "type": "s3", "endpoint": sw.endpoint, **creds,
             "buckets": [{"bucket": "team-a", "backendBucket": "corp-team-a", "keyPrefix": "portcullis/"},
                         {"bucket": "team-b", "backendBucket": "corp-team-b"},
                         {"bucket": "proj-*", "backendBucket": "corp-*-x"}]},
            {"name": "vhost", "type": "s3", "endpoint": f"http://localhost:{sw.s3_port}", **creds,
             "addressing": "virtual", "buckets": [{"bucket": "vh-data", "backendBucket": "corp-vh", "keyPrefix": "v/"}]},
            {"name": "tls-ca", "type": "s3", "endpoint": https, **creds, "caBundle": self.ca,
             "buckets": [{"bucket": "tls-ca", "backendBucket": "corp-tls"}]},
            {"name": "tls-system", "type": "s3", "endpoint": https, **creds,
             "buckets": [{"bucket": "tls-system", "backendBucket": "corp-tls"}]},
            {"name": "tls-insecure", "type": "s3", "endpoint": https, **creds, "insecureSkipTLSVerify": True,
             "buckets": [{"bucket": "tls-insecure", "backendBucket": "corp-tls"}]},
            {"name": "local", "type": "filesystem", "path": "data", "buckets": ["fs-*"]},
        ]
        return cfg


@pytest.fixture(scope="module")
def routing(tmp_path_factory, issuer):
    root = tmp_path_factory.mktemp("routing")
    ca, cert, key = write_ca_and_server_cert(root)
    https_port, = free_ports(1)
    sw = SeaweedFS(root / "seaweedfs", extra_args=[
        "-s3.domainName=localhost", f"-s3.port.https={https_port}", f"-s3.cert.file={cert}", f"-s3.key.file={key}"])
    (root / "seaweedfs").mkdir()
    sw.start()
    admin = sw.client()
    for b in ("corp-eu", "corp-team-a", "corp-team-b", "corp-vh", "corp-tls", "corp-one-x"):
        admin.create_bucket(Bucket=b)
    dep = RoutingDeployment(root / "portcullis", issuer, sw, https_port, ca)
    try:
        dep.start()
        yield dep
    finally:
        dep.stop()
        sw.stop()


@pytest.fixture(scope="module")
def creds(routing, issuer):
    return assume(routing, issuer.mint(sub="router"), session="routing")["Credentials"]


def client(dep, creds, region="us-east-1", **config):
    cfg = {"s3": {"addressing_style": "path"}, "retries": {"max_attempts": 1}, "read_timeout": 30}
    cfg.update(config)
    return boto3.client("s3", endpoint_url=dep.s3_url, region_name=region,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"], config=Config(**cfg))


def backend_keys(sw: SeaweedFS, bucket: str) -> set[str]:
    out = set()
    for page in sw.client().get_paginator("list_objects_v2").paginate(Bucket=bucket):
        out |= {o["Key"] for o in page.get("Contents", [])}
    return out


def test_renamed_bucket_with_key_prefix_round_trips(routing, creds):
    s3 = client(routing, creds)
    keys = ["a/1.txt", "a/2.txt", "b/x y+z&.txt", "top.txt"]
    for k in keys:
        s3.put_object(Bucket="team-a", Key=k, Body=k.encode())
    assert s3.get_object(Bucket="team-a", Key="b/x y+z&.txt")["Body"].read() == b"b/x y+z&.txt"
    assert s3.head_object(Bucket="team-a", Key="top.txt")["ContentLength"] == len("top.txt")
    # The objects really sit in the renamed bucket, under the prefix.
    assert backend_keys(routing.seaweed, "corp-team-a") == {"portcullis/" + k for k in keys}

    # boto3 asks for encoding-type=url and decodes: the prefix is stripped from encoded keys too.
    listing = s3.list_objects_v2(Bucket="team-a", Prefix="a/")
    assert listing["Name"] == "team-a" and listing["Prefix"] == "a/"
    assert [o["Key"] for o in listing["Contents"]] == ["a/1.txt", "a/2.txt"]
    top = s3.list_objects_v2(Bucket="team-a", Delimiter="/")
    assert top.get("Prefix", "") == ""
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a/", "b/"]
    assert [o["Key"] for o in top["Contents"]] == ["top.txt"]
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="team-a", PaginationConfig={"PageSize": 1}))
    assert [o["Key"] for p in pages for o in p.get("Contents", [])] == sorted(keys)
    assert len(pages) == len(keys)
    v1 = s3.list_objects(Bucket="team-a", Marker="a/2.txt")
    assert v1["Name"] == "team-a" and v1.get("Marker") in (None, "a/2.txt")
    assert [o["Key"] for o in v1["Contents"]] == ["b/x y+z&.txt", "top.txt"]
    after = s3.list_objects_v2(Bucket="team-a", StartAfter="a/1.txt", MaxKeys=1)
    assert after.get("StartAfter") in (None, "a/1.txt") and [o["Key"] for o in after["Contents"]] == ["a/2.txt"]

    # The raw XML (no encoding-type): no backend name or prefix anywhere.
    raw = signed_request("GET", f"{routing.s3_url}/team-a?list-type=2&prefix=b%2F", creds)
    assert raw.status_code == 200, raw.text
    assert "corp-team-a" not in raw.text and "portcullis/" not in raw.text
    assert "<Key>b/x y+z&amp;.txt</Key>" in raw.text

    s3.copy_object(Bucket="team-a", Key="c/copy.txt", CopySource={"Bucket": "team-a", "Key": "a/1.txt"})
    assert s3.get_object(Bucket="team-a", Key="c/copy.txt")["Body"].read() == b"a/1.txt"
    assert "portcullis/c/copy.txt" in backend_keys(routing.seaweed, "corp-team-a")

    result = s3.delete_objects(Bucket="team-a", Delete={"Objects": [{"Key": "a/1.txt"}, {"Key": "a/2.txt"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a/1.txt", "a/2.txt"]
    assert not result.get("Errors")
    assert backend_keys(routing.seaweed, "corp-team-a") == {
        "portcullis/b/x y+z&.txt", "portcullis/top.txt", "portcullis/c/copy.txt"}


def test_multipart_on_a_renamed_bucket(routing, creds):
    s3 = client(routing, creds)
    started = s3.create_multipart_upload(Bucket="team-a", Key="mp/big.bin")
    assert started["Bucket"] == "team-a" and started["Key"] == "mp/big.bin"
    upload = started["UploadId"]
    uploads = s3.list_multipart_uploads(Bucket="team-a")
    assert uploads["Bucket"] == "team-a"
    assert [u["Key"] for u in uploads.get("Uploads", [])] == ["mp/big.bin"]
    parts = []
    for number, body in ((1, b"a" * (5 * MiB)), (2, b"b" * 1000)):
        etag = s3.upload_part(Bucket="team-a", Key="mp/big.bin", UploadId=upload, PartNumber=number, Body=body)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    listed = s3.list_parts(Bucket="team-a", Key="mp/big.bin", UploadId=upload)
    assert listed["Bucket"] == "team-a" and listed["Key"] == "mp/big.bin"
    done = s3.complete_multipart_upload(Bucket="team-a", Key="mp/big.bin", UploadId=upload,
                                        MultipartUpload={"Parts": parts})
    assert done["Bucket"] == "team-a" and done["Key"] == "mp/big.bin"
    assert "corp-team-a" not in done["Location"] and "portcullis/" not in done["Location"]
    assert s3.head_object(Bucket="team-a", Key="mp/big.bin")["ContentLength"] == 5 * MiB + 1000
    assert "portcullis/mp/big.bin" in backend_keys(routing.seaweed, "corp-team-a")
    s3.delete_object(Bucket="team-a", Key="mp/big.bin")


def test_errors_name_the_clients_bucket_and_key(routing, creds):
    r = signed_request("GET", f"{routing.s3_url}/team-a/missing/key.txt", creds)
    assert r.status_code == 404, r.text
    assert xml_error(r.content)["Code"] == "NoSuchKey"
    assert "corp-team-a" not in r.text and "portcullis/" not in r.text


def test_renamed_glob_and_plain_rename(routing, creds):
    s3 = client(routing, creds)
    s3.put_object(Bucket="proj-one", Key="k", Body=b"glob")
    assert backend_keys(routing.seaweed, "corp-one-x") == {"k"}
    assert s3.list_objects_v2(Bucket="proj-one")["Name"] == "proj-one"
    # team-b: renamed, no prefix; a copy between two client buckets of one backend is translated.
    s3.copy_object(Bucket="team-b", Key="copied", CopySource={"Bucket": "proj-one", "Key": "k"})
    assert backend_keys(routing.seaweed, "corp-team-b") == {"copied"}
    assert s3.get_object(Bucket="team-b", Key="copied")["Body"].read() == b"glob"


def test_region_routing(routing, creds):
    eu, us = client(routing, creds, region="eu-central-1"), client(routing, creds)
    eu.put_object(Bucket="team-a", Key="region.txt", Body=b"eu")
    assert backend_keys(routing.seaweed, "corp-eu") == {"eu/region.txt"}
    assert "portcullis/region.txt" not in backend_keys(routing.seaweed, "corp-team-a")
    assert eu.get_object(Bucket="team-a", Key="region.txt")["Body"].read() == b"eu"
    with pytest.raises(ClientError) as ei:
        us.get_object(Bucket="team-a", Key="region.txt")
    assert client_error(ei) == (404, "NoSuchKey")


def test_unroutable_bucket_is_no_such_bucket(routing, creds):
    r = signed_request("GET", f"{routing.s3_url}/nowhere-bucket?list-type=2", creds)
    assert r.status_code == 404 and xml_error(r.content)["Code"] == "NoSuchBucket", r.text
    assert xml_error(r.content)["BucketName"] == "nowhere-bucket"
    with pytest.raises(ClientError) as ei:
        client(routing, creds).put_object(Bucket="nowhere-bucket", Key="k", Body=b"x")
    assert client_error(ei) == (404, "NoSuchBucket")


def test_copy_across_backends_is_not_implemented(routing, creds):
    s3 = client(routing, creds)
    s3.create_bucket(Bucket="fs-target")
    with pytest.raises(ClientError) as ei:
        s3.copy_object(Bucket="fs-target", Key="k", CopySource={"Bucket": "team-b", "Key": "copied"})
    assert client_error(ei) == (501, "NotImplemented")
    s3.delete_bucket(Bucket="fs-target")


def test_virtual_hosted_upstream(routing, creds):
    s3 = client(routing, creds)
    s3.put_object(Bucket="vh-data", Key="dir/k.txt", Body=b"virtual")
    # Sent path-style with Host: localhost, the key would have become "corp-vh/v/dir/k.txt" of a
    # bucket "localhost"; SeaweedFS took the bucket from the Host header.
    assert backend_keys(routing.seaweed, "corp-vh") == {"v/dir/k.txt"}
    assert s3.get_object(Bucket="vh-data", Key="dir/k.txt")["Body"].read() == b"virtual"
    listing = s3.list_objects_v2(Bucket="vh-data", Delimiter="/")
    assert listing["Name"] == "vh-data" and [p["Prefix"] for p in listing["CommonPrefixes"]] == ["dir/"]
    result = s3.delete_objects(Bucket="vh-data", Delete={"Objects": [{"Key": "dir/k.txt"}]})
    assert [d["Key"] for d in result["Deleted"]] == ["dir/k.txt"]
    assert backend_keys(routing.seaweed, "corp-vh") == set()


def test_tls_backend_verified_with_ca_bundle(routing, creds):
    s3 = client(routing, creds)
    s3.put_object(Bucket="tls-ca", Key="secure.txt", Body=b"tls")
    assert s3.get_object(Bucket="tls-ca", Key="secure.txt")["Body"].read() == b"tls"
    assert "secure.txt" in backend_keys(routing.seaweed, "corp-tls")


def test_tls_backend_without_trusted_ca_fails_cleanly(routing, creds):
    """The system store does not know the test CA: a failed handshake is our configuration's fault,
    500 InternalError (not retried by us, nothing stored), promptly."""
    r = signed_request("PUT", f"{routing.s3_url}/tls-system/refused.txt", creds, body=b"x", timeout=30)
    assert r.status_code == 500, r.text
    assert xml_error(r.content)["Code"] == "InternalError"
    assert "refused.txt" not in backend_keys(routing.seaweed, "corp-tls")
    r = signed_request("GET", f"{routing.s3_url}/tls-system?list-type=2", creds, timeout=30)
    assert r.status_code == 500, r.text


def test_tls_backend_insecure_switch_works_and_warns(routing, creds):
    s3 = client(routing, creds)
    s3.put_object(Bucket="tls-insecure", Key="unverified.txt", Body=b"insecure")
    assert s3.get_object(Bucket="tls-insecure", Key="unverified.txt")["Body"].read() == b"insecure"
    log = (routing.root / "s3.log").read_text()
    warnings = [line for line in log.splitlines() if "TLS certificate verification is DISABLED" in line]
    assert len(warnings) == 1, log[-2000:]
    assert '"tls-insecure"' in warnings[0] and "warning" in warnings[0]


def test_unreadable_ca_bundle_stops_startup(routing):
    """A caBundle that does not load is a configuration error naming the file and field."""
    config = routing.root / "bad-ca.yaml"
    config.write_text(routing.config_path.read_text().replace(routing.ca, routing.ca + ".missing"))
    result = subprocess.run([str(binary("S3Server")), "run", "--config", str(config)], cwd=routing.root,
                            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert f"{config}: backends[3].caBundle: cannot load PEM certificates from {routing.ca}.missing" in result.stderr, \
        result.stderr


def test_list_buckets_names_buckets_as_clients_address_them(routing, creds):
    """Renamed buckets are listed under the client's names, never the backend's; a backend bucket
    no route serves is not listed; a region-bound route shows only for its region."""
    names = {b["Name"] for b in client(routing, creds).list_buckets()["Buckets"]}
    assert {"team-a", "team-b", "proj-one", "vh-data", "tls-ca", "tls-insecure"} <= names, names
    assert not {n for n in names if n.startswith("corp-")}, names
    eu = {b["Name"] for b in client(routing, creds, region="eu-central-1").list_buckets()["Buckets"]}
    assert "team-a" in eu and not {n for n in eu if n.startswith("corp-")}, eu
