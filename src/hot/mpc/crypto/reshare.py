"""Resharing and proactive refresh of a threshold key, for any `Ciphersuite`.

An old qualified set Q (at least t old members) moves the root key x from a degree-(t-1) sharing
among the old members to a fresh degree-(t'-1) sharing among the new ones, without x ever
existing in one place and without changing the group public key (so every derived key and
address stays). Each old member i deals its own share x_i with a new random polynomial and
Feldman commitments whose constant term must equal its public verification share X_i; a new
member j takes x'_j = Σ_{i∈Q} λ_i^Q · f_i(j) (Desmedt and Jajodia 1997; Herzberg et al. 1995 for
the refresh; Wong, Wang and Wing 2002 for the verifiable form with Feldman commitments).

Because the dealers share x_i itself (not λ_i·x_i), a receiver can drop a dealer that it caught
cheating and recombine the honest dealings for any other qualified set without a new round: the
protocol ends as long as t honest old members dealt. Refresh is resharing to the same members and
threshold. Every reshare advances the epoch; the epoch is what invalidates old ECDSA presignatures
(an attacker who stole presignature shares of an older epoch gains nothing after a refresh).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hot.wire.errors import InvalidParameters, InvalidShare, WrongLength
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.polynomial import Polynomial, check_identifier, lagrange_coefficient
from hot.mpc.crypto.suites import get_suite
from hot.mpc.crypto.suites.base import Ciphersuite, Point, Rng
from hot.mpc.crypto.vss import VssCommitment, evaluate_commitment, vss_commit, vss_verify


@dataclass(frozen=True)
class KeyShare:
    """One member's share of a root key in one epoch, with the public data every member holds."""

    suite: Ciphersuite
    identifier: int
    secret_share: int = field(repr=False)
    group_public_key: Point
    verification_shares: Mapping[int, Point]
    threshold: int
    epoch: int = 0

    @property
    def participants(self) -> tuple[int, ...]:
        return tuple(sorted(self.verification_shares))

    def public(self) -> PublicKeyShares:
        return PublicKeyShares(
            self.suite, self.group_public_key, dict(self.verification_shares), self.threshold, self.epoch
        )

    @classmethod
    def from_packages(cls, key: KeyPackage, public: PublicKeyPackage, *, epoch: int = 0) -> KeyShare:
        """From the DKG's root (underived) packages; the epoch comes from the Controller."""
        if key.tweak or public.tweak:
            raise InvalidParameters("reshare and presign the root key, not a derived package")
        if key.suite != public.suite or key.group_public_key != public.group_public_key:
            raise InvalidParameters("key package and public key package are of different keys")
        suite = get_suite(key.suite)
        return cls(
            suite,
            key.identifier,
            key.secret_share,
            public.group_public_key,
            dict(public.verification_shares),
            public.threshold,
            epoch,
        )

    def to_packages(self) -> tuple[KeyPackage, PublicKeyPackage]:
        """The DKG's package shapes (what FROST signs with), e.g. after a reshare."""
        shares = dict(self.verification_shares)
        key = KeyPackage(
            self.suite.name,
            self.identifier,
            self.secret_share,
            shares[self.identifier],
            self.group_public_key,
            self.threshold,
            self.participants,
        )
        return key, PublicKeyPackage(self.suite.name, shares, self.group_public_key, self.threshold)


@dataclass(frozen=True)
class PublicKeyShares:
    """The public side of an epoch's sharing: group key, every X_i = x_i·G, threshold, epoch."""

    suite: Ciphersuite
    group_public_key: Point
    verification_shares: Mapping[int, Point]
    threshold: int
    epoch: int

    @property
    def participants(self) -> tuple[int, ...]:
        return tuple(sorted(self.verification_shares))


