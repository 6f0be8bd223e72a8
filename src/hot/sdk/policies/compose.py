"""Composition for hot_verify: facts from contract state next to signatures, and request parsing.

`hot.sdk.policies.signatures` combines anything with `check(msg_hash, proof)` through `all_of`,
`any_of` and `at_least`. A `Fact` is such a predicate whose answer comes from the contract's own
state (an approval recorded by a `@call`, a timelock that has expired), so a `hot_verify` reads
like the policy in words:

    policy = any_of(
        all_of(device, second_factor),                              # 2FA
        all_of(device, Fact("spend recorded within today's limit", msg_hash_b58 in self.approved)),
    )
    return policy.check(msg_hash, proofs)

The helpers below turn HOT's wire arguments into trusted values or a denial: `msg_hash_bytes`
(base58, else None), `signatures_from_payload` (re-exported from multisig), and
`decode_or_refuse`, which runs `hot.sdk.policies.decode.decode` inside a `@call` and turns every
decoding failure into a coded contract failure (never an allow, never an uncoded crash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import base58
from hot.wire.errors import RequestRefused
from hot.sdk.policies.decode import (
    DecodedRequest,
    DecodeError,
    decode,
)
from hot.sdk.policies.multisig import signatures_from_payload
from hot.sdk.policies.signatures import (
    AtLeast,
    Predicate,
    Proof,
    all_of,
    any_of,
    at_least,
)

__all__ = [
    "Fact",
    "RequestRefused",
    "all_of",
    "any_of",
    "at_least",
    "decode_or_refuse",
    "msg_hash_bytes",
    "policy_holds",
    "signatures_from_payload",
]

MSG_HASH_BYTES = 32  # HOT signs 32-byte hashes (ECDSA digests, EdDSA messages of hash length)


@dataclass(frozen=True)
class Fact:
    """A condition read from contract state, usable inside all_of/any_of like a signature.

    `holds` is a bool, or a zero-argument callable evaluated only when the combination needs it
    (any_of stops at the first member that holds). The proof is ignored: a fact is about state.
    """

    label: str
    holds: bool | Callable[[], bool]

    def check(self, msg_hash: bytes, proof: Proof) -> bool:
        """True iff the fact holds (exactly `True`: a truthy non-bool is a definition bug, so no)."""
        value = self.holds() if callable(self.holds) else self.holds
        return value is True


def msg_hash_bytes(msg_hash_b58: str) -> bytes | None:
    """HOT's base58 msg_hash as its 32 bytes, or None (deny) for anything else.

    Only the canonical encoding is accepted (the one nodes send), so a contract that records
    approvals under the base58 string has exactly one key per hash.
    """
    if not isinstance(msg_hash_b58, str) or not msg_hash_b58:
        return None
    try:
        raw = base58.b58decode(msg_hash_b58)
    except ValueError:
        return None
    canonical = len(raw) == MSG_HASH_BYTES and base58.b58encode(raw).decode() == msg_hash_b58
    return raw if canonical else None


def decode_or_refuse(chain: str, preimage: bytes, msg_hash: bytes, **ctx: Any) -> DecodedRequest:
    """`decode(...)` for a `@call`: the trusted request, or a coded `RequestRefused`.

    The pre-image must hash to msg_hash (E_PREIMAGE_MISMATCH); bad bytes are
    E_MALFORMED_TRANSACTION; kinds a decoder cannot judge are E_UNSUPPORTED_TRANSACTION.
    """
    try:
        return decode(chain, preimage, msg_hash, **ctx)
    except DecodeError as exc:
        raise RequestRefused(exc.contract_code, str(exc)) from exc  # each DecodeError names its E_ code


def policy_holds(policy: Predicate | AtLeast, msg_hash_b58: str, user_payload: str) -> bool:
    """hot_verify's answer for a signature/fact policy over HOT's wire arguments; malformed = no."""
    msg_hash = msg_hash_bytes(msg_hash_b58)
    signatures = signatures_from_payload(user_payload) if user_payload else {}
    return msg_hash is not None and signatures is not None and policy.check(msg_hash, signatures)
