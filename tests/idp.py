"""A tiny local OpenID identity provider for JWT authorizer tests: serves its discovery
document and key set over plain HTTP and signs tokens with its RSA keys (pyjwt)."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class LocalIssuer:
    """``with LocalIssuer() as idp:`` serves ``idp.issuer``; ``idp.token(claims)`` signs.

    ``fetches`` counts requests for the key set; :meth:`rotate` adds a new signing key.
    """

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.kid = self.rotate()
        self.fetches = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    doc = {"issuer": issuer.issuer, "jwks_uri": f"{issuer.issuer}/keys"}
                elif self.path == "/keys":
                    issuer.fetches += 1
                    doc = issuer.jwks
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                payload = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"

    def rotate(self) -> str:
        """A new signing key (the old ones stay in the key set); its kid."""
        kid = uuid.uuid4().hex
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid
        return kid

    @property
    def jwks(self) -> dict[str, Any]:
        found = []
        for kid, key in self.keys.items():
            jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            found.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": found}

    def token(self, claims: dict[str, Any], *, now: float, expires_in: int = 3600,
              kid: str | None = None, algorithm: str = "RS256",
              key: Any = None) -> str:
        """A token of ``claims`` with ``iss``, ``iat`` and ``exp`` where they are missing."""
        full = {"iss": self.issuer, "iat": int(now), "exp": int(now) + expires_in, **claims}
        kid = kid or self.kid
        signing = key if key is not None else self.keys[kid]
        return jwt.encode(full, signing, algorithm=algorithm, headers={"kid": kid})

    def __enter__(self) -> LocalIssuer:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