def trusted_dealer_key_shares(
    suite: Ciphersuite, secret: int, participants: Sequence[int], threshold: int, rng: Rng, *, epoch: int = 0
) -> dict[int, KeyShare]:
    """Shamir-share `secret` t-of-n with Feldman checks (tests and benchmarks; nodes run the DKG)."""
    _check_threshold(suite, participants, threshold)
    polynomial = Polynomial.random(suite, threshold - 1, secret, rng)
    shares = polynomial.shares(participants)
    verification = {i: suite.base_mul(s) for i, s in shares.items()}
    group_public_key = suite.base_mul(secret)
    return {i: KeyShare(suite, i, s, group_public_key, verification, threshold, epoch) for i, s in shares.items()}


@dataclass(frozen=True)
class ReshareParameters:
    """What every old and new member agrees on before dealing (from the Controller's vote)."""

    old: PublicKeyShares
    dealers: tuple[int, ...]
    new_participants: tuple[int, ...]
    new_threshold: int
    session_id: bytes

    def __post_init__(self) -> None:
        if len(self.dealers) < self.old.threshold:
            raise InvalidParameters(f"{len(self.dealers)} dealers cannot reshare a {self.old.threshold}-of-n key")
        if len(set(self.dealers)) != len(self.dealers) or not set(self.dealers) <= set(self.old.participants):
            raise InvalidParameters("dealers must be distinct members of the old set")
        _check_threshold(self.old.suite, self.new_participants, self.new_threshold)
        if tuple(sorted(self.new_participants)) != self.new_participants:
            raise InvalidParameters("new participants must be listed in increasing order")

    def with_dealers(self, dealers: Sequence[int]) -> ReshareParameters:
        """The same resharing over another qualified set (after a dealer was named and dropped)."""
        return ReshareParameters(
            self.old, tuple(sorted(dealers)), self.new_participants, self.new_threshold, self.session_id
        )


def refresh_parameters(
    old: PublicKeyShares, session_id: bytes, dealers: Sequence[int] | None = None
) -> ReshareParameters:
    """Proactive refresh: reshare to the same members and threshold (Herzberg et al. 1995)."""
    chosen = tuple(sorted(dealers)) if dealers is not None else old.participants
    return ReshareParameters(old, chosen, old.participants, old.threshold, session_id)


@dataclass(frozen=True)
class ReshareCommitment:
    """Dealer i's broadcast: Feldman commitment to f_i, with f_i(0) = x_i (so C_0 must be X_i)."""

    sender: int
    commitment: VssCommitment

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return self.sender.to_bytes(4, "big") + self.commitment.to_bytes(suite)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> ReshareCommitment:
        if len(data) < 4:
            raise WrongLength("reshare commitment truncated")
        return cls(int.from_bytes(data[:4], "big"), VssCommitment.from_bytes(suite, data[4:]))


@dataclass(frozen=True)
class ReshareShare:
    """Dealer i's private message to new member j: f_i(j)."""

    sender: int
    recipient: int
    share: int = field(repr=False)

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        return self.sender.to_bytes(4, "big") + self.recipient.to_bytes(4, "big") + suite.serialize_scalar(self.share)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes) -> ReshareShare:
        if len(data) != 8 + suite.scalar_size:
            raise WrongLength(f"a reshare share is {8 + suite.scalar_size} bytes")
        sender, recipient = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
        return cls(sender, recipient, suite.deserialize_scalar(data[8:]))


def reshare_deal(
    key: KeyShare, params: ReshareParameters, rng: Rng
) -> tuple[ReshareCommitment, dict[int, ReshareShare]]:
    """Old member's only round: share x_i with a fresh degree-(t'-1) polynomial (Desmedt-Jajodia 1997)."""
    if key.identifier not in params.dealers:
        raise InvalidParameters(f"member {key.identifier} is not a dealer of this resharing")
    if key.epoch != params.old.epoch or key.group_public_key != params.old.group_public_key:
        raise InvalidParameters("the key share is not from the epoch being reshared")
    polynomial = Polynomial.random(key.suite, params.new_threshold - 1, key.secret_share, rng)
    shares = polynomial.shares(params.new_participants)
    commitment = ReshareCommitment(key.identifier, vss_commit(key.suite, polynomial))
    return commitment, {j: ReshareShare(key.identifier, j, s) for j, s in shares.items()}


