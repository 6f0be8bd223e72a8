"""Offline phase: presignatures among exactly 2t-1 parties (Damgård et al. 2020, preprocessing).

Round 1 `presign_round1`: each party deals random [k], [a] (degree t-1) and a zero-sharing [z]
(degree 2t-2), Feldman-committed. Round 2 `presign_round2`: each party checks its dealings (a bad
one names its dealer), opens w_i = a_i·k_i + z_i (a degree-(2t-2) share of w = a·k, hence the 2t-1
parties) and reshares u_i = a_i·x_i at degree t-1, both tied to public points by one DLEQ proof.
`presign_finish`: check every proof and resharing, open w, and keep

    R = k·G,   k^{-1}_i = a_i / w,   σ_i = (Σ_j λ_j u_{j→i}) / w   (σ = k^{-1}·x),

with public commitments to everyone's k^{-1}_i and σ_i, so the online round is linear and each
signature share is checkable. w = a·k reveals nothing about k because a is uniform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hot.wire.errors import (
    BroadcastMismatch,
    DegenerateNonce,
    InvalidParameters,
    InvalidProof,
    InvalidShare,
    MissingMessage,
    ParticipantMismatch,
)
from hot.mpc.crypto.ecdsa.messages import PresignCommitments, PresignDealing, PresignProduct, PresignReshare
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic, PresignatureShare
from hot.mpc.crypto.polynomial import Polynomial, lagrange_coefficient
from hot.mpc.crypto.proofs_dleq import encode_parts, prove_dleq, verify_dleq
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites.base import Ciphersuite, Point, Rng
from hot.mpc.crypto.vss import VssCommitment, evaluate_commitment, sum_commitments, vss_commit, vss_verify


@dataclass(frozen=True)
class PresignRound1State:
    """A party's state after dealing: its key share and the agreed session."""

    key: KeyShare
    participants: tuple[int, ...]
    session_id: bytes


@dataclass(frozen=True)
class PresignRound2State:
    """A party's state after round 2: its summed shares and everyone's public points."""

    round1: PresignRound1State
    transcript1: bytes
    k_commitments: Mapping[int, Point]
    a_commitments: Mapping[int, Point]
    z_commitments: Mapping[int, Point]
    big_r: Point
    a_share: int = field(repr=False)


def presign_round1(
    key: KeyShare, participants: Sequence[int], session_id: bytes, rng: Rng
) -> tuple[PresignRound1State, PresignCommitments, dict[int, PresignDealing]]:
    """Deal [k], [a] at degree t-1 and [0] at degree 2t-2 (Damgård et al. 2020, preprocessing: RAND, ZERO)."""
    suite = key.suite
    parts = check_presign_participants(key, participants)
    t = key.threshold
    k_poly = Polynomial.random(suite, t - 1, suite.random_scalar(rng), rng)
    a_poly = Polynomial.random(suite, t - 1, suite.random_scalar(rng), rng)
    z_poly = Polynomial.random(suite, 2 * t - 2, 0, rng)
    commitments = PresignCommitments(
        key.identifier,
        vss_commit(suite, k_poly),
        vss_commit(suite, a_poly),
        tuple(suite.base_mul(c) for c in z_poly.coefficients[1:]),
    )
    dealings = {
        j: PresignDealing(key.identifier, j, k_poly.evaluate(j), a_poly.evaluate(j), z_poly.evaluate(j)) for j in parts
    }
    return PresignRound1State(key, parts, bytes(session_id)), commitments, dealings


