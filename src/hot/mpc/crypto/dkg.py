"""Distributed key generation: Pedersen DKG with Feldman commitments and proofs of knowledge.

RFC 9591 Appendix C (Feldman VSS), the FROST paper's KeyGen (Komlo-Goldberg 2020, Figure 1) and
the complaint phase of GJKR (Gennaro-Jarecki-Krawczyk-Rabin 2007, Figure 2, step 1(c)-(d)):

1. `round1`: every dealer i picks f_i of degree t-1, broadcasts C_i = Feldman commitments and a
   Schnorr proof of knowledge of f_i(0). `check_round1` names (InvalidProof) and excludes every
   dealer whose package is missing, malformed or unproven.
2. `round2`: every qualified dealer sends f_i(j) privately to each participant j.
3. `verify_received_shares`: j checks each f_i(j) against C_i and broadcasts a `Complaint` for a
   bad or missing one. The accused answers with the share in public (`answer_complaint`);
   `resolve_complaints` excludes (InvalidShare) every dealer whose answer is missing or wrong.
4. `finalize`: s_j = Σ_{i∈QUAL} f_i(j); the group key and every verification share come from the
   summed commitments, so every honest participant computes the same public data.

All inputs of the exclusion decisions are broadcast, so honest parties agree on QUAL. Every
participant stays a share holder; only a cheating dealer's contribution is dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.polynomial import Polynomial, check_identifier
from hot.mpc.crypto.proofs import SchnorrProof, prove_knowledge, verify_knowledge
from hot.mpc.crypto.suites import Ciphersuite, Rng
from hot.mpc.crypto.vss import (
    VssCommitment,
    derive_group_info,
    sum_commitments,
    vss_commit,
    vss_verify,
)

from hot.wire.errors import CulpritError, InvalidParameters, InvalidProof, InvalidShare, ProtocolError, WrongLength


@dataclass(frozen=True)
class DkgParameters:
    """What every participant must agree on before the DKG starts (set by the Controller)."""

    suite: str
    threshold: int
    participants: tuple[int, ...]
    context: bytes = b""

    def __post_init__(self) -> None:
        if len(set(self.participants)) != len(self.participants):
            raise InvalidParameters("duplicate participant identifiers")
        if not 1 <= self.threshold <= len(self.participants):
            raise InvalidParameters(f"threshold {self.threshold} out of range for {len(self.participants)} participants")


@dataclass(frozen=True)
class Round1Package:
    """Dealer i's broadcast: Feldman commitment to f_i and a proof of knowledge of f_i(0)."""

    identifier: int
    commitment: VssCommitment
    proof: SchnorrProof

    def to_bytes(self, suite: Ciphersuite) -> bytes:
        """SerializeScalar(i) || proof (R || μ) || C_0 || ... || C_{t-1}."""
        return suite.serialize_scalar(self.identifier) + self.proof.to_bytes(suite) + self.commitment.to_bytes(suite)

    @classmethod
    def from_bytes(cls, suite: Ciphersuite, data: bytes, threshold: int) -> Round1Package:
        """Decode a package of a t-of-n DKG; every point is validated (no identity, subgroup)."""
        s, e = suite.scalar_size, suite.element_size
        expected = s + (e + s) + threshold * e
        if len(data) != expected:
            raise WrongLength(f"round-one package of a threshold-{threshold} DKG must be {expected} bytes")
        identifier = suite.deserialize_scalar(data[:s])
        check_identifier(identifier, suite.order)
        proof = SchnorrProof.from_bytes(suite, data[s : s + e + s])
        return cls(identifier, VssCommitment.from_bytes(suite, data[s + e + s :]), proof)


