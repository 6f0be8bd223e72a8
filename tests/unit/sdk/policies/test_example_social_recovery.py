"""The social-recovery example on the in-process chain: owner signs, rotates; guardians recover."""

from __future__ import annotations

import hashlib
from pathlib import Path

import hot.examples.policies.social_recovery
import pytest
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.recovery import Guardians, RecoveryProposal, cancel_digest
from hot.sdk.policies.rotation import ControllingKey
from hot.sdk.testing import LocalAccount, TestChain, reverts

from tests.support.signers import Member, payload, sigs_hex, verify_args

CONTRACT = Path(hot.examples.policies.social_recovery.__file__).parent / "contract.py"
OWNER, ROTATED, RECOVERED = (Member("owner", "ed25519", 81), Member("owner", "secp256k1", 82),
                             Member("owner", "bip340", 83))
G1, G2, G3 = Member("mom", "ed25519", 84), Member("friend", "secp256k1", 85), Member("laptop", "bip340", 86)
DELAY_S = 3 * 86_400
GUARDIANS = Guardians(2, (G1.key, G2.key, G3.key), DELAY_S)
MSG = hashlib.sha256(b"spend").digest()


@pytest.fixture
def wallet(hot_chain: TestChain) -> LocalAccount:
    app = hot_chain.create_account("recoverable")
    app.deploy(CONTRACT, init="new", args={"owner": OWNER.json(), "guardians": [G1.json(), G2.json(), G3.json()],
                                           "threshold": 2, "delay_s": DELAY_S})
    return app


@pytest.fixture
def relayer(hot_chain: TestChain) -> LocalAccount:
    return hot_chain.create_account("relayer")


def verifies(wallet: LocalAccount, signer: Member) -> bool:
    return wallet.view("hot_verify", verify_args(MSG, payload(MSG, signer))) is True


def owner_of(wallet: LocalAccount) -> ControllingKey:
    got = wallet.view("get_owner")
    key = SignerKey(got["key"]["label"], got["key"]["scheme"], bytes.fromhex(got["key"]["public_key"]))
    return ControllingKey(key, got["version"])


def start(wallet: LocalAccount, relayer: LocalAccount, new: Member, *guardians: Member) -> int:
    attempt = wallet.view("get_recovery")["attempts"] + 1
    digest = GUARDIANS.approve_digest(wallet.account_id, owner_of(wallet), attempt, new.key)
    return relayer.call(wallet, "start_recovery", {"new_key": new.json(),
                                                   "signatures": sigs_hex(digest, *guardians)}).value


def test_the_owner_key_signs_and_nothing_else_does(wallet) -> None:  # type: ignore[no-untyped-def]
    assert verifies(wallet, OWNER)
    assert not verifies(wallet, G1)


def test_seed_rotation_replaces_the_key_with_both_signatures(wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    digest = ControllingKey(OWNER.key).rotation_digest(wallet.account_id, ROTATED.key)
    with reverts("E_ROTATION_DENIED"):
        relayer.call(wallet, "rotate", {"new_key": ROTATED.json(), "current_signature": G1.sign(digest).hex(),
                                        "new_signature": ROTATED.sign(digest).hex()})
    relayer.call(wallet, "rotate", {"new_key": ROTATED.json(), "current_signature": OWNER.sign(digest).hex(),
                                    "new_signature": ROTATED.sign(digest).hex()})
    assert verifies(wallet, ROTATED) and not verifies(wallet, OWNER)


def test_guardians_recover_a_lost_key_after_the_delay(hot_chain, wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    with reverts("E_RECOVERY_DENIED"):
        start(wallet, relayer, RECOVERED, G1)
    ready_at = start(wallet, relayer, RECOVERED, G1, G3)
    assert ready_at == hot_chain.block_timestamp + DELAY_S * 10**9  # the delay counts from the start block
    assert verifies(wallet, OWNER)  # nothing changes during the delay
    with reverts("E_RECOVERY_NOT_READY"):
        relayer.call(wallet, "finish_recovery")
    hot_chain.time_travel(DELAY_S)
    assert relayer.call(wallet, "finish_recovery").value == 1
    assert verifies(wallet, RECOVERED) and not verifies(wallet, OWNER)
    with reverts("E_NO_RECOVERY"):
        relayer.call(wallet, "finish_recovery")


def test_the_owner_cancels_a_recovery_by_rogue_guardians(hot_chain, wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    start(wallet, relayer, RECOVERED, G2, G3)
    pending = wallet.view("get_recovery")["pending"]
    proposal = RecoveryProposal(RECOVERED.key, pending["owner_version"], pending["attempt"],
                                pending["started_at_ns"], pending["ready_at_ns"])
    with reverts("E_CANCEL_DENIED"):
        relayer.call(wallet, "cancel_recovery", {"owner_signature": G2.sign(cancel_digest(wallet.account_id,
                                                                                          proposal)).hex()})
    relayer.call(wallet, "cancel_recovery",
                 {"owner_signature": OWNER.sign(cancel_digest(wallet.account_id, proposal)).hex()})
    hot_chain.time_travel(DELAY_S)
    with reverts("E_NO_RECOVERY"):
        relayer.call(wallet, "finish_recovery")
    assert verifies(wallet, OWNER) and not verifies(wallet, RECOVERED)


def test_a_rotation_during_the_delay_makes_the_recovery_stale(hot_chain, wallet, relayer) -> None:  # type: ignore[no-untyped-def]
    start(wallet, relayer, RECOVERED, G1, G2)
    digest = ControllingKey(OWNER.key).rotation_digest(wallet.account_id, ROTATED.key)
    relayer.call(wallet, "rotate", {"new_key": ROTATED.json(), "current_signature": OWNER.sign(digest).hex(),
                                    "new_signature": ROTATED.sign(digest).hex()})
    hot_chain.time_travel(DELAY_S)
    with reverts("E_RECOVERY_STALE"):
        relayer.call(wallet, "finish_recovery")
    assert verifies(wallet, ROTATED)
