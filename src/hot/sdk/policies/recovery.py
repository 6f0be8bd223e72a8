"""Social recovery: k of m guardians replace the owner's key after a delay; the owner can cancel.

Whitepaper §applications ("wallet recovery flows"). The owner's controlling key
(`hot.sdk.policies.rotation.ControllingKey`) authorizes signing. If it is lost:

1. `start`: k guardians sign `approval_digest(account_id, owner, attempt, new_key)`; the
   contract records a `RecoveryProposal` that becomes final `delay_s` later.
2. `cancel`: during the delay the owner, if it still holds its key, signs `cancel_digest` and the
   proposal is gone; this is what stops k colluding guardians from stealing the wallet.
3. `finish`: after the delay anyone submits; the owner key is replaced (version + 1). The
   MPC key and its addresses do not change (see rotation.py).

Replay protection: every digest binds the contract account, the owner's configuration version
and the attempt number, which increases on every start; guardian signatures from a cancelled
attempt, or from before a rotation, cannot restart a recovery. A proposal made against an owner
version that has since changed (the owner rotated meanwhile) is stale and cannot finish.

What recovery cannot do: a *stolen* (not lost) owner key can cancel every recovery, and spend;
recovery protects against loss and against rogue guardians, not against a thief with the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hot.wire.errors import ContractCode as E, RecoveryDenied, RecoveryStateError
from hot.sdk.hostcrypto import sha256
from hot.sdk.policies.multisig import MultisigConfig, SignerKey
from hot.sdk.policies.rotation import ControllingKey, key_body
from hot.sdk.policies.timelock import Timelock
from hot.wire.encoding import canonical_json

APPROVAL_TAG = b"hot/recovery/approve/v1"
CANCEL_TAG = b"hot/recovery/cancel/v1"


@dataclass(frozen=True)
class Guardians:
    """k of `guardians` may start a recovery that becomes final after `delay_s` seconds."""

    threshold: int
    guardians: tuple[SignerKey, ...]
    delay_s: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "guardians", tuple(self.guardians))
        self.as_multisig()  # E_BAD_MULTISIG for a bad k-of-m now, not at the first recovery
        Timelock(self.delay_s)  # E_BAD_TIMELOCK for a bad delay

    def as_multisig(self) -> MultisigConfig:
        """The guardians' k-of-m check is the multisig block's."""
        return MultisigConfig(self.threshold, self.guardians)

    def approve_digest(self, account_id: str, owner: ControllingKey, attempt: int, new_key: SignerKey) -> bytes:
        """What k guardians sign to propose `new_key` as the owner of `account_id`."""
        body = {
            "account_id": account_id,
            "owner_version": owner.version,
            "attempt": attempt,
            "new_key": key_body(new_key),
        }
        return sha256(APPROVAL_TAG + canonical_json(body))


@dataclass(frozen=True)
class RecoveryProposal:
    """A pending replacement of the owner key, final at `ready_at_ns` unless the owner cancels."""

    new_key: SignerKey
    owner_version: int
    attempt: int
    started_at_ns: int
    ready_at_ns: int


def cancel_digest(account_id: str, proposal: RecoveryProposal) -> bytes:
    """What the current owner key signs to cancel this pending proposal."""
    body = {"account_id": account_id, "attempt": proposal.attempt, "new_key": key_body(proposal.new_key)}
    return sha256(CANCEL_TAG + canonical_json(body))


@dataclass(frozen=True)
class RecoveryState:
    """The contract's recovery record: attempts so far and the pending proposal, if any."""

    attempts: int = 0
    pending: RecoveryProposal | None = None

    def started(
        self,
        account_id: str,
        guardians: Guardians,
        owner: ControllingKey,
        new_key: SignerKey,
        signatures: Mapping[str, bytes],
        now_ns: int,
    ) -> RecoveryState:
        """A new pending proposal, iff none is live and k guardians signed exactly this one."""
        if self.pending is not None and self.pending.owner_version == owner.version:  # a stale one is replaced
            raise RecoveryStateError(E.RECOVERY_PENDING, "a recovery is already pending; finish or cancel it")
        owner.replaced_by(new_key)  # E_BAD_KEY / E_ROTATION_DENIED: a key that cannot sign, or the current one
        attempt = self.attempts + 1
        digest = guardians.approve_digest(account_id, owner, attempt, new_key)
        if not guardians.as_multisig().allows(digest, signatures):
            raise RecoveryDenied(f"needs {guardians.threshold} guardian signatures over this recovery")
        queued = Timelock(guardians.delay_s).queue(now_ns)
        proposal = RecoveryProposal(new_key, owner.version, attempt, queued.queued_at_ns, queued.ready_at_ns)
        return RecoveryState(attempt, proposal)

    def cancelled(self, account_id: str, owner: ControllingKey, owner_signature: bytes) -> RecoveryState:
        """No pending proposal, iff the current owner key signed its cancel digest."""
        proposal = self.pending_proposal()
        if not owner.predicate().check(cancel_digest(account_id, proposal), owner_signature):
            raise RecoveryStateError(E.CANCEL_DENIED, "the owner key did not sign this cancel")
        return RecoveryState(self.attempts, None)

    def finished(self, owner: ControllingKey, now_ns: int) -> tuple[RecoveryState, ControllingKey]:
        """The cleared state and the new owner, iff the delay passed and the owner did not change."""
        proposal = self.pending_proposal()
        if now_ns < proposal.ready_at_ns:
            raise RecoveryStateError(E.RECOVERY_NOT_READY, f"final at {proposal.ready_at_ns} ns, now {now_ns}")
        if proposal.owner_version != owner.version:
            raise RecoveryStateError(E.RECOVERY_STALE, "the owner key changed after this recovery started")
        return RecoveryState(self.attempts, None), owner.replaced_by(proposal.new_key)

    def pending_proposal(self) -> RecoveryProposal:
        """The pending proposal, or E_NO_RECOVERY."""
        if self.pending is None:
            raise RecoveryStateError(E.NO_RECOVERY, "no recovery is pending")
        return self.pending

