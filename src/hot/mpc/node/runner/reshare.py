"""Resharing between epochs over the peer mesh: new set and threshold, same public key (whitepaper §2.2.3).

`hot.mpc.crypto.reshare` as frames, session `reshare/<domain>/<epoch>/<attempt>`: every member of the old set
deals its own share x_i to the new set (round 1: its old public key package and its Feldman
commitment, to every new member; round 2: f_i(j), privately). Every new member combines the
dealings into its share of the new epoch; the group public key does not change, which the member
checks against the key the Controller holds. A member new to the network learns the old
verification shares from the dealers and accepts them only if every dealer sent the same package
for the Controller's key. All receivers use the same dealer set (the whole old set): receivers
combining different qualified sets would hold shares of different polynomials. A dealer that
is silent or whose dealing fails is named; the Controller's retry (attempt + 1) runs it again.
"""

from __future__ import annotations

import dataclasses
import os

from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.reshare import (
    KeyShare,
    ReshareCommitment,
    ReshareParameters,
    ReshareShare,
    reshare_deal,
    reshare_receive,
)
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.packing import pack, unpack
from hot.mpc.node.signed_log import SignedLog

from hot.wire.errors import HotError, OldKeyDisagreement, PeerTimeout


def _old_public(domain: str, packages: dict[int, bytes], group_key_hex: str) -> KeyShare:
    """The old public sharing every dealer agrees on (a KeyShare without a secret; receiving needs no epoch)."""
    if len(set(packages.values())) != 1:
        raise OldKeyDisagreement(f"dealers {sorted(packages)} sent different old key packages")
    suite = get_suite(domain)
    public = PublicKeyPackage.from_bytes(suite, next(iter(packages.values())))
    if suite.serialize_element(public.group_public_key).hex() != group_key_hex:
        raise OldKeyDisagreement("the dealers' old key is not the Controller's key for this domain")
    return KeyShare(suite, 0, 0, public.group_public_key, dict(public.verification_shares), public.threshold)


async def run_reshare(
    mesh: PeerMesh,
    domain: str,
    old_share: KeyShare | None,
    old_participants: list[int],
    new_participants: list[int],
    new_threshold: int,
    target_epoch: int,
    group_key_hex: str,
    log: SignedLog,
    *,
    timeout: float,
    attempt: int = 0,
) -> KeyShare | None:
    """Deal (old member) and/or receive (new member); returns the new share, or None if not a new member."""
    suite, me = get_suite(domain), mesh.participant_id
    session = f"reshare/{domain}/{target_epoch}/{attempt}"
    dealers = sorted(old_participants)
    receivers = [j for j in new_participants if j != me]
    mesh.open(session)
    try:
        commitments: dict[int, ReshareCommitment] = {}
        shares: dict[int, ReshareShare] = {}
        packages: dict[int, bytes] = {}
        if old_share is not None and me in dealers:
            params = ReshareParameters(old_share.public(), tuple(dealers), tuple(sorted(new_participants)), new_threshold, session.encode())
            commitment, dealt = reshare_deal(old_share, params, os.urandom)
            package = old_share.to_packages()[1].to_bytes(suite)
            await mesh.broadcast(receivers, session, 1, pack([package, commitment.to_bytes(suite)]))
            await mesh.send_each({j: s.to_bytes(suite) for j, s in dealt.items()}, session, 2)
            commitments[me], packages[me] = commitment, package
            if me in dealt:
                shares[me] = dealt[me]
            log.append("protocol", {"event": "reshare_dealt", "session": session, "to": sorted(dealt)})
        if me not in new_participants:
            return None
        others = [i for i in dealers if i != me]
        round1 = await mesh.collect(session, 1, others, timeout)
        round2 = await mesh.collect(session, 2, others, timeout)
        missing = sorted(set(others) - (set(round1) & set(round2)))
        if missing:
            raise PeerTimeout(missing, f"reshare: no dealing from old member(s) {missing}")
        for i in others:
            try:
                package, raw_commitment = unpack(round1[i])
                packages[i] = package
                commitments[i] = ReshareCommitment.from_bytes(suite, raw_commitment)
                shares[i] = ReshareShare.from_bytes(suite, round2[i])
            except (HotError, ValueError) as exc:
                raise PeerTimeout([i], f"reshare: old member {i} sent a malformed dealing") from exc
        old_public = old_share if old_share is not None else _old_public(domain, packages, group_key_hex)
        params = ReshareParameters(old_public.public(), tuple(dealers), tuple(sorted(new_participants)), new_threshold, session.encode())
        new_share = reshare_receive(params, me, commitments, shares)
        log.append("protocol", {"event": "reshare_received", "session": session, "dealers": dealers})
        return dataclasses.replace(new_share, epoch=target_epoch)
    finally:
        mesh.forget(session)
