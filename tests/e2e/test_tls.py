"""S3Server on TLS (`s3.tls`), with clients verifying a self-signed CA."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os

import boto3
import botocore
import pytest
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portcullis import REGION, Deployment, assume


def write_self_signed(directory) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class TLSDeployment(Deployment):
    def __init__(self, root, issuer):
        super().__init__(root, issuer)
        self.root.mkdir(parents=True, exist_ok=True)
        self.cert, self.key = write_self_signed(self.root)
        self.s3_url = self.s3_url.replace("http://", "https://")

    def config(self) -> dict:
        config = super().config()
        config["s3"]["tls"] = {"certificateFile": self.cert, "privateKeyFile": self.key}
        return config


@pytest.fixture(scope="module")
def tls_deployment(tmp_path_factory, issuer):
    deployment = TLSDeployment(tmp_path_factory.mktemp("tls"), issuer).start()
    yield deployment
    deployment.stop()


def client(deployment, creds, **config):
    return boto3.client(
        "s3", endpoint_url=deployment.s3_url, region_name=REGION, verify=deployment.cert,
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config))


def test_https_round_trip_with_plain_bodies(tls_deployment, issuer):
    creds = assume(tls_deployment, issuer.mint(sub="tls"), session="tls")["Credentials"]
    s3 = client(tls_deployment, creds, request_checksum_calculation="when_required")
    s3.create_bucket(Bucket="tls-plain")
    s3.put_object(Bucket="tls-plain", Key="k", Body=b"over tls")
    assert s3.get_object(Bucket="tls-plain", Key="k")["Body"].read() == b"over tls"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="tls-plain")["Contents"]] == ["k"]


def test_https_defaults_send_aws_chunked_with_a_crc32_trailer(tls_deployment, issuer, tmp_path):
    """boto3's defaults over HTTPS: STREAMING-UNSIGNED-PAYLOAD-TRAILER, Transfer-Encoding: chunked."""
    creds = assume(tls_deployment, issuer.mint(sub="tls"), session="tls")["Credentials"]
    s3 = client(tls_deployment, creds)
    s3.create_bucket(Bucket="tls-chunked")
    body = os.urandom(3 * 1024 * 1024 + 17)
    response = s3.put_object(Bucket="tls-chunked", Key="single", Body=body)
    assert response.get("ChecksumCRC32"), response
    assert s3.get_object(Bucket="tls-chunked", Key="single")["Body"].read() == body
    # Multipart through upload_file: every part is aws-chunked too.
    source = tmp_path / "multi.bin"
    source.write_bytes(os.urandom(20 * 1024 * 1024))
    s3.upload_file(str(source), "tls-chunked", "multi")
    target = tmp_path / "multi.out"
    s3.download_file("tls-chunked", "multi", str(target))
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    head = s3.head_object(Bucket="tls-chunked", Key="single")
    assert head.get("ContentEncoding") in (None, "")  # aws-chunked is framing, never stored


def test_https_refuses_unknown_ca(tls_deployment, issuer):
    creds = assume(tls_deployment, issuer.mint(sub="tls"), session="tls")["Credentials"]
    s3 = boto3.client(
        "s3", endpoint_url=tls_deployment.s3_url, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"],
        config=Config(retries={"max_attempts": 1}))
    with pytest.raises(botocore.exceptions.SSLError):
        s3.list_buckets()
