"""Sub-resource operations (`?tagging`, `?versions`, `?versioning`, `?acl`, `?attributes`, …) through
S3Server on each backend: each is authorised as its own IAM action, forwarded to SeaweedFS, and
answered by the filesystem backend only where it can answer truthfully (NotImplemented otherwise)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_RW, client_error, s3_client, signed_request, sts_client


def session_client(deployment, issuer, name: str, statements: list[dict]):
    """An S3 client whose session policy narrows ROLE_RW (which allows s3:*) to `statements`."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    creds = sts_client(deployment).assume_role_with_web_identity(
        RoleArn=ROLE_RW, RoleSessionName=name, WebIdentityToken=issuer.mint(sub=name), Policy=policy)["Credentials"]
    return s3_client(deployment, creds)


def test_object_tagging(deployment, s3, bucket):
    s3.put_object(Bucket=bucket, Key="t.txt", Body=b"tagged")
    tags = [{"Key": "project", "Value": "portcullis"}, {"Key": "tier", "Value": "gold"}]
    if deployment.backend == "filesystem":
        # The store keeps no tags: refusing is honest, pretending to store them is not.
        for call in (lambda: s3.put_object_tagging(Bucket=bucket, Key="t.txt", Tagging={"TagSet": tags}),
                     lambda: s3.get_object_tagging(Bucket=bucket, Key="t.txt"),
                     lambda: s3.delete_object_tagging(Bucket=bucket, Key="t.txt")):
            with pytest.raises(ClientError) as ei:
                call()
            assert client_error(ei) == (501, "NotImplemented")
        return
    s3.put_object_tagging(Bucket=bucket, Key="t.txt", Tagging={"TagSet": tags})
    got = s3.get_object_tagging(Bucket=bucket, Key="t.txt")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in got) == [("project", "portcullis"), ("tier", "gold")]
    assert s3.head_object(Bucket=bucket, Key="t.txt")["ResponseMetadata"]["HTTPHeaders"].get("x-amz-tagging-count") in (None, "2")
    s3.delete_object_tagging(Bucket=bucket, Key="t.txt")
    assert s3.get_object_tagging(Bucket=bucket, Key="t.txt")["TagSet"] == []
    assert s3.get_object(Bucket=bucket, Key="t.txt")["Body"].read() == b"tagged"


def test_list_object_versions(deployment, s3, bucket):
    keys = ["a.txt", "dir/b.txt", "dir/c.txt", "z.txt"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    resp = s3.list_object_versions(Bucket=bucket)
    versions = resp.get("Versions", [])
    assert sorted(v["Key"] for v in versions) == keys
    assert all(v["IsLatest"] for v in versions)
    assert {v["Size"] for v in versions} == {len(k) for k in keys}
    if deployment.backend == "filesystem":
        assert {v["VersionId"] for v in versions} == {"null"}
        assert resp["IsTruncated"] is False

    rolled = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert sorted(v["Key"] for v in rolled.get("Versions", [])) == ["a.txt", "z.txt"]
    assert [p["Prefix"] for p in rolled.get("CommonPrefixes", [])] == ["dir/"]

    prefixed = s3.list_object_versions(Bucket=bucket, Prefix="dir/")
    assert sorted(v["Key"] for v in prefixed.get("Versions", [])) == ["dir/b.txt", "dir/c.txt"]


def test_list_object_versions_pages(deployment, s3, bucket):
    keys = [f"k{i}" for i in range(5)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    seen = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}):
        seen += [v["Key"] for v in page.get("Versions", [])]
    assert seen == keys


def test_get_bucket_versioning_never_enabled(s3, bucket):
    resp = s3.get_bucket_versioning(Bucket=bucket)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Status" not in resp


def test_acls(deployment, s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"x")
    for resp in (s3.get_bucket_acl(Bucket=bucket), s3.get_object_acl(Bucket=bucket, Key="o")):
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert any(g["Permission"] == "FULL_CONTROL" for g in resp["Grants"]), resp["Grants"]
    if deployment.backend == "filesystem":
        owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
        assert owner == s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"]["ID"]
        with pytest.raises(ClientError) as ei:
            s3.get_object_acl(Bucket=bucket, Key="missing")
        assert client_error(ei) == (404, "NoSuchKey")
        with pytest.raises(ClientError) as ei:
            s3.get_object_acl(Bucket=bucket, Key="o", VersionId="v1")
        assert client_error(ei) == (404, "NoSuchVersion")


def test_get_object_attributes(s3, bucket):
    """Needs x-amz-object-attributes forwarded; the ETag is unquoted in this answer."""
    s3.put_object(Bucket=bucket, Key="attr", Body=b"12345")
    etag = s3.head_object(Bucket=bucket, Key="attr")["ETag"].strip('"')
    resp = s3.get_object_attributes(Bucket=bucket, Key="attr", ObjectAttributes=["ETag", "ObjectSize", "StorageClass"])
    assert (resp["ETag"], resp["ObjectSize"], resp["StorageClass"]) == (etag, 5, "STANDARD")


def test_bucket_tagging_is_forwarded(deployment, s3, bucket):
    if deployment.backend == "filesystem":
        pytest.skip("the filesystem store keeps no bucket tags (NotImplemented, below)")
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "storage"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "storage"}]


