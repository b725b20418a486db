"""What a session carries from the OIDC token into S3 decisions: session tags from the
`https://aws.amazon.com/tags` claim (aws:PrincipalTag/*) and the source identity from
`https://aws.amazon.com/source_identity` (aws:SourceIdentity), each allowed only when the role's
trust policy grants sts:TagSession / sts:SetSourceIdentity, as in AWS."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from portcullis import ROLE_ALICE, ROLE_RW, client_error, s3_client, sts_client

TAGS = {"https://aws.amazon.com/tags": {"principal_tags": {"team": ["blue"]}, "transitive_tag_keys": ["team"]}}
SOURCE = {"https://aws.amazon.com/source_identity": "alice-laptop"}


def assume(dep, issuer, role=ROLE_RW, sub="tagged", claims=None, policy=None):
    kw = {"RoleArn": role, "RoleSessionName": "content", "WebIdentityToken": issuer.mint(sub=sub, extra_claims=claims)}
    if policy:
        kw["Policy"] = json.dumps(policy)
    return sts_client(dep).assume_role_with_web_identity(**kw)


def test_tags_and_source_identity_reach_s3_conditions(fs_deployment, issuer, bucket_name):
    dep = fs_deployment
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue", "aws:SourceIdentity": "alice-laptop"}}}]}
    resp = assume(dep, issuer, claims={**TAGS, **SOURCE}, policy=policy)
    assert resp["SourceIdentity"] == "alice-laptop"
    s3 = s3_client(dep, resp["Credentials"])
    s3.create_bucket(Bucket=bucket_name)
    s3.delete_bucket(Bucket=bucket_name)

    # The same session policy without the matching tag denies.
    other = assume(dep, issuer, claims={"https://aws.amazon.com/tags": {"principal_tags": {"team": ["red"]}}, **SOURCE},
                   policy=policy)
    with pytest.raises(ClientError) as ei:
        s3_client(dep, other["Credentials"]).create_bucket(Bucket=bucket_name)
    assert client_error(ei) == (403, "AccessDenied")


@pytest.mark.parametrize("claims", [TAGS, SOURCE], ids=["tags", "source-identity"])
def test_trust_policy_must_allow_setting_them(fs_deployment, issuer, claims):
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer, role=ROLE_ALICE, sub="alice", claims=claims)
    assert client_error(ei) == (403, "AccessDenied")
    # Without the claims the same role is fine.
    assert assume(fs_deployment, issuer, role=ROLE_ALICE, sub="alice")["Credentials"]["AccessKeyId"].startswith("ASIA")


@pytest.mark.parametrize("value", ["x", "aws:reserved", "has space", "a" * 65])
def test_invalid_source_identity(fs_deployment, issuer, value):
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer, claims={"https://aws.amazon.com/source_identity": value})
    assert client_error(ei) == (400, "InvalidIdentityToken")


def tags_claim(tags: dict, **extra) -> dict:
    return {"https://aws.amazon.com/tags": {"principal_tags": {k: [v] for k, v in tags.items()}, **extra}}


@pytest.mark.parametrize("claims, code, fragment", [
    (tags_claim({f"k{i}": "v" for i in range(51)}), "ValidationError", "less than or equal to 50"),
    (tags_claim({"k" * 129: "v"}), "ValidationError", "less than or equal to 128"),
    (tags_claim({"team": "v" * 257}), "ValidationError", "less than or equal to 256"),
    (tags_claim({"team;drop": "v"}), "ValidationError", "regular expression"),
    (tags_claim({"aws:team": "v"}), "ValidationError", "reserved"),
    (tags_claim({"team": "a", "TEAM": "b"}), "ValidationError", "case insensitive"),
    (tags_claim({"team": "a"}, transitive_tag_keys=["cost"]), "ValidationError", "not one of the session tags"),
    ({"https://aws.amazon.com/tags": "team=blue"}, "InvalidIdentityToken", "malformed"),
    (tags_claim({f"{i:02d}" + "k" * 126: "v" * 256 for i in range(10)}), "PackedPolicyTooLarge", "session tags consumes"),
], ids=["51-tags", "long-key", "long-value", "bad-character", "aws-prefix", "case-duplicate", "transitive-unknown",
        "not-an-object", "packed-too-large"])
def test_session_tags_beyond_aws_limits_are_refused(fs_deployment, issuer, claims, code, fragment):
    """Tags AWS would refuse are refused with AWS's code, never silently trimmed."""
    with pytest.raises(ClientError) as ei:
        assume(fs_deployment, issuer, claims=claims)
    assert client_error(ei) == (400, code)
    assert fragment in ei.value.response["Error"]["Message"]


def test_session_tags_count_towards_packed_policy_size(fs_deployment, issuer):
    plain = assume(fs_deployment, issuer)
    assert "PackedPolicySize" not in plain
    tagged = assume(fs_deployment, issuer, claims=tags_claim({"team": "blue" * 50, "cost": "4" * 200}))
    # 4 + 200 + 4 + 200 = 408 bytes of 2048: 19.9%, rounded up.
    assert tagged["PackedPolicySize"] == 20
