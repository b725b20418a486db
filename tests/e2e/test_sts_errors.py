"""STS error answers for the parameter checks that no SDK would send wrong on its own: code, HTTP
status and `Type`, in AWS's XML shape, over a raw form POST."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

from portcullis import ROLE_RW, STS_NS


def post(dep, form: dict[str, str]) -> tuple[int, dict[str, str]]:
    resp = requests.post(dep.sts_url + "/", data=form, timeout=30)
    root = ET.fromstring(resp.content)
    error = root.find(f"{STS_NS}Error")
    assert error is not None, resp.text
    return resp.status_code, {child.tag.removeprefix(STS_NS): child.text or "" for child in error}


def base(issuer, **extra: str) -> dict[str, str]:
    form = {"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": ROLE_RW,
            "RoleSessionName": "errors", "WebIdentityToken": issuer.mint(sub="errors")}
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


@pytest.mark.parametrize("change,status,code", [
    ({"Policy": "{not json"}, 400, "MalformedPolicyDocument"),
    ({"Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Acton":"s3:*","Resource":"*"}]}'}, 400,
     "MalformedPolicyDocument"),
    ({"ProviderId": "www.amazon.com"}, 400, "InvalidParameterValue"),
    ({"Version": "2010-01-01"}, 400, "InvalidAction"),
    ({"Action": "AssumeRoleWithSAML"}, 400, "InvalidAction"),
    ({"DurationSeconds": "abc"}, 400, "InvalidParameterValue"),
    ({"RoleSessionName": "has space"}, 400, "ValidationError"),
    ({"PolicyArns.member.1.arn": "arn:aws:iam::123456789012:policy/none"}, 400, "MalformedPolicyDocument"),
], ids=["policy-not-json", "policy-unknown-element", "provider-id", "wrong-version", "unknown-action",
        "duration-not-a-number", "session-name", "unknown-policy-arn"])
def test_parameter_errors(fs_deployment, issuer, change, status, code):
    got_status, error = post(fs_deployment, base(issuer, **change))
    assert (got_status, error["Code"], error["Type"]) == (status, code, "Sender"), error


def test_missing_version(fs_deployment, issuer):
    form = base(issuer)
    del form["Version"]
    status, error = post(fs_deployment, form)
    assert (status, error["Code"]) == (400, "MissingParameter")
    assert "Version" in error["Message"]
