"""ECDSA presignature pools: one pool per signer set of exactly 2t-1 nodes, kept in the Keystore.

ARCHITECTURE.md, ECDSA: a presignature is made by, and bound to, one exact set of 2t-1 nodes
(Damgård et al. 2020 needs 2t-1 live parties to presign and sign). Pools are therefore kept per
set; a set that loses a member is replaced by another set, never patched. A presignature's
keystore record id is `"<sorted ids joined by ,>/<presignature id hex>"`, so the set is part of
the sealed record's identity; `take` goes through `Keystore.take_presignature` (durably marked
used before the secret is returned). Every reshare or refresh erases older epochs' pools.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.node.keystore import Keystore, RecordId, RecordKind

DOMAIN = "secp256k1"


def set_label(signers: Iterable[int]) -> str:
    """The pool key of a signer set: sorted ids joined by `,` (docs/node-api.md /health)."""
    return ",".join(str(i) for i in sorted(signers))


def parse_label(label: str) -> tuple[int, ...]:
    return tuple(int(part) for part in label.split(","))


def candidate_sets(participants: Sequence[int], threshold: int, max_sets: int) -> list[tuple[int, ...]]:
    """The signer sets a network keeps pools for: every (2t-1)-subset, at most `max_sets` of them.

    With n = 2t-1 there is one set (every node takes part); with spares there are several, so a
    node that dies leaves other sets' pools intact.
    """
    size = 2 * threshold - 1
    if size > len(participants):
        return []
    return list(itertools.islice(itertools.combinations(sorted(participants), size), max_sets))


class PresignaturePool:
    """This node's presignatures of one epoch, grouped by signer set."""

    def __init__(self, store: Keystore, participant_id: int) -> None:
        self.store = store
        self.owner = str(participant_id)

    def _record(self, epoch: int, signers: Iterable[int], presignature_id: str) -> RecordId:
        return RecordId(self.owner, DOMAIN, epoch, RecordKind.PRESIGNATURE, f"{set_label(signers)}/{presignature_id}")

    def add(self, epoch: int, shares: Sequence[PresignatureShare]) -> None:
        """Store a batch in one transaction (the shares' own participants name the set)."""
        self.store.put_many(
            (self._record(epoch, s.public.participants, s.presignature_id.hex()), s.to_bytes()) for s in shares
        )

    def counts(self, epoch: int) -> dict[str, int]:
        """Unused presignatures per set label."""
        return self.store.live_counts_by_label(self.owner, DOMAIN, epoch, RecordKind.PRESIGNATURE)

    def ids_for(self, epoch: int, signers: Iterable[int], limit: int = 64) -> list[str]:
        """Unused presignature ids held for exactly this signer set (the `limit` smallest)."""
        prefix = set_label(signers) + "/"
        records = self.store.live_record_ids(self.owner, DOMAIN, epoch, RecordKind.PRESIGNATURE, prefix=prefix, limit=limit)
        return [r[len(prefix):] for r in records]

    def take(self, epoch: int, signers: Iterable[int], presignature_id: str) -> PresignatureShare:
        """Durably consume one presignature (RecordNotFound / PresignatureReused otherwise)."""
        return PresignatureShare.from_bytes(self.store.take_presignature(self._record(epoch, signers, presignature_id)))

    def erase_before(self, epoch: int) -> int:
        """Drop every presignature of an older epoch (on reshare and refresh)."""
        return self.store.erase_epoch_presignatures(DOMAIN, before_epoch=epoch)