def presign_round2(
    state: PresignRound1State,
    commitments: Mapping[int, PresignCommitments],
    dealings: Mapping[int, PresignDealing],
    rng: Rng,
) -> tuple[PresignRound2State, PresignProduct, dict[int, PresignReshare]]:
    """Check dealings, open the masked product share, reshare a_i·x_i (Damgård et al. 2020, preprocessing: MULT)."""
    key, parts, suite = state.key, state.participants, state.key.suite
    me, t = key.identifier, key.threshold
    check_senders(parts, commitments, "round-1 commitments")
    check_senders(parts, dealings, "round-1 dealings")
    for j in parts:
        _check_commitments_shape(suite, j, t, commitments[j])
        _check_dealing_shape(suite, j, me, dealings[j])
    k_sum = sum_commitments(suite, (commitments[j].k_commitment for j in parts))
    a_sum = sum_commitments(suite, (commitments[j].a_commitment for j in parts))
    z_sum = VssCommitment(
        (suite.identity(),) + tuple(suite.sum(commitments[j].z_commitment[m] for j in parts) for m in range(2 * t - 2))
    )
    k_i = sum(dealings[j].k_share for j in parts) % suite.order
    a_i = sum(dealings[j].a_share for j in parts) % suite.order
    z_i = sum(dealings[j].z_share for j in parts) % suite.order
    # Check the sums first (one check per sharing); only on failure look for the dealer to name.
    for name, total, share in (("k", k_sum, k_i), ("a", a_sum, a_i), ("z", z_sum, z_i)):
        if not vss_verify(suite, total, me, share):
            _name_bad_dealer(suite, name, me, t, parts, commitments, dealings)
    big_r = k_sum.constant
    if suite.is_identity(big_r):
        raise DegenerateNonce("the dealt nonce k is zero")
    k_points = {j: evaluate_commitment(suite, k_sum, j) for j in parts}
    a_points = {j: evaluate_commitment(suite, a_sum, j) for j in parts}
    z_points = {j: evaluate_commitment(suite, z_sum, j) for j in parts}
    transcript1 = _transcript1(state, commitments)
    w_i = (a_i * k_i + z_i) % suite.order
    u_poly = Polynomial.random(suite, t - 1, a_i * key.secret_share, rng)
    bases = [suite.generator(), k_points[me], key.verification_shares[me]]
    proof = prove_dleq(suite, _proof_context(state, transcript1, me), a_i, bases, rng)
    product = PresignProduct(me, transcript1, w_i, vss_commit(suite, u_poly), proof)
    reshares = {j: PresignReshare(me, j, u_poly.evaluate(j)) for j in parts}
    round2 = PresignRound2State(state, transcript1, k_points, a_points, z_points, big_r, a_i)
    return round2, product, reshares


def presign_finish(
    state: PresignRound2State,
    products: Mapping[int, PresignProduct],
    reshares: Mapping[int, PresignReshare],
) -> PresignatureShare:
    """Check every product proof and resharing, open w = a·k, output this party's presignature."""
    round1 = state.round1
    key, parts, suite = round1.key, round1.participants, round1.key.suite
    me, t = key.identifier, key.threshold
    check_senders(parts, products, "round-2 products")
    check_senders(parts, reshares, "round-2 reshares")
    for j in parts:
        _check_product(state, j, products[j])
        share = reshares[j]
        if share.sender != j or share.recipient != me or not 0 <= share.u_share < suite.order:
            raise InvalidShare(j, f"party {j}'s resharing message is malformed")
    lagrange = {j: lagrange_coefficient(suite, parts, j) for j in parts}
    w = sum(lagrange[j] * products[j].w_share for j in parts) % suite.order
    if w == 0:
        raise DegenerateNonce("the opened product a·k is zero; presign again")
    w_inv = pow(w, -1, suite.order)
    # Degree reduction: σ(X) = Σ_j λ_j·g_j(X) / w, committed coefficient-wise.
    weights = {j: lagrange[j] * w_inv % suite.order for j in parts}
    sigma_commitment = VssCommitment(
        tuple(suite.multi_mul([(products[j].u_commitment.points[m], weights[j]) for j in parts]) for m in range(t))
    )
    sigma_i = sum(weights[j] * reshares[j].u_share for j in parts) % suite.order
    if not vss_verify(suite, sigma_commitment, me, sigma_i):
        for j in parts:
            if not vss_verify(suite, products[j].u_commitment, me, reshares[j].u_share):
                raise InvalidShare(j, f"party {j}'s resharing of a·x fails its Feldman check")
        raise InvalidParameters("resharing check failed without a culprit")  # unreachable: linearity
    public = PresignaturePublic(
        suite=suite,
        presignature_id=_presignature_id(state, products),
        participants=parts,
        threshold=t,
        epoch=key.epoch,
        big_r=state.big_r,
        group_public_key=key.group_public_key,
        kinv_commitments={j: suite.mul(state.a_commitments[j], w_inv) for j in parts},
        sigma_commitments={j: evaluate_commitment(suite, sigma_commitment, j) for j in parts},
    )
    return PresignatureShare(public, me, state.a_share * w_inv % suite.order, sigma_i)


def check_presign_participants(key: KeyShare, participants: Sequence[int]) -> tuple[int, ...]:
    """Exactly 2t-1 distinct members of the key, in increasing order, including this party."""
    parts = tuple(participants)
    if list(parts) != sorted(set(parts)):
        raise ParticipantMismatch("participants must be distinct and in increasing order")
    needed = 2 * key.threshold - 1
    if len(parts) != needed:
        raise ParticipantMismatch(f"presigning needs exactly 2t-1 = {needed} parties, got {len(parts)}")
    if key.identifier not in parts:
        raise ParticipantMismatch(f"party {key.identifier} is not among the participants")
    unknown = [j for j in parts if j not in key.verification_shares]
    if unknown:
        raise ParticipantMismatch(f"{unknown} hold no share of this key")
    if key.suite.name != "secp256k1":
        raise InvalidParameters("threshold ECDSA runs over secp256k1 only")
    return parts