def reshare_receive(
    params: ReshareParameters,
    recipient: int,
    commitments: Mapping[int, ReshareCommitment],
    shares: Mapping[int, ReshareShare],
) -> KeyShare:
    """New member's only step: check every dealing, combine, derive the new public data.

    Raises `InvalidShare(culprit=dealer)` for the first dealer whose commitment or share fails;
    the caller drops it (`params.with_dealers`) and calls again with the same messages.
    """
    suite, old = params.old.suite, params.old
    if recipient not in params.new_participants:
        raise InvalidParameters(f"{recipient} is not a new participant")
    missing = [i for i in params.dealers if i not in commitments or i not in shares]
    if missing:
        raise InvalidParameters(f"no dealing from dealers {missing}")
    for i in params.dealers:
        _check_dealing(params, i, recipient, commitments[i], shares[i])
    weights = {i: lagrange_coefficient(suite, params.dealers, i) for i in params.dealers}
    new_share = sum(weights[i] * shares[i].share for i in params.dealers) % suite.order
    combined = VssCommitment(
        tuple(
            suite.multi_mul([(commitments[i].commitment.points[k], weights[i]) for i in params.dealers])
            for k in range(params.new_threshold)
        )
    )
    if combined.constant != old.group_public_key:  # follows from the C_0 = X_i checks; kept as an invariant
        raise InvalidParameters("the dealings do not reshare the old group key")
    verification = {j: evaluate_commitment(suite, combined, j) for j in params.new_participants}
    if suite.base_mul(new_share) != verification[recipient]:
        raise InvalidParameters("the combined share does not match its verification share")
    return KeyShare(
        suite, recipient, new_share, old.group_public_key, verification, params.new_threshold, old.epoch + 1
    )


def complaint_upheld(params: ReshareParameters, commitment: ReshareCommitment, revealed: ReshareShare) -> bool:
    """Settle a new member's public complaint against a dealer (Gennaro, Jarecki, Krawczyk and Rabin 1999, complaints).

    A receiver that raised `InvalidShare` broadcasts a complaint; the accused dealer reveals the
    share it sent. Everyone runs this same check on public data: upheld means the dealer is
    dropped by all (`with_dealers`), rejected means the complainer lied and the dealing stays.
    """
    try:
        _check_dealing(params, commitment.sender, revealed.recipient, commitment, revealed)
    except InvalidShare:
        return True
    return False


def _check_dealing(
    params: ReshareParameters, dealer: int, recipient: int, commitment: ReshareCommitment, share: ReshareShare
) -> None:
    suite = params.old.suite
    if commitment.sender != dealer or share.sender != dealer or share.recipient != recipient:
        raise InvalidShare(dealer, f"dealer {dealer}'s messages are mislabelled")
    if commitment.commitment.threshold != params.new_threshold:
        raise InvalidShare(dealer, f"dealer {dealer} committed to a polynomial of the wrong degree")
    # The constant term binds the dealing to the dealer's old share: a dealer who shares anything
    # but x_i would change the group key (or hand the attacker a known offset).
    if commitment.commitment.constant != params.old.verification_shares[dealer]:
        raise InvalidShare(dealer, f"dealer {dealer} did not deal its own key share")
    if not 0 <= share.share < suite.order or not vss_verify(suite, commitment.commitment, recipient, share.share):
        raise InvalidShare(dealer, f"dealer {dealer}'s share for {recipient} fails its Feldman check")


def _check_threshold(suite: Ciphersuite, participants: Sequence[int], threshold: int) -> None:
    if len(set(participants)) != len(participants):
        raise InvalidParameters("duplicate participant identifiers")
    for i in participants:
        check_identifier(i, suite.order)
    if not 1 <= threshold <= len(participants):
        raise InvalidParameters(f"threshold {threshold} is impossible with {len(participants)} participants")
