"""FROST: Flexible Round-Optimized Schnorr Threshold signatures, exactly as RFC 9591 §4-§5.

Generic over `Ciphersuite`; the ed25519 and secp256k1 suites bind it. Round one (`commit`)
makes single-use nonces, round two (`sign`) makes one signature share per signer, and the
coordinator's `aggregate` combines them. Identifiable abort (RFC 9591 §5.4): the aggregator
first checks the aggregate signature; valid shares of any signer set always give a valid one, so
only when it fails does it check every share and raise `InvalidShare(culprit)` for the first bad
signer. Under a derived key (`hot.mpc.crypto.derivation`) every signer uses the derived group key
in binding factors and challenge, and the aggregator adds c·tweak once (whitepaper §2.2.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hot.mpc.crypto.frost_messages import (
    Signature,
    SignatureShare,
    SigningCommitments,
    SigningNonces,
    SigningPackage,
)
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.polynomial import lagrange_coefficient
from hot.mpc.crypto.suites import Ciphersuite, Point, Rng

from hot.wire.errors import InvalidParameters, InvalidShare, ProtocolError

__all__ = [
    "Signature",
    "SignatureShare",
    "SigningCommitments",
    "SigningNonces",
    "SigningPackage",
    "SigningSession",
    "aggregate",
    "commit",
    "nonce_generate",
    "sign",
    "signing_session",
    "verify_signature",
    "verify_signature_share",
]


def nonce_generate(suite: Ciphersuite, secret: int, rng: Rng) -> int:
    """RFC 9591 §4.1 nonce_generate: H3(random_bytes(32) || SerializeScalar(secret)).

    Mixing the secret share in keeps nonces unpredictable even if `rng` is weak.
    """
    return suite.H3(rng(32) + suite.serialize_scalar(secret))


def commit(suite: Ciphersuite, key_package: KeyPackage, rng: Rng) -> tuple[SigningNonces, SigningCommitments]:
    """RFC 9591 §5.1 commit: hiding then binding nonce, and their commitments D_i, E_i."""
    hiding = nonce_generate(suite, key_package.secret_share, rng)
    binding = nonce_generate(suite, key_package.secret_share, rng)
    commitments = SigningCommitments(key_package.identifier, suite.base_mul(hiding), suite.base_mul(binding))
    return SigningNonces(key_package.identifier, hiding, binding, commitments), commitments


@dataclass(frozen=True)
class SigningSession:
    """Values every party derives from a signing package and the group key (RFC 9591 §4.4-§4.6)."""

    binding_factors: dict[int, int]
    group_commitment: Point
    challenge: int


def rho_input_prefix(suite: Ciphersuite, group_public_key: Point, package: SigningPackage) -> bytes:
    """RFC 9591 §4.4: SerializeElement(PK) || H4(msg) || H5(encode_group_commitment_list(...))."""
    return (
        suite.serialize_element(group_public_key)
        + suite.H4(package.message)
        + suite.H5(package.encoded_commitment_list)
    )


def compute_binding_factors(suite: Ciphersuite, group_public_key: Point, package: SigningPackage) -> dict[int, int]:
    """RFC 9591 §4.4 compute_binding_factors: ρ_i = H1(rho_input_prefix || SerializeScalar(i)).

    The common prefix is absorbed into the hash state once; each signer then costs one copy.
    """
    h1 = suite.binding_factor_hasher(rho_input_prefix(suite, group_public_key, package))
    return {i: h1(suite.serialize_scalar(i)) for i in package.signer_ids}


def compute_group_commitment(suite: Ciphersuite, package: SigningPackage, binding_factors: Mapping[int, int]) -> Point:
    """RFC 9591 §4.5 compute_group_commitment: R = Σ D_i + ρ_i·E_i."""
    points: list[Point] = [c.hiding for c in package.commitments]
    points.extend(suite.mul(c.binding, binding_factors[c.identifier]) for c in package.commitments)
    return suite.sum(points)


def compute_challenge(suite: Ciphersuite, group_commitment: Point, group_public_key: Point, message: bytes) -> int:
    """RFC 9591 §4.6 compute_challenge: c = H2(R || PK || msg)."""
    return suite.H2(suite.serialize_element(group_commitment) + suite.serialize_element(group_public_key) + message)


def signing_session(suite: Ciphersuite, package: SigningPackage, group_public_key: Point) -> SigningSession:
    """Binding factors, group commitment R and challenge c for one signing package."""
    if package.suite != suite.name:
        raise InvalidParameters(f"signing package is for {package.suite}, not {suite.name}")
    binding_factors = compute_binding_factors(suite, group_public_key, package)
    group_commitment = compute_group_commitment(suite, package, binding_factors)
    if suite.is_identity(group_commitment):
        raise ProtocolError("group commitment is the identity; retry with fresh nonces")
    challenge = compute_challenge(suite, group_commitment, group_public_key, package.message)
    return SigningSession(binding_factors, group_commitment, challenge)


def _check_signer_set(package: SigningPackage, participants: Iterable[int], threshold: int) -> None:
    ids = package.signer_ids
    if len(ids) < threshold:
        raise InvalidParameters(f"{len(ids)} signers are fewer than the threshold {threshold}")
    unknown = set(ids) - set(participants)
    if unknown:
        raise InvalidParameters(f"signers {sorted(unknown)} hold no share of this key")


def sign(suite: Ciphersuite, package: SigningPackage, nonces: SigningNonces, key_package: KeyPackage) -> SignatureShare:
    """RFC 9591 §5.2 sign: z_i = d_i + e_i·ρ_i + λ_i·s_i·c.

    The signer refuses a package that does not carry its own round-one commitment unchanged.
    Nonces are single use (RFC 9591 §5.2): two shares made with the same nonces for different
    packages reveal the secret share, so the caller must erase `nonces` (durably, before the
    share leaves the node) once this returns; this pure function cannot do it for the caller.
    """
    i = key_package.identifier
    if key_package.suite != suite.name:
        raise InvalidParameters(f"key package is for {key_package.suite}, not {suite.name}")
    if nonces.identifier != i or package.commitment_of(i) != nonces.commitments:
        raise InvalidParameters("signing package does not contain this signer's commitments")
    _check_signer_set(package, key_package.participants, key_package.threshold)
    session = signing_session(suite, package, key_package.group_public_key)
    lam = lagrange_coefficient(suite.order, package.signer_ids, i)
    z = nonces.hiding + nonces.binding * session.binding_factors[i] + lam * key_package.secret_share * session.challenge
    return SignatureShare(i, z % suite.order)


def verify_signature_share(
    suite: Ciphersuite,
    package: SigningPackage,
    session: SigningSession,
    share: SignatureShare,
    verification_share: Point,
) -> bool:
    """RFC 9591 §5.4 verify_signature_share: z_i·G == D_i + ρ_i·E_i + (c·λ_i)·PK_i."""
    i = share.identifier
    commitment = package.commitment_of(i)
    lam = lagrange_coefficient(suite.order, package.signer_ids, i)
    expected = suite.sum(
        (
            commitment.hiding,
            suite.mul(commitment.binding, session.binding_factors[i]),
            suite.mul(verification_share, session.challenge * lam),
        )
    )
    return suite.base_mul(share.share) == expected


def aggregate(
    suite: Ciphersuite,
    package: SigningPackage,
    shares: Iterable[SignatureShare],
    public_key_package: PublicKeyPackage,
    *,
    check_every_share: bool = False,
) -> Signature:
    """RFC 9591 §5.3 aggregate, with §5.4 cheater detection; raises InvalidShare(culprit).

    By default the shares are checked through the aggregate signature (one verification);
    `check_every_share=True` checks each share first, which also names signers whose bad
    shares happen to cancel out in a valid signature.
    """
    if public_key_package.suite != suite.name:
        raise InvalidParameters(f"public key package is for {public_key_package.suite}, not {suite.name}")
    by_id: dict[int, SignatureShare] = {}
    for share in shares:
        if share.identifier in by_id:
            raise InvalidParameters(f"two signature shares from participant {share.identifier}")
        by_id[share.identifier] = share
    if set(by_id) != set(package.signer_ids):
        raise InvalidParameters(f"shares from {sorted(by_id)} do not match signers {list(package.signer_ids)}")
    _check_signer_set(package, public_key_package.verification_shares, public_key_package.threshold)
    pk = public_key_package.group_public_key
    session = signing_session(suite, package, pk)
    if check_every_share:
        _name_bad_share(suite, package, session, by_id, public_key_package)
    z = (sum(s.share for s in by_id.values()) + session.challenge * public_key_package.tweak) % suite.order
    signature = Signature(session.group_commitment, z)
    if suite.verify_schnorr(pk, package.message, signature.R, signature.z):
        return signature
    _name_bad_share(suite, package, session, by_id, public_key_package)
    raise ProtocolError("aggregate signature is invalid although every share verifies")


def _name_bad_share(
    suite: Ciphersuite,
    package: SigningPackage,
    session: SigningSession,
    by_id: Mapping[int, SignatureShare],
    public_key_package: PublicKeyPackage,
) -> None:
    for i in package.signer_ids:
        if not verify_signature_share(suite, package, session, by_id[i], public_key_package.verification_shares[i]):
            raise InvalidShare(i, f"signature share of participant {i} fails RFC 9591 §5.4 verification")


def verify_signature(suite: Ciphersuite, public_key: Point, message: bytes, signature: Signature) -> bool:
    """Schnorr verification z·G == R + c·PK with c = H2(R || PK || msg) (RFC 9591 §6)."""
    return suite.verify_schnorr(public_key, message, signature.R, signature.z)