def transcript_digest(suite: Ciphersuite, parameters: DkgParameters, packages: Mapping[int, Round1Package]) -> bytes:
    """A hash of everything broadcast in round one, for an echo check between participants.

    The DKG's agreement on QUAL assumes a broadcast channel; participants that exchange this
    digest (and abort on a mismatch) detect a dealer that showed different packages to
    different peers (equivocation) before any share is used.
    """
    h = hashlib.sha256(b"hot-protocol/dkg-transcript/v1" + suite.context_string)
    h.update(len(parameters.context).to_bytes(4, "big") + parameters.context)
    h.update(parameters.threshold.to_bytes(4, "big"))
    for i in parameters.participants:
        h.update(suite.serialize_scalar(i))
        package = packages.get(i)
        blob = package.to_bytes(suite) if package is not None else b""
        h.update(len(blob).to_bytes(4, "big") + blob)
    return h.digest()


@dataclass(frozen=True)
class Round1Secret:
    """Dealer i's private state between rounds; the polynomial never leaves the dealer."""

    identifier: int
    parameters: DkgParameters
    polynomial: Polynomial = field(repr=False)


@dataclass(frozen=True)
class Complaint:
    """Participant `accuser` says dealer `accused` sent it no share or one that fails C_accused."""

    accuser: int
    accused: int


@dataclass(frozen=True)
class ComplaintResponse:
    """Dealer's public answer to a complaint: the disputed share f_dealer(accuser)."""

    dealer: int
    accuser: int
    share: int


def round1(
    suite: Ciphersuite, identifier: int, parameters: DkgParameters, rng: Rng
) -> tuple[Round1Secret, Round1Package]:
    """FROST KeyGen round 1: random f_i (degree t-1), C_i = [a_ik·G], proof for a_i0."""
    check_identifier(identifier, suite.order)
    if parameters.suite != suite.name:
        raise InvalidParameters(f"DKG parameters are for {parameters.suite}, not {suite.name}")
    if identifier not in parameters.participants:
        raise InvalidParameters(f"participant {identifier} is not in this DKG")
    polynomial = Polynomial.random(suite, parameters.threshold - 1, suite.random_scalar(rng), rng)
    commitment = vss_commit(suite, polynomial)
    proof = prove_knowledge(suite, identifier, polynomial.coefficients[0], commitment.constant, rng, parameters.context)
    return Round1Secret(identifier, parameters, polynomial), Round1Package(identifier, commitment, proof)


def check_round1(
    suite: Ciphersuite, parameters: DkgParameters, packages: Mapping[int, Round1Package]
) -> tuple[dict[int, Round1Package], dict[int, CulpritError]]:
    """FROST KeyGen round 1 step 5: keep dealers with a well-formed, proven package.

    Returns (qualified packages, excluded dealers with the error naming each).
    """
    qualified: dict[int, Round1Package] = {}
    excluded: dict[int, CulpritError] = {}
    for i in parameters.participants:
        package = packages.get(i)
        if package is None:
            excluded[i] = CulpritError(i, f"dealer {i} sent no round-one package")
        elif package.identifier != i or package.commitment.threshold != parameters.threshold:
            excluded[i] = InvalidProof(i, f"dealer {i} sent a malformed round-one package")
        elif not verify_knowledge(suite, i, package.commitment.constant, package.proof, parameters.context):
            excluded[i] = InvalidProof(i, f"dealer {i}'s proof of knowledge does not verify")
        else:
            qualified[i] = package
    return qualified, excluded


def round2(secret: Round1Secret, qualified: Mapping[int, Round1Package]) -> dict[int, int]:
    """FROST KeyGen round 2 step 1: the share f_i(j) for every participant j (sent privately)."""
    if secret.identifier not in qualified:
        raise ProtocolError(f"dealer {secret.identifier} was excluded in round one")
    return {j: secret.polynomial.evaluate(j) for j in secret.parameters.participants}