def check_senders(parts: Sequence[int], messages: Mapping[int, object], what: str) -> None:
    """Exactly one message from each participant: a silent one is named, a stranger refused."""
    strangers = sorted(set(messages) - set(parts))
    if strangers:
        raise ParticipantMismatch(f"{what} from non-participants {strangers}")
    missing = [j for j in parts if j not in messages]
    if missing:
        raise MissingMessage(missing[0], f"no {what} from participant(s) {missing}")


def _check_commitments_shape(suite: Ciphersuite, j: int, t: int, c: PresignCommitments) -> None:
    if (
        c.sender != j
        or c.k_commitment.threshold != t
        or c.a_commitment.threshold != t
        or len(c.z_commitment) != 2 * t - 2
    ):
        raise InvalidShare(j, f"party {j}'s round-1 commitments are malformed")
    if suite.is_identity(c.k_commitment.constant) or suite.is_identity(c.a_commitment.constant):
        raise InvalidShare(j, f"party {j} dealt a zero k or a")


def _check_dealing_shape(suite: Ciphersuite, j: int, me: int, d: PresignDealing) -> None:
    in_range = all(0 <= s < suite.order for s in (d.k_share, d.a_share, d.z_share))
    if d.sender != j or d.recipient != me or not in_range:
        raise InvalidShare(j, f"party {j}'s round-1 dealing is malformed")


def _name_bad_dealer(
    suite: Ciphersuite,
    name: str,
    me: int,
    t: int,
    parts: tuple[int, ...],
    commitments: Mapping[int, PresignCommitments],
    dealings: Mapping[int, PresignDealing],
) -> None:
    """Find the dealer whose share of sharing `name` fails Feldman's check, and raise naming it."""
    for j in parts:
        c, d = commitments[j], dealings[j]
        commitment, share = {
            "k": (c.k_commitment, d.k_share),
            "a": (c.a_commitment, d.a_share),
            "z": (VssCommitment((suite.identity(),) + c.z_commitment), d.z_share),
        }[name]
        if not vss_verify(suite, commitment, me, share):
            raise InvalidShare(j, f"party {j}'s share of [{name}] fails its Feldman check")
    raise InvalidParameters(f"sum check of [{name}] failed without a culprit")  # unreachable: linearity


def _check_product(state: PresignRound2State, j: int, product: PresignProduct) -> None:
    """DLEQ: one a_j with A_j = a_j·G, w_j·G - Z_j = a_j·K_j, U_j = a_j·X_j (names j on failure)."""
    round1 = state.round1
    suite, key = round1.key.suite, round1.key
    if product.sender != j or product.u_commitment.threshold != key.threshold or not 0 <= product.w_share < suite.order:
        raise InvalidShare(j, f"party {j}'s round-2 product is malformed")
    if product.transcript1 != state.transcript1:
        raise BroadcastMismatch(f"party {j} saw other round-1 broadcasts than party {key.identifier}")
    bases = [suite.generator(), state.k_commitments[j], key.verification_shares[j]]
    points = [
        state.a_commitments[j],
        suite.sub(suite.base_mul(product.w_share), state.z_commitments[j]),
        product.u_commitment.constant,
    ]
    if not verify_dleq(suite, _proof_context(round1, state.transcript1, j), bases, points, product.proof):
        raise InvalidProof(j, f"party {j}'s product share w_j or resharing of a_j·x_j is not proven")


def _session_prefix(state: PresignRound1State) -> bytes:
    key, suite = state.key, state.key.suite
    return encode_parts(
        state.session_id,
        b"".join(j.to_bytes(4, "big") for j in state.participants),
        key.threshold.to_bytes(4, "big"),
        key.epoch.to_bytes(8, "big"),
        suite.serialize_element(key.group_public_key),
    )


def _transcript1(state: PresignRound1State, commitments: Mapping[int, PresignCommitments]) -> bytes:
    suite = state.key.suite
    parts = [_session_prefix(state)]
    for j in state.participants:
        c = commitments[j]
        parts += [c.k_commitment.to_bytes(suite), c.a_commitment.to_bytes(suite)]
        parts += [suite.serialize_element(p) for p in c.z_commitment]
    return suite.hash_to_digest(b"ecdsa-presign-round1", encode_parts(*parts))


def _proof_context(state: PresignRound1State, transcript1: bytes, sender: int) -> bytes:
    return encode_parts(b"ecdsa-presign-product", transcript1, sender.to_bytes(4, "big"))


def _presignature_id(state: PresignRound2State, products: Mapping[int, PresignProduct]) -> bytes:
    """Hash of the whole public transcript: parties with a split view end with different ids."""
    suite = state.round1.key.suite
    parts = [state.transcript1]
    for j in state.round1.participants:
        p = products[j]
        parts += [p.transcript1, suite.serialize_scalar(p.w_share), p.u_commitment.to_bytes(suite)]
        parts.append(p.proof.to_bytes(suite))
    return suite.hash_to_digest(b"ecdsa-presign-id", encode_parts(*parts))
