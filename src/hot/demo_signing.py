"""The demo's policy story on a running localnet (issue 8): a contract decides, the network signs.

1. Deploy examples/approvals/contract.py (`hot_verify` allows exactly the hashes its owner approved).
2. Reserve a key whose access list names that contract.
3. The owner approves one message; the gatekeeper signs it with Ed25519 (FROST) and, as its SHA-256,
   with secp256k1 (threshold ECDSA, recovery id): every node asked the contract first.
4. A message nobody approved is refused with `authorization_denied`.
Each record is checked by hot.demo_verify (libraries that share no code with hot.mpc).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hot.demo_localnet import LocalnetAccess, wait_for_presignatures
from hot.demo_verify import Checks, check_record

APPROVED_MESSAGE = b"hot-protocol demo: pay 5 HOT to bob.test.near"
REFUSED_MESSAGE = b"hot-protocol demo: pay everything to mallory.test.near"


@dataclass
class PolicyOutcome:
    """What the policy story produced: records with their checks, and how the refusal looked."""

    policy: str
    key_id: str
    records: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Checks] = field(default_factory=list)
    refusal: str = ""  # the error code of the refused request ("" if it was signed: a failure)

    @property
    def ok(self) -> bool:
        return self.refusal == "authorization_denied" and all(all(c.values()) for c in self.checks)


def approvals_source() -> Path:
    """The example policy's source file (deployed as contract code, not imported)."""
    from hot.examples import approvals

    return Path(approvals.__file__).with_name("contract.py")


def run_policy_story(localnet: LocalnetAccess) -> PolicyOutcome:
    import base58

    from hot.wire.errors import HotError
    from hot.sdk.client import access_method

    policy = localnet.deploy_contract("approvals", approvals_source(), init="new",
                                      args={"owner": localnet.operator_id})
    digest = hashlib.sha256(APPROVED_MESSAGE).digest()
    with localnet.client() as hot:
        key = hot.reserve_key([access_method(policy)])
        outcome = PolicyOutcome(policy=policy, key_id=key.key_id)
        # hot_verify receives base58(SHA-256(message)) for Ed25519 and the 32-byte hash itself for
        # secp256k1, so approving the digest covers both requests below.
        hot.near.call(policy, "approve", {"msg_hash": base58.b58encode(digest).decode()})
        payload = [b""]  # the approvals policy needs no proof beyond the owner's on-chain approval
        for domain, message in (("ed25519", APPROVED_MESSAGE), ("secp256k1", digest)):
            if domain == "secp256k1":
                wait_for_presignatures(localnet.status, 1)
            result = hot.sign(key.key_id, domain, message, payload)
            record = {"domain": domain, "key_id": key.key_id, "message": message.hex(),
                      "signature": result.signature.hex(), "public_key": result.public_key.hex(),
                      "recovery_id": result.recovery_id}
            outcome.records.append(record)
            outcome.checks.append(check_record(record))
        try:
            hot.sign(key.key_id, "ed25519", REFUSED_MESSAGE, payload)
        except HotError as exc:
            outcome.refusal = exc.code
    return outcome


__all__ = ["APPROVED_MESSAGE", "REFUSED_MESSAGE", "PolicyOutcome", "run_policy_story"]