def verify_received_shares(
    suite: Ciphersuite, identifier: int, qualified: Mapping[int, Round1Package], received: Mapping[int, int]
) -> list[Complaint]:
    """FROST KeyGen round 2 step 2 / GJKR 1(c): a complaint for each missing or bad f_i(j)."""
    complaints = []
    for i, package in sorted(qualified.items()):
        share = received.get(i)
        if share is None or not 0 <= share < suite.order or not vss_verify(suite, package.commitment, identifier, share):
            complaints.append(Complaint(identifier, i))
    return complaints


def answer_complaint(secret: Round1Secret, complaint: Complaint) -> ComplaintResponse:
    """GJKR 1(d): the accused dealer reveals the disputed share in public."""
    if complaint.accused != secret.identifier:
        raise InvalidParameters("complaint is not against this dealer")
    return ComplaintResponse(secret.identifier, complaint.accuser, secret.polynomial.evaluate(complaint.accuser))


def resolve_complaints(
    suite: Ciphersuite,
    qualified: Mapping[int, Round1Package],
    complaints: Iterable[Complaint],
    responses: Iterable[ComplaintResponse],
) -> tuple[dict[int, Round1Package], dict[int, CulpritError], dict[tuple[int, int], int]]:
    """GJKR 1(d): exclude each accused dealer that does not answer with a share matching C_i.

    Returns (final QUAL, excluded dealers with the error naming each, revealed shares keyed by
    (dealer, accuser), which the accuser uses instead of what it received).
    """
    answers = {(r.dealer, r.accuser): r.share for r in responses}
    excluded: dict[int, CulpritError] = {}
    revealed: dict[tuple[int, int], int] = {}
    for complaint in sorted(set(complaints), key=lambda c: (c.accused, c.accuser)):
        dealer, accuser = complaint.accused, complaint.accuser
        if dealer not in qualified or dealer in excluded:
            continue
        share = answers.get((dealer, accuser))
        if share is None or not 0 <= share < suite.order or not vss_verify(suite, qualified[dealer].commitment, accuser, share):
            excluded[dealer] = InvalidShare(dealer, f"dealer {dealer} sent participant {accuser} a share that fails its commitment")
        else:
            revealed[(dealer, accuser)] = share
    final = {i: p for i, p in qualified.items() if i not in excluded}
    return final, excluded, revealed


def finalize(
    suite: Ciphersuite,
    identifier: int,
    parameters: DkgParameters,
    qualified: Mapping[int, Round1Package],
    received: Mapping[int, int],
    revealed: Mapping[tuple[int, int], int] | None = None,
) -> tuple[KeyPackage, PublicKeyPackage]:
    """FROST KeyGen round 2 steps 3-4: s_j = Σ_{i∈QUAL} f_i(j); public data from Σ C_i."""
    if len(qualified) < parameters.threshold:
        # With at most t-1 corrupt dealers, t qualified dealers include an honest one, whose
        # uniformly random f_i(0) is what keeps the group secret key unknown to everyone.
        raise ProtocolError(f"only {len(qualified)} qualified dealers; at least {parameters.threshold} needed")
    revealed = revealed or {}
    secret_share = sum(revealed.get((i, identifier), received.get(i, 0)) for i in qualified) % suite.order
    group_commitment = sum_commitments(suite, (qualified[i].commitment for i in sorted(qualified)))
    group_public_key, verification_shares = derive_group_info(suite, group_commitment, parameters.participants)
    if suite.base_mul(secret_share) != verification_shares[identifier]:
        raise ProtocolError("own secret share does not match the group commitment; complaints were not resolved")
    key_package = KeyPackage(
        parameters.suite,
        identifier,
        secret_share,
        verification_shares[identifier],
        group_public_key,
        parameters.threshold,
        tuple(parameters.participants),
    )
    return key_package, PublicKeyPackage(parameters.suite, verification_shares, group_public_key, parameters.threshold)


def participants_range(n: int) -> Sequence[int]:
    """The identifiers 1..n used throughout the project."""
    return tuple(range(1, n + 1))
