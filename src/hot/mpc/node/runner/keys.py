"""The node's root key shares at rest: one `KeyShare` per (domain, epoch), sealed in the Keystore.

Stored as the DKG's `KeyPackage` and `PublicKeyPackage` encodings under record ids `root` and
`root-public`, plus `root-attempt`, the Controller key-event attempt that produced them (all
AEAD-sealed with the record identity; the public ones only so a tampered copy fails to load).
A share from an earlier attempt of a key event that was restarted is never voted: the runner
generates again under the new attempt. A restart loads the share of the Controller's current epoch.
"""

from __future__ import annotations

from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.reshare import KeyShare
from hot.mpc.crypto.suites import get_suite
from hot.mpc.node.keystore import Keystore, RecordId, RecordKind
from hot.wire.errors import RecordNotFound

ROOT, ROOT_PUBLIC, ROOT_ATTEMPT = "root", "root-public", "root-attempt"


def save_key_share(store: Keystore, participant_id: int, domain: str, share: KeyShare, *, attempt: int = 0) -> None:
    """Persist a finished DKG or reshare result and the key-event attempt that made it (one transaction)."""
    suite = get_suite(domain)
    key, public = share.to_packages()
    owner = str(participant_id)
    store.put_many(
        [
            (RecordId(owner, domain, share.epoch, RecordKind.KEY_SHARE, ROOT), key.to_bytes(suite)),
            (RecordId(owner, domain, share.epoch, RecordKind.KEY_SHARE, ROOT_PUBLIC), public.to_bytes(suite)),
            (RecordId(owner, domain, share.epoch, RecordKind.KEY_SHARE, ROOT_ATTEMPT), attempt.to_bytes(8, "big")),
        ],
        replace=True,
    )


def load_key_share(store: Keystore, participant_id: int, domain: str, epoch: int) -> KeyShare | None:
    """The share of `epoch`, or None if this node holds none."""
    suite = get_suite(domain)
    owner = str(participant_id)
    try:
        key = KeyPackage.from_bytes(suite, store.get(RecordId(owner, domain, epoch, RecordKind.KEY_SHARE, ROOT)))
        public = PublicKeyPackage.from_bytes(suite, store.get(RecordId(owner, domain, epoch, RecordKind.KEY_SHARE, ROOT_PUBLIC)))
    except RecordNotFound:
        return None
    key.check_against(public)
    return KeyShare.from_packages(key, public, epoch=epoch)


def load_attempt(store: Keystore, participant_id: int, domain: str, epoch: int) -> int | None:
    """The key-event attempt whose protocol produced the stored share of `epoch` (None: no share)."""
    try:
        return int.from_bytes(store.get(RecordId(str(participant_id), domain, epoch, RecordKind.KEY_SHARE, ROOT_ATTEMPT)), "big")
    except RecordNotFound:
        return None