def test_unsupported_configurations_are_not_implemented_on_filesystem(deployment, s3, bucket):
    if deployment.backend != "filesystem":
        pytest.skip("forwarded to the backend, which decides")
    for call in (lambda: s3.get_bucket_policy(Bucket=bucket),
                 lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}),
                 lambda: s3.get_bucket_tagging(Bucket=bucket),
                 lambda: s3.delete_bucket_cors(Bucket=bucket)):
        with pytest.raises(ClientError) as ei:
            call()
        assert client_error(ei) == (501, "NotImplemented")
    # Refusing did not change anything.
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_unclassified_subresources_are_not_implemented(deployment, creds, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for target in (f"{bucket}/k?torrent", f"{bucket}?replication", f"{bucket}/k?tagging&acl"):
        resp = signed_request("GET", f"{deployment.s3_url}/{target}", creds)
        assert resp.status_code == 501 and b"<Code>NotImplemented</Code>" in resp.content, (target, resp.text)


def test_session_policy_denies_get_object_tagging(deployment, issuer, s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret", Body=b"body")
    narrow = session_client(deployment, issuer, "no-tags", [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Deny", "Action": "s3:GetObjectTagging", "Resource": "*"}])
    assert narrow.get_object(Bucket=bucket, Key="secret")["Body"].read() == b"body"
    with pytest.raises(ClientError) as ei:
        narrow.get_object_tagging(Bucket=bucket, Key="secret")
    assert client_error(ei) == (403, "AccessDenied")
    # s3:GetObject alone does not grant the ACL either: each sub-resource is its own action.
    with pytest.raises(ClientError) as ei:
        narrow.get_object_acl(Bucket=bucket, Key="secret")
    assert client_error(ei) == (403, "AccessDenied")


def test_session_policy_scopes_list_object_versions_by_prefix(deployment, issuer, s3, bucket):
    for key in ("home/alice/a", "home/bob/b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    alice = session_client(deployment, issuer, "alice-versions", [
        {"Effect": "Allow", "Action": "s3:ListBucketVersions", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringLike": {"s3:prefix": "home/alice/*"}}}])
    assert [v["Key"] for v in alice.list_object_versions(Bucket=bucket, Prefix="home/alice/").get("Versions", [])] == ["home/alice/a"]
    for prefix in ("home/bob/", ""):
        with pytest.raises(ClientError) as ei:
            alice.list_object_versions(Bucket=bucket, Prefix=prefix)
        assert client_error(ei) == (403, "AccessDenied")
    # s3:ListBucketVersions is not s3:ListBucket.
    with pytest.raises(ClientError) as ei:
        alice.list_objects_v2(Bucket=bucket, Prefix="home/alice/")
    assert client_error(ei) == (403, "AccessDenied")


def test_request_object_tag_conditions_see_the_tagging_body(deployment, issuer, s3, bucket):
    """s3:RequestObjectTag/<key> in a PutObjectTagging comes from the body's TagSet, as in AWS."""
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    client = session_client(deployment, issuer, "tag-guard", [
        {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"StringEquals": {"s3:RequestObjectTag/classification": "public"}}},
        {"Effect": "Deny", "Action": "s3:PutObjectTagging", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["owner"]}}},
    ])
    for tags in ([{"Key": "classification", "Value": "secret"}],
                 [{"Key": "classification", "Value": "public"}, {"Key": "owner", "Value": "alice"}],
                 [{"Key": "other", "Value": "public"}]):
        with pytest.raises(ClientError) as ei:
            client.put_object_tagging(Bucket=bucket, Key="doc", Tagging={"TagSet": tags})
        assert client_error(ei) == (403, "AccessDenied"), tags
    allowed = {"TagSet": [{"Key": "classification", "Value": "public"}]}
    if deployment.backend == "filesystem":
        # Authorised, then refused by the store, which keeps no tags (yet).
        with pytest.raises(ClientError) as ei:
            client.put_object_tagging(Bucket=bucket, Key="doc", Tagging=allowed)
        assert client_error(ei) == (501, "NotImplemented")
        return
    client.put_object_tagging(Bucket=bucket, Key="doc", Tagging=allowed)
    assert s3.get_object_tagging(Bucket=bucket, Key="doc")["TagSet"] == allowed["TagSet"]


def test_tagging_bodies_reach_the_backend_as_authorised(deployment, issuer, s3, bucket):
    """The policy decides on the parsed TagSet and the backend receives exactly that, re-serialised:
    CDATA cannot make the two differ, and an x-amz-tagging header on the request sets nothing."""
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    client = session_client(deployment, issuer, "tag-cdata", [
        {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Deny", "Action": "s3:PutObjectTagging", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["classification"]}}},
    ])
    body = ('<Tagging><TagSet><Tag><Key>classif<![CDATA[ication]]></Key><Value>secret</Value></Tag>'
            '</TagSet></Tagging>').encode()

    def inject(request, **_):
        request.data = body
        request.headers["Content-Length"] = str(len(body))
        for name in [h for h in request.headers.keys() if h.lower().startswith("x-amz-checksum") or h.lower() == "content-md5"]:
            del request.headers[name]
        request.headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()

    client.meta.events.register("before-sign.s3.PutObjectTagging", inject)
    with pytest.raises(ClientError) as ei:
        client.put_object_tagging(Bucket=bucket, Key="doc", Tagging={"TagSet": [{"Key": "ignored", "Value": "x"}]})
    assert client_error(ei) == (403, "AccessDenied")
