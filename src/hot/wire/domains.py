"""The signing domains and their schemes: the one table every part reads (issue 16).

A domain is a group with one root key (whitepaper §2.2.5). Each has exactly one signing protocol
on the network, one key-derivation scheme name (the KDF's `scheme` input, so keys of different
schemes on one group never coincide), and fixed sizes on the wire. Adding a domain means adding
one row here; the node, gatekeeper, SDK, contracts and localnet take their lists from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeGuard

from hot.wire.errors import UnknownDomain


class Domain(StrEnum):
    """A signing domain, by its wire name."""

    ED25519 = "ed25519"
    SECP256K1 = "secp256k1"


DomainName = Literal["ed25519", "secp256k1"]  # the same names, for pydantic models and type hints


@dataclass(frozen=True)
class DomainSpec:
    """What a domain is on the wire and on the network."""

    domain: Domain
    protocol: str            # how the network signs (README "Schemes")
    derivation_scheme: str   # the KDF's scheme input (hot.mpc.crypto.derivation)
    public_key_size: int     # Ed25519 32 bytes; secp256k1 SEC1 compressed 33 bytes
    signature_size: int      # Ed25519 R||S; secp256k1 r||s (low s)
    recoverable: bool        # signatures carry a recovery id
    prehashed: bool          # a message is the 32-byte digest that is signed (ECDSA), not the message itself


DOMAINS: dict[Domain, DomainSpec] = {
    Domain.ED25519: DomainSpec(Domain.ED25519, "FROST(Ed25519, SHA-512), RFC 9591", "eddsa", 32, 64, False, False),
    Domain.SECP256K1: DomainSpec(Domain.SECP256K1, "threshold ECDSA with presignatures (Damgård et al. 2020)",
                                 "ecdsa", 33, 64, True, True),
}
DOMAIN_NAMES: tuple[str, ...] = tuple(d.value for d in DOMAINS)
DIGEST_SIZE = 32


def domain_of(name: object) -> Domain:
    """The Domain named `name`; UnknownDomain (a typed 400) for anything else."""
    try:
        if isinstance(name, str):
            return Domain(name)
    except ValueError:
        pass
    raise UnknownDomain(f"unknown domain {name!r}; known: {list(DOMAIN_NAMES)}")


def is_domain_name(name: object) -> TypeGuard[DomainName]:
    """True for a domain's wire name: lets a type checker narrow a checked `str` to DomainName."""
    return name in DOMAIN_NAMES


def spec(name: object) -> DomainSpec:
    """The table row of a domain name."""
    return DOMAINS[domain_of(name)]
