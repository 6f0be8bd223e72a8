"""Signature predicates for hot_verify: "signed by this registered key", and their combinations.

Pure building blocks, free of contract state: a contract keeps its keys in storage, builds the
predicate from them inside `hot_verify`, and asks `predicate.check(msg_hash, proof)`. State-backed
policies (multisig key sets that change, limits, timelocks, recovery) are built on top.

A proof is either one signature (`bytes`, for a single `SignedBy`) or a mapping from key id to
signature (`{"alice": sig, "ed25519:ab12..": sig}`) that every predicate in a combination reads
its own entry from. What is signed is `msg_hash` itself, exactly as given: for ECDSA the 32-byte
hash, for Ed25519 and BIP340 the same bytes as the message. Verification follows
`hot.sdk.hostcrypto`'s rule: a missing, malformed or wrong signature is simply `False`, never an
exception, so a hostile proof can only ever make a predicate say no. Predicates whose definition is
wrong (bad key length, k outside 1..m, one key counted twice) fail when built, with a typed error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

from hot.sdk import hostcrypto

from hot.wire.errors import InvalidPolicyKey, PolicyDefinitionError

Proof = bytes | Mapping[str, bytes]


class Scheme(str, Enum):
    """Signature schemes a registered key can use; the value prefixes the key id."""

    ED25519 = "ed25519"
    SECP256K1_ECDSA = "secp256k1"
    BIP340 = "bip340"


# Accepted public key lengths: Ed25519 32; secp256k1 SEC1 compressed 33 / uncompressed 65; x-only 32.
_KEY_LENGTHS = {Scheme.ED25519: (32,), Scheme.SECP256K1_ECDSA: (33, 65), Scheme.BIP340: (32,)}


@runtime_checkable
class Predicate(Protocol):
    """Anything that can judge a proof for a message; combinators accept any of these."""

    def check(self, msg_hash: bytes, proof: Proof) -> bool:
        """True iff `proof` authorizes `msg_hash`; False for anything malformed."""
        ...


@dataclass(frozen=True)
class SignedBy:
    """A signature over msg_hash by one registered key (`label` names it in a proof mapping)."""

    scheme: Scheme
    public_key: bytes
    label: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "scheme", Scheme(self.scheme))
        except ValueError as exc:
            raise PolicyDefinitionError(f"unknown scheme {self.scheme!r}; one of {[s.value for s in Scheme]}") from exc
        if not isinstance(self.public_key, bytes) or len(self.public_key) not in _KEY_LENGTHS[self.scheme]:
            raise InvalidPolicyKey(f"a {self.scheme.value} key is {_KEY_LENGTHS[self.scheme]} bytes")

    @property
    def key_id(self) -> str:
        """The entry this key's signature is read from: the label, or `<scheme>:<key hex>`."""
        return self.label or f"{self.scheme.value}:{self.public_key.hex()}"

    def check(self, msg_hash: bytes, proof: Proof) -> bool:
        """Verify this key's signature (bytes, or the key's entry in a mapping) over msg_hash."""
        signature = proof.get(self.key_id) if isinstance(proof, Mapping) else proof
        if not isinstance(signature, (bytes, bytearray)) or not isinstance(msg_hash, (bytes, bytearray)):
            return False
        return self.verify(bytes(msg_hash), bytes(signature))

    def verify(self, msg_hash: bytes, signature: bytes) -> bool:
        """The scheme's verification (hostcrypto); ECDSA takes a 64-byte compact low-s r||s."""
        if self.scheme is Scheme.ED25519:
            return bool(hostcrypto.ed25519_verify(self.public_key, msg_hash, signature))
        if self.scheme is Scheme.SECP256K1_ECDSA:
            return bool(hostcrypto.secp256k1_ecdsa_verify(self.public_key, msg_hash, signature))
        return bool(hostcrypto.bip340_verify(self.public_key, msg_hash, signature))


@dataclass(frozen=True)
class AtLeast:
    """At least `k` of the predicates hold (k-of-m). `all_of` is m-of-m, `any_of` is 1-of-m."""

    k: int
    predicates: tuple[Predicate, ...]

    def __post_init__(self) -> None:
        if not self.predicates:
            raise PolicyDefinitionError("a combination needs at least one predicate")
        if not all(isinstance(p, Predicate) for p in self.predicates):
            raise PolicyDefinitionError("every member of a combination must have check(msg_hash, proof)")
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not 1 <= self.k <= len(self.predicates):
            raise PolicyDefinitionError(f"k must be 1..{len(self.predicates)}, got {self.k!r}")
        _require_distinct_signers(self.predicates)

    def check(self, msg_hash: bytes, proof: Proof) -> bool:
        """Count members that hold, stopping as soon as the answer is known."""
        held = missed = 0
        for predicate in self.predicates:
            if predicate.check(msg_hash, proof):
                held += 1
                if held >= self.k:
                    return True
            else:
                missed += 1
                if missed > len(self.predicates) - self.k:
                    return False
        return False


def _require_distinct_signers(predicates: tuple[Predicate, ...]) -> None:
    """One key (or one label) listed twice would let one signature count twice toward k."""
    seen_keys: set[tuple[Scheme, bytes]] = set()
    seen_ids: set[str] = set()
    for predicate in predicates:
        if not isinstance(predicate, SignedBy):
            continue
        key = (predicate.scheme, predicate.public_key)
        if key in seen_keys or predicate.key_id in seen_ids:
            raise PolicyDefinitionError(f"signer {predicate.key_id} is listed twice")
        seen_keys.add(key)
        seen_ids.add(predicate.key_id)


def at_least(k: int, *predicates: Predicate) -> AtLeast:
    """k-of-m over distinct signers (a threshold approval)."""
    return AtLeast(k, tuple(predicates))


def all_of(*predicates: Predicate) -> AtLeast:
    """Every predicate must hold (e.g. the user's key AND a 2FA co-signer)."""
    return AtLeast(len(predicates), tuple(predicates))


def any_of(*predicates: Predicate) -> AtLeast:
    """Any one predicate suffices (e.g. the daily key OR the recovery key)."""
    return AtLeast(1, tuple(predicates))
