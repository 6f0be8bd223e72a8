"""Run the whole DKG in one process (demo, benchmarks, tests): every message passes in memory.

Hooks let a test play a cheating dealer: `tamper_round1(package) -> package` rewrites a dealer's
broadcast, `tamper_share(dealer, recipient, share) -> share | None` its private shares (None: not
sent), and `tamper_answer(response) -> response | None` its answer to a complaint. The result
says which dealers were excluded and why, as the error naming each (`InvalidProof`, `InvalidShare`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hot.mpc.crypto import dkg
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.suites import Ciphersuite, Rng

from hot.wire.errors import CulpritError


@dataclass(frozen=True)
class DkgResult:
    """Each participant's key package and the public package it computed, plus the exclusions."""

    key_packages: dict[int, KeyPackage]
    public_packages: dict[int, PublicKeyPackage]
    excluded: dict[int, CulpritError]

    @property
    def public_key_package(self) -> PublicKeyPackage:
        """The public package (raises if honest participants disagree, which must never happen)."""
        packages = list(self.public_packages.values())
        if any(p != packages[0] for p in packages):
            raise AssertionError("participants disagree on the public key package")
        return packages[0]


def run_local_dkg(
    suite: Ciphersuite,
    threshold: int,
    participants: Sequence[int],
    rng: Rng,
    *,
    context: bytes = b"",
    tamper_round1: Callable[[dkg.Round1Package], dkg.Round1Package] | None = None,
    tamper_share: Callable[[int, int, int], int | None] | None = None,
    tamper_answer: Callable[[dkg.ComplaintResponse], dkg.ComplaintResponse | None] | None = None,
) -> DkgResult:
    """All rounds of `hot.mpc.crypto.dkg` for every participant, honest unless a hook says otherwise."""
    params = dkg.DkgParameters(suite.name, threshold, tuple(participants), context)
    secrets, broadcasts = {}, {}
    for i in params.participants:
        secrets[i], package = dkg.round1(suite, i, params, rng)
        broadcasts[i] = tamper_round1(package) if tamper_round1 else package
    qualified, excluded = dkg.check_round1(suite, params, broadcasts)
    inbox: dict[int, dict[int, int]] = {j: {} for j in params.participants}
    for i in qualified:
        for j, share in dkg.round2(secrets[i], qualified).items():
            sent = tamper_share(i, j, share) if tamper_share else share
            if sent is not None:
                inbox[j][i] = sent
    complaints = [c for j in params.participants for c in dkg.verify_received_shares(suite, j, qualified, inbox[j])]
    responses = []
    for complaint in complaints:
        response: dkg.ComplaintResponse | None = dkg.answer_complaint(secrets[complaint.accused], complaint)
        if tamper_answer and response is not None:
            response = tamper_answer(response)
        if response is not None:
            responses.append(response)
    final, late, revealed = dkg.resolve_complaints(suite, qualified, complaints, responses)
    excluded.update(late)
    keys, publics = {}, {}
    for j in params.participants:
        keys[j], publics[j] = dkg.finalize(suite, j, params, final, inbox[j], revealed)
    return DkgResult(keys, publics, excluded)
