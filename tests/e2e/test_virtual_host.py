"""Virtual-hosted-style requests (`bucket.<base domain>`), signed for the Host the client used.

The suite's deployments list `s3.localtest` as a base domain. Requests go to 127.0.0.1 with the
virtual-hosted Host header, so no DNS is needed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from botocore.auth import HmacV1Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from portcullis import REGION, s3_client


def virtual_request(deployment, creds, method: str, bucket: str, path: str, body: bytes = b"", v2: bool = False):
    port = urlsplit(deployment.s3_url).port
    host = f"{bucket}.s3.localtest:{port}"
    request = AWSRequest(method=method, url=f"http://{host}{path}", data=body)
    credentials = Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    if v2:
        request.auth_path = f"/{bucket}{path.split('?')[0]}"
        HmacV1Auth(credentials).add_auth(request)
    else:
        S3SigV4Auth(credentials, "s3", REGION).add_auth(request)
    headers = dict(request.headers.items())
    headers["Host"] = host
    return requests.request(method, f"{deployment.s3_url}{path}", data=body, headers=headers, timeout=30)


def test_virtual_hosted_put_get_list(deployment, creds, bucket_name):
    s3_client(deployment, creds).create_bucket(Bucket=bucket_name)
    put = virtual_request(deployment, creds, "PUT", bucket_name, "/dir//a%20b.txt", b"virtual")
    assert put.status_code == 200, put.text
    get = virtual_request(deployment, creds, "GET", bucket_name, "/dir//a%20b.txt")
    assert get.status_code == 200 and get.content == b"virtual"
    listing = virtual_request(deployment, creds, "GET", bucket_name, "/?list-type=2")
    assert listing.status_code == 200
    # SeaweedFS stores keys as filer paths and lists `dir//a b.txt` as `dir/a b.txt`.
    assert "<Key>dir//a b.txt</Key>" in listing.text or (deployment.backend == "seaweedfs" and "<Key>dir/a b.txt</Key>" in listing.text)
    # The same object, path-style.
    assert s3_client(deployment, creds).get_object(Bucket=bucket_name, Key="dir//a b.txt")["Body"].read() == b"virtual"


def test_virtual_hosted_sigv2_header_auth(deployment, creds, bucket_name):
    s3_client(deployment, creds).create_bucket(Bucket=bucket_name)
    put = virtual_request(deployment, creds, "PUT", bucket_name, "/v2.txt", b"signed v2", v2=True)
    assert put.status_code == 200, put.text
    get = virtual_request(deployment, creds, "GET", bucket_name, "/v2.txt", v2=True)
    assert get.status_code == 200 and get.content == b"signed v2"


def test_virtual_hosted_policy_applies_to_the_host_bucket(deployment, creds, bucket_name):
    s3_client(deployment, creds).create_bucket(Bucket=bucket_name)
    denied = virtual_request(deployment, creds, "PUT", bucket_name, "/readonly/x.txt", b"no")
    assert denied.status_code == 403
    assert "<Code>AccessDenied</Code>" in denied.text
