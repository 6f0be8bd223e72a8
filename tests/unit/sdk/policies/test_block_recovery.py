"""Social recovery: k guardians replace the owner key after a delay; the owner can cancel."""

from __future__ import annotations

import pytest
from hot.wire.errors import ContractPanic, MultisigDefinitionError, RecoveryDenied, TimelockDefinitionError
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.recovery import Guardians, RecoveryState, cancel_digest
from hot.sdk.policies.rotation import ControllingKey
from hot.sdk.policies.timelock import NS_PER_S

from tests.support.signers import Member, sigs

OWNER_KEY, NEW_KEY = Member("owner", "ed25519", 31), Member("owner", "secp256k1", 32)
G1, G2, G3 = Member("g1", "ed25519", 33), Member("g2", "bip340", 34), Member("g3", "secp256k1", 35)
GUARDIANS = Guardians(2, (G1.key, G2.key, G3.key), delay_s=3 * 86_400)
OWNER = ControllingKey(OWNER_KEY.key)
ACCOUNT, T0 = "w.near", 1_000 * NS_PER_S
DELAY_NS = 3 * 86_400 * NS_PER_S


def start(state: RecoveryState, *guardians: Member, owner: ControllingKey = OWNER, new: Member = NEW_KEY,
          now: int = T0) -> RecoveryState:
    digest = GUARDIANS.approve_digest(ACCOUNT, owner, state.attempts + 1, new.key)
    return state.started(ACCOUNT, GUARDIANS, owner, new.key, sigs(digest, *guardians), now)


def code_of(excinfo: pytest.ExceptionInfo[ContractPanic]) -> str:
    return excinfo.value.error_code


def test_two_guardians_replace_the_owner_after_the_delay() -> None:
    state = start(RecoveryState(), G1, G3)
    assert state.pending is not None and state.pending.ready_at_ns == T0 + DELAY_NS
    with pytest.raises(ContractPanic) as early:
        state.finished(OWNER, T0 + DELAY_NS - 1)
    assert code_of(early) == "E_RECOVERY_NOT_READY"
    cleared, new_owner = state.finished(OWNER, T0 + DELAY_NS)
    assert cleared.pending is None and (new_owner.key, new_owner.version) == (NEW_KEY.key, 1)


def test_one_guardian_or_outsiders_cannot_start() -> None:
    with pytest.raises(RecoveryDenied):
        start(RecoveryState(), G2)
    with pytest.raises(RecoveryDenied):
        start(RecoveryState(), G1, NEW_KEY.relabelled("g2"))  # a key not registered as g2


def test_the_owner_cancels_and_the_old_approvals_cannot_restart() -> None:
    state = start(RecoveryState(), G1, G2)
    assert state.pending is not None
    with pytest.raises(ContractPanic) as wrong:  # a guardian cannot cancel for the owner
        state.cancelled(ACCOUNT, OWNER, G1.sign(cancel_digest(ACCOUNT, state.pending)))
    assert code_of(wrong) == "E_CANCEL_DENIED"
    cancelled = state.cancelled(ACCOUNT, OWNER, OWNER_KEY.sign(cancel_digest(ACCOUNT, state.pending)))
    assert cancelled.pending is None and cancelled.attempts == 1
    replay = GUARDIANS.approve_digest(ACCOUNT, OWNER, 1, NEW_KEY.key)  # the first attempt's approvals
    with pytest.raises(RecoveryDenied):
        cancelled.started(ACCOUNT, GUARDIANS, OWNER, NEW_KEY.key, sigs(replay, G1, G2), T0)
    with pytest.raises(ContractPanic) as none:
        cancelled.finished(OWNER, T0 + DELAY_NS)
    assert code_of(none) == "E_NO_RECOVERY"


def test_one_live_recovery_at_a_time_and_a_rotation_makes_it_stale() -> None:
    state = start(RecoveryState(), G1, G2)
    with pytest.raises(ContractPanic) as pending:
        start(state, G2, G3)
    assert code_of(pending) == "E_RECOVERY_PENDING"
    rotated = ControllingKey(SignerKey("owner", "bip340", G2.key.public_key), 1)  # owner moved on
    with pytest.raises(ContractPanic) as stale:
        state.finished(rotated, T0 + DELAY_NS)
    assert code_of(stale) == "E_RECOVERY_STALE"
    restarted = start(state, G2, G3, owner=rotated)  # a stale proposal does not block a new one
    assert restarted.pending is not None and restarted.pending.owner_version == 1


def test_a_recovery_to_the_current_key_is_refused_at_the_start() -> None:
    with pytest.raises(ContractPanic) as same:
        start(RecoveryState(), G1, G2, new=OWNER_KEY)
    assert code_of(same) == "E_ROTATION_DENIED"


def test_bad_guardian_sets_are_refused() -> None:
    with pytest.raises(MultisigDefinitionError):
        Guardians(3, (G1.key, G2.key), 60)
    with pytest.raises(TimelockDefinitionError):
        Guardians(1, (G1.key,), 0)
