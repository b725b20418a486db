"""Requests crafted so that the policy check and the backend could read them differently."""

from __future__ import annotations

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from portcullis import REGION, s3_client, signed_request


def test_encoded_slash_in_bucket_cannot_write_under_a_denied_prefix(deployment, creds, bucket_name):
    s3_client(deployment, creds).create_bucket(Bucket=bucket_name)
    # Signed the way S3Server canonicalises (`%2F` decodes to `/`), so only the bucket-name
    # check stands between this request and a write under readonly/.
    request = AWSRequest(method="PUT", url=f"{deployment.s3_url}/{bucket_name}/readonly/x.txt", data=b"sneaky")
    S3SigV4Auth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]), "s3", REGION).add_auth(request)
    url = f"{deployment.s3_url}/{bucket_name}%2Freadonly%2Fx.txt"
    response = requests.put(url, data=b"sneaky", headers=dict(request.headers.items()), timeout=30)
    assert response.status_code == 400, response.text
    assert "<Code>InvalidBucketName</Code>" in response.text
    head = signed_request("HEAD", f"{deployment.s3_url}/{bucket_name}/readonly/x.txt", creds)
    assert head.status_code == 404


def test_repeated_query_parameters_are_refused(deployment, creds, bucket_name):
    s3_client(deployment, creds).create_bucket(Bucket=bucket_name)
    url = f"{deployment.s3_url}/{bucket_name}?list-type=2&prefix=alice/&prefix="
    response = signed_request("GET", url, creds)
    assert response.status_code == 400
    assert "<Code>InvalidArgument</Code>" in response.text


def test_non_empty_bucket_is_not_deleted(deployment, creds, bucket_name):
    s3 = s3_client(deployment, creds)
    s3.create_bucket(Bucket=bucket_name)
    s3.put_object(Bucket=bucket_name, Key="keep", Body=b"1")
    response = signed_request("DELETE", f"{deployment.s3_url}/{bucket_name}", creds)
    assert response.status_code == 409, response.text
    assert "<Code>BucketNotEmpty</Code>" in response.text
    assert s3.get_object(Bucket=bucket_name, Key="keep")["Body"].read() == b"1"


def test_unknown_headers_do_not_reach_the_backend(deployment, creds, bucket_name):
    """A header outside the S3 request headers (a backend-specific switch) is not forwarded."""
    s3 = s3_client(deployment, creds)
    s3.create_bucket(Bucket=bucket_name)
    response = signed_request(
        "PUT", f"{deployment.s3_url}/{bucket_name}/obj", creds, body=b"data",
        headers={"X-Amz-Meta-Colour": "blue", "X-Minio-Force-Delete": "true", "X-Amz-Meta-Snowball-Auto-Extract": "true"})
    assert response.status_code == 200, response.text
    head = s3.head_object(Bucket=bucket_name, Key="obj")
    assert head["Metadata"].get("colour") == "blue"
    if deployment.backend != "filesystem":  # the embedded store keeps it as plain metadata, which is harmless
        assert "snowball-auto-extract" not in head["Metadata"]
