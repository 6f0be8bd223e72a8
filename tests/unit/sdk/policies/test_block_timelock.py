"""Timelocks: queued now, valid after the delay, cancellable only by the owner's signature."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hot.sdk.policies.timelock import NS_PER_S, QueuedRequest, Timelock, cancel_digest, ready
from hot.wire.errors import TimelockDefinitionError, TimelockNotReady
from hot.sdk.testing import LocalAccount, TestChain, reverts
from hypothesis import given
from hypothesis import strategies as st

from tests.support.signers import Member, b58, payload, verify_args

LOCK = Timelock(3600)


def test_a_queued_request_is_valid_only_after_the_delay() -> None:
    entry = LOCK.queue(10 * NS_PER_S)
    assert not ready(entry, 10 * NS_PER_S)
    assert not ready(entry, (10 + 3600) * NS_PER_S - 1)
    assert ready(entry, (10 + 3600) * NS_PER_S)
    assert not ready(None, 10**30)  # never queued: never valid
    with pytest.raises(TimelockNotReady):
        entry.require_ready(11 * NS_PER_S)


@pytest.mark.parametrize("delay", [0, -1, 366 * 86_400, True, "60"])
def test_bad_delays_are_refused(delay: object) -> None:
    with pytest.raises(TimelockDefinitionError):
        Timelock(delay)  # type: ignore[arg-type]


def test_a_cancel_digest_binds_account_request_and_queue_time() -> None:
    first, again = LOCK.queue(1), LOCK.queue(2)
    digests = {
        cancel_digest("w.near", "h1", first),
        cancel_digest("w.near", "h1", again),
        cancel_digest("x.near", "h1", first),
        cancel_digest("w.near", "h2", first),
    }
    assert len(digests) == 4


@given(delay=st.integers(1, 10**6), queued=st.integers(0, 10**18), now=st.integers(0, 2 * 10**18))
def test_property_ready_iff_the_delay_has_passed(delay: int, queued: int, now: int) -> None:
    assert ready(Timelock(delay).queue(queued), now) == (now - queued >= delay * NS_PER_S)


VAULT = Path(__file__).parent / "contracts" / "twofactor_vault.py"
DEVICE, FACTOR = Member("device", "ed25519", 91), Member("second_factor", "secp256k1", 92)
MSG = hashlib.sha256(b"withdraw everything").digest()
DELAY_S = 86_400


@pytest.fixture
def vault(hot_chain: TestChain) -> LocalAccount:
    app = hot_chain.create_account("vault")
    app.deploy(VAULT, init="new", args={"device": DEVICE.json(), "second_factor": FACTOR.json(), "delay_s": DELAY_S})
    return app


def device_alone_verifies(vault: LocalAccount) -> bool:
    return vault.view("hot_verify", verify_args(MSG, payload(MSG, DEVICE))) is True


def test_deployed_device_alone_signs_only_after_the_delay(hot_chain, vault) -> None:  # type: ignore[no-untyped-def]
    assert not device_alone_verifies(vault)  # not queued
    with reverts("E_NOT_DEVICE"):
        vault.call(vault, "queue", {"msg_hash": b58(MSG), "device_signature": FACTOR.sign(MSG).hex()})
    ready_at = vault.call(vault, "queue", {"msg_hash": b58(MSG), "device_signature": DEVICE.sign(MSG).hex()}).value
    assert ready_at == hot_chain.block_timestamp + DELAY_S * NS_PER_S
    with reverts("E_ALREADY_QUEUED"):
        vault.call(vault, "queue", {"msg_hash": b58(MSG), "device_signature": DEVICE.sign(MSG).hex()})
    hot_chain.time_travel((ready_at - hot_chain.block_timestamp) // NS_PER_S - 1)  # (each block moves 1 s)
    assert not device_alone_verifies(vault)  # a second early
    hot_chain.time_travel(1)
    assert device_alone_verifies(vault)


def test_deployed_second_factor_cancels_a_request_queued_by_a_stolen_device(hot_chain, vault) -> None:  # type: ignore[no-untyped-def]
    vault.call(vault, "queue", {"msg_hash": b58(MSG), "device_signature": DEVICE.sign(MSG).hex()})
    entry = QueuedRequest(**vault.view("get_queued", {"msg_hash": b58(MSG)}))
    outsider = Member("device", "ed25519", 93)
    with reverts("E_CANCEL_DENIED"):
        vault.call(vault, "cancel", {"msg_hash": b58(MSG),
                                     "signature": outsider.sign(cancel_digest(vault.account_id, b58(MSG), entry)).hex()})
    vault.call(vault, "cancel", {"msg_hash": b58(MSG),
                                 "signature": FACTOR.sign(cancel_digest(vault.account_id, b58(MSG), entry)).hex()})
    hot_chain.time_travel(DELAY_S)
    assert not device_alone_verifies(vault)
    with reverts("E_NOT_QUEUED"):
        vault.call(vault, "cancel", {"msg_hash": b58(MSG), "signature": FACTOR.sign(MSG).hex()})
