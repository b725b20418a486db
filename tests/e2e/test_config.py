"""A bad configuration stops startup with a message naming the file and the field."""

from __future__ import annotations

import subprocess

import pytest

from portcullis import binary

GOOD = """
sts: {listen: "127.0.0.1:0", accountId: "123456789012"}
s3: {listen: "127.0.0.1:0", adminListen: "127.0.0.1:0"}
"""


@pytest.mark.parametrize("server", ["STSServer", "S3Server"])
@pytest.mark.parametrize(
    "yaml, field",
    [
        (GOOD + "roles: [{arn: 'arn:aws:iam::123456789012:role/x', trustPolicy: t.json, policies: [p.json], maxSesionDuration: 7200}]\n",
         "roles[0].maxSesionDuration: unknown key"),
        (GOOD.replace('"127.0.0.1:0", accountId', '"nowhere", accountId'), "sts.listen: expected host:port"),
        (GOOD + "providers: [{name: x, issuer: 'https://x', audiences: [a], algorithms: [none]}]\n",
         "providers[0].algorithms[0]: unsupported algorithm 'none'"),
    ],
)
def test_bad_configuration_is_named(tmp_path, server, yaml, field):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml)
    result = subprocess.run([str(binary(server)), "run", "--config", str(config)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"{config}: {field}" in result.stderr, result.stderr


@pytest.mark.parametrize("server", ["STSServer", "S3Server"])
def test_missing_key_file_is_named(tmp_path, server):
    config = tmp_path / "keys.yaml"
    config.write_text(GOOD + """
sessionKeys:
  signing: {id: k, file: missing.pem}
  verification: [{id: k, file: missing.pub.pem}]
  derivation: [{id: k, file: missing.key}]
""")
    result = subprocess.run([str(binary(server)), "run", "--config", str(config)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"{config}: sessionKeys." in result.stderr, result.stderr
    assert "missing" in result.stderr
