"""A fake OIDC issuer for the end-to-end tests (design: shared/reference/test-peers.md §8).

Runs a threaded http.server on 127.0.0.1:<free port> and serves

* ``GET /.well-known/openid-configuration`` (``issuer`` = exactly the base URL),
* ``GET /jwks.json`` (an RSA-2048 key ``rsa-1`` and a P-256 key ``ec-1``),
* ``GET /mint?sub=&aud=&ttl=&alg=&<claim>=`` (a fresh token, for shell use).

Tests mint tokens through the Python API, :meth:`OIDCIssuer.mint`, including the negative
cases (``alg: none``, HS256 keyed with the RSA public PEM, unknown ``kid``, wrong ``iss``,
expired, ``nbf`` in the future, tampered payload).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

_UNSET = object()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OIDCIssuer:
    RSA_KID = "rsa-1"
    EC_KID = "ec-1"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.rsa_public_pem = self.rsa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.requests: list[str] = []  # paths served, for tests that want to see fetches
        # Failure injection for the discovery and JWKS documents: "ok", "down" (503) or "slow"
        # (answers after `slow_seconds`).
        self.mode = "ok"
        self.slow_seconds = 8.0
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.host, self.port = self._server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None

    # -- identity ---------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def issuer_host(self) -> str:
        """The issuer without scheme, as used in IAM (`oidc-provider/<this>`, `<this>:aud`)."""
        return self.url.split("://", 1)[1]

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": f"{self.url}/jwks.json",
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        }

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa_key.public_key()))
        rsa_jwk.pop("key_ops", None)
        rsa_jwk.update({"kid": self.RSA_KID, "alg": "RS256", "use": "sig"})
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec_key.public_key()))
        ec_jwk.pop("key_ops", None)
        ec_jwk.update({"kid": self.EC_KID, "alg": "ES256", "use": "sig"})
        return {"keys": [rsa_jwk, ec_jwk]}

    def rotate_rsa_key(self, kid: str) -> rsa.RSAPrivateKey:
        """Replace the RSA signing key with a fresh one published under `kid`, as an IdP rotating
        its keys does; the old key is no longer published. Returns the retired key."""
        retired = self.rsa_key
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.RSA_KID = kid
        return retired

    def jwks_fetches(self) -> int:
        return self.requests.count("/jwks.json")

    # -- minting ----------------------------------------------------------------------------

    def mint(
        self,
        sub: str | None = "user-1",
        aud: str | list[str] | None = "portcullis-test",
        ttl: int = 600,
        alg: str = "RS256",
        kid: Any = _UNSET,
        extra_claims: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        exp: Any = _UNSET,
        nbf: Any = _UNSET,
        iat: Any = _UNSET,
        iss: Any = _UNSET,
    ) -> str:
        """Mint a token.

        ``alg``: ``RS256`` / ``ES256`` (good signatures), ``none`` (unsigned, empty signature),
        ``HS256-confusion`` (HS256 keyed with the RSA public key's PEM bytes), or any other
        HMAC alg name signed with the PEM bytes too.
        ``kid``: default picks the key's kid; ``None`` leaves ``kid`` out; a string overrides.
        ``exp``/``nbf``/``iat``/``iss``/``sub``/``aud``: ``None`` omits the claim (where that
        makes sense); any other value overrides the default.
        """
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.url if iss is _UNSET else iss}
        if sub is not None:
            claims["sub"] = sub
        if aud is not None:
            claims["aud"] = aud
        claims["iat"] = now if iat is _UNSET else iat
        if nbf is not _UNSET:
            if nbf is not None:
                claims["nbf"] = nbf
        else:
            claims["nbf"] = now - 5
        if exp is not _UNSET:
            if exp is not None:
                claims["exp"] = exp
        else:
            claims["exp"] = now + ttl
        claims["jti"] = uuid.uuid4().hex
        if claims.get("iss") is None:
            claims.pop("iss")
        if extra_claims:
            claims.update(extra_claims)

        hdr: dict[str, Any] = {"typ": "JWT"}
        if alg == "RS256":
            key: Any = self.rsa_key
            default_kid = self.RSA_KID
        elif alg == "ES256":
            key = self.ec_key
            default_kid = self.EC_KID
        elif alg == "none":
            h = {"alg": "none", "typ": "JWT"}
            if kid is not _UNSET and kid is not None:
                h["kid"] = kid
            elif kid is _UNSET:
                h["kid"] = self.RSA_KID
            if headers:
                h.update(headers)
            return ".".join(
                [
                    _b64url(json.dumps(h, separators=(",", ":")).encode()),
                    _b64url(json.dumps(claims, separators=(",", ":")).encode()),
                    "",
                ]
            )
        else:
            # Algorithm confusion: HMAC keyed with the RSA public key's PEM bytes. pyjwt refuses
            # PEM-looking HMAC keys, so sign by hand.
            hmac_alg = "HS256" if alg == "HS256-confusion" else alg
            h = {"alg": hmac_alg, "typ": "JWT"}
            if kid is _UNSET:
                h["kid"] = self.RSA_KID
            elif kid is not None:
                h["kid"] = kid
            if headers:
                h.update(headers)
            return self._hmac_sign(h, claims, self.rsa_public_pem, hmac_alg)

        if kid is _UNSET:
            hdr["kid"] = default_kid
        elif kid is not None:
            hdr["kid"] = kid
        if headers:
            hdr.update(headers)
        return jwt.encode(claims, key, algorithm=alg, headers=hdr)

    @staticmethod
    def _hmac_sign(header: dict[str, Any], claims: dict[str, Any], key: bytes, alg: str) -> str:
        import hashlib
        import hmac

        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
        signing_input = (
            _b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + _b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        sig = hmac.new(key, signing_input.encode(), digest).digest()
        return signing_input + "." + _b64url(sig)

    @staticmethod
    def tamper(token: str, **changes: Any) -> str:
        """Return the token with payload claims changed but the original signature kept."""
        h, p, s = token.split(".")
        payload = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
        payload.update(changes)
        return ".".join([h, _b64url(json.dumps(payload, separators=(",", ":")).encode()), s])

    # -- server -----------------------------------------------------------------------------

    def _handler_class(self):
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):  # keep pytest output quiet
                pass

            def _send(self, status: int, body: bytes, ctype: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=60")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                parts = urlsplit(self.path)
                issuer.requests.append(parts.path)
                if parts.path in ("/.well-known/openid-configuration", "/jwks.json"):
                    if issuer.mode == "down":
                        self._send(503, b'{"error":"unavailable"}')
                        return
                    if issuer.mode == "slow":
                        time.sleep(issuer.slow_seconds)
                if parts.path == "/.well-known/openid-configuration":
                    self._send(200, json.dumps(issuer.discovery()).encode())
                elif parts.path == "/jwks.json":
                    self._send(200, json.dumps(issuer.jwks()).encode())
                elif parts.path == "/mint":
                    q = dict(parse_qsl(parts.query, keep_blank_values=True))
                    sub = q.pop("sub", "user-1")
                    aud = q.pop("aud", "portcullis-test")
                    ttl = int(q.pop("ttl", "600"))
                    alg = q.pop("alg", "RS256")
                    extra = {}
                    for k, v in q.items():
                        try:
                            extra[k] = json.loads(v) if v[:1] in "[{" else v
                        except ValueError:
                            extra[k] = v
                    tok = issuer.mint(sub=sub, aud=aud, ttl=ttl, alg=alg, extra_claims=extra)
                    self._send(200, tok.encode() + b"\n", "text/plain")
                else:
                    self._send(404, b'{"error":"not found"}')

        return Handler

    def start(self) -> "OIDCIssuer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-issuer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "OIDCIssuer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":  # manual use: python oidc_issuer.py [port]
    import sys

    iss = OIDCIssuer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    print(f"issuer {iss.url}", flush=True)
    print(iss.mint(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        iss.stop()
