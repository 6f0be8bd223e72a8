"""A social-recovery wallet: the owner's key signs; 2 of 3 guardians can replace it after 3 days.

- `hot_verify`: the owner's controlling key signed msg_hash (`{"signatures": {"owner": "<hex>"}}`).
- `rotate`: seed rotation by the owner (current and new key both sign); addresses stay the same,
  because the MPC key derives from the key_id, not from the controlling key.
- `start_recovery` (k guardians sign), `cancel_recovery` (the owner signs, during the delay),
  `finish_recovery` (anyone, after the delay): hot.sdk.policies.recovery.

Deploy this module's source as the contract code (docs/contract-guide.md).
"""

from hot.sdk.contract import Value, call, contract, emit_event, env, init, view
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.recovery import Guardians, RecoveryState
from hot.sdk.policies.rotation import ControllingKey

EVENTS = ("hot-social-recovery", "1.0.0")


@contract
class SocialRecoveryWallet:
    owner = Value(ControllingKey)
    guardians = Value(Guardians)
    recovery = Value(RecoveryState)

    @init
    def new(self, owner: SignerKey, guardians: list[SignerKey], threshold: int, delay_s: int) -> None:
        self.owner.set(ControllingKey(owner))
        self.guardians.set(Guardians(threshold, tuple(guardians), delay_s))
        self.recovery.set(RecoveryState())

    @view
    def hot_verify(
        self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "", metadata: str = ""
    ) -> bool:
        return self.owner.get().allows_request(msg_hash, user_payload)

    @call
    def rotate(self, new_key: SignerKey, current_signature: bytes, new_signature: bytes) -> int:
        """Seed rotation: both keys sign `rotation_digest`; pending recoveries become stale."""
        rotated = self.owner.get().rotated_to(env.current_account_id, new_key, current_signature, new_signature)
        self.owner.set(rotated)
        emit_event(*EVENTS, "rotate", {"version": rotated.version})
        return rotated.version

    @call
    def start_recovery(self, new_key: SignerKey, signatures: dict[str, bytes]) -> int:
        """k guardians propose `new_key`; returns the block time (ns) at which it can finish."""
        state = self.recovery.get().started(
            env.current_account_id, self.guardians.get(), self.owner.get(), new_key, signatures, env.block_timestamp
        )
        self.recovery.set(state)
        ready_at_ns = state.pending_proposal().ready_at_ns
        emit_event(*EVENTS, "start_recovery", {"attempt": state.attempts, "ready_at_ns": ready_at_ns})
        return ready_at_ns

    @call
    def cancel_recovery(self, owner_signature: bytes) -> None:
        self.recovery.set(self.recovery.get().cancelled(env.current_account_id, self.owner.get(), owner_signature))
        emit_event(*EVENTS, "cancel_recovery", {"attempt": self.recovery.get().attempts})

    @call
    def finish_recovery(self) -> int:
        state, owner = self.recovery.get().finished(self.owner.get(), env.block_timestamp)
        self.recovery.set(state)
        self.owner.set(owner)
        emit_event(*EVENTS, "finish_recovery", {"version": owner.version})
        return owner.version

    @view
    def get_owner(self) -> ControllingKey:
        return self.owner.get()

    @view
    def get_recovery(self) -> RecoveryState:
        return self.recovery.get()
