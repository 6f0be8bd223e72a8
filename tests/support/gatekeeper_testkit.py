"""Shared helpers of the gatekeeper tests: API keys, a client wrapper, independent signature checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import coincurve
import httpx
from hot.localnet.serve import ServerThread
from hot.mpc.crypto.derivation import derive_public_key
from hot.mpc.crypto.suites import ED25519, SECP256K1
from hot.mpc.gatekeeper.app import create_app
from nacl.signing import VerifyKey

from .node_harness import HarnessNetwork, HarnessNode

API_KEY = "test-api-key-alice"
FUZZ_KEY = "test-api-key-fuzz"  # quota 6: a few generated requests really sign, the rest stop at 429
API_KEYS = [
    {"name": "alice", "key": API_KEY},
    {"name": "bob", "key": "test-api-key-bob", "quota": 2},
    {"name": "carol", "key": "test-api-key-carol", "rate_per_s": 0.001, "burst": 2},
    {"name": "fuzz", "key": FUZZ_KEY, "quota": 6},
]


@dataclass
class Gatekeeper:
    """A running gatekeeper and an HTTP client for it."""

    url: str
    http: httpx.Client

    def sign(self, body: dict[str, Any], api_key: str | None = API_KEY) -> httpx.Response:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        return self.http.post(f"{self.url}/v1/sign", json=body, headers=headers)

    def public_key(self, key_id: str, domain: str) -> httpx.Response:
        return self.http.get(f"{self.url}/v1/keys/{key_id}/public_key", params={"domain": domain}, headers={"Authorization": f"Bearer {API_KEY}"})

    def rested(self) -> dict[str, str]:
        return self.http.get(f"{self.url}/health").json()["rested"]

    def metric(self, line_prefix: str) -> float:
        """The value of the first /metrics line starting with `line_prefix` (0 if absent)."""
        for line in self.http.get(f"{self.url}/metrics").text.splitlines():
            if line.startswith(line_prefix):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


def start_gatekeeper(network: HarnessNetwork, urls: dict[int, str], database: Path, **overrides: Any) -> ServerThread:
    """A gatekeeper over the harness nodes (not yet started: use as a context manager)."""
    config = network.gatekeeper_config(urls, API_KEYS, database=str(database), **overrides)
    return ServerThread(create_app(config))


def commits(nodes: tuple[dict[int, HarnessNode], dict[int, str]]) -> int:
    """How many /v1/sign/commit calls the nodes have accepted so far."""
    return sum(n.commits for n in nodes[0].values())


def derived_key(network: HarnessNetwork, domain: str, key_id: str) -> bytes:
    """key_id's public key computed here from the dealer's root key, not by the gatekeeper."""
    suite, public = (ED25519, network.ed_public) if domain == "ed25519" else (SECP256K1, network.secp_public)
    return bytes(suite.serialize_element(derive_public_key(suite, public.group_public_key, key_id)))


def check_ed25519(result: dict[str, Any], message: bytes, expected_key: bytes) -> None:
    """libsodium verifies the 64-byte R||S under the 32-byte derived key."""
    assert bytes.fromhex(result["public_key"]) == expected_key and len(expected_key) == 32
    assert result["recovery_id"] is None
    signature = bytes.fromhex(result["signature"])
    assert len(signature) == 64
    VerifyKey(expected_key).verify(message, signature)  # raises if invalid


def check_secp256k1(result: dict[str, Any], message_hash: bytes, expected_key: bytes) -> None:
    """libsecp256k1: low s, the recovery id recovers the key, and DER verification passes."""
    assert bytes.fromhex(result["public_key"]) == expected_key and len(expected_key) == 33
    signature = bytes.fromhex(result["signature"])
    assert len(signature) == 64 and int.from_bytes(signature[32:], "big") <= SECP256K1.order // 2
    recoverable = signature + bytes([result["recovery_id"]])
    recovered = coincurve.PublicKey.from_signature_and_message(recoverable, message_hash, hasher=None)
    assert recovered.format() == expected_key
    der = coincurve.ecdsa.cdata_to_der(coincurve.ecdsa.deserialize_compact(signature))
    assert coincurve.PublicKey(expected_key).verify(der, message_hash, hasher=None)


CHECKS = {"ed25519": check_ed25519, "secp256k1": check_secp256k1}
