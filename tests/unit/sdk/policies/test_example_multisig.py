"""The 2-of-3 multisig example on the in-process chain: verify, then change the key set by 2 of 3."""

from __future__ import annotations

import hashlib
from pathlib import Path

import hot.examples.policies.multisig
import pytest
from hot.sdk.policies.multisig import MultisigConfig
from hot.sdk.testing import LocalAccount, TestChain, reverts

from tests.support.signers import Member, payload, sigs_hex, verify_args

CONTRACT = Path(hot.examples.policies.multisig.__file__).parent / "contract.py"
ALICE, BOB, CAROL, DAVE = (Member("alice", "ed25519", 71), Member("bob", "secp256k1", 72),
                           Member("carol", "bip340", 73), Member("dave", "ed25519", 74))
SIGHASH = hashlib.sha256(b"bitcoin sighash of input 0").digest()


@pytest.fixture
def wallet(hot_chain: TestChain) -> LocalAccount:
    app = hot_chain.create_account("two-of-three")
    app.deploy(CONTRACT, init="new", args={"signers": [ALICE.json(), BOB.json(), CAROL.json()]})
    return app


def verifies(wallet: LocalAccount, *signers: Member, signed: bytes = SIGHASH) -> bool:
    return wallet.view("hot_verify", verify_args(SIGHASH, payload(signed, *signers))) is True


def test_any_two_of_the_three_verify_and_one_does_not(wallet) -> None:  # type: ignore[no-untyped-def]
    assert verifies(wallet, ALICE, BOB) and verifies(wallet, BOB, CAROL) and verifies(wallet, ALICE, CAROL)
    assert not verifies(wallet, CAROL)
    assert not verifies(wallet, ALICE, DAVE)  # an outsider does not count
    assert not verifies(wallet, ALICE, BOB, signed=hashlib.sha256(b"another sighash").digest())


def test_the_init_insists_on_three_keys(hot_chain: TestChain) -> None:
    app = hot_chain.create_account("wrong")
    with reverts("E_BAD_MULTISIG"):
        app.deploy(CONTRACT, init="new", args={"signers": [ALICE.json(), BOB.json()]})


def test_two_of_three_swap_a_lost_key_and_the_removed_key_stops_counting(hot_chain, wallet) -> None:  # type: ignore[no-untyped-def]
    relayer = hot_chain.create_account("relayer")
    current = MultisigConfig(2, (ALICE.key, BOB.key, CAROL.key))
    new_keys = (ALICE.key, BOB.key, DAVE.key)  # carol's key was lost: replace it with dave's
    digest = current.change_digest(wallet.account_id, 2, new_keys)
    args = {"threshold": 2, "signers": [ALICE.json(), BOB.json(), DAVE.json()]}
    with reverts("E_MULTISIG_DENIED"):
        relayer.call(wallet, "change_signers", {**args, "signatures": sigs_hex(digest, ALICE)})
    assert relayer.call(wallet, "change_signers", {**args, "signatures": sigs_hex(digest, ALICE, BOB)}).value == 1
    assert verifies(wallet, BOB, DAVE)
    assert not verifies(wallet, ALICE, CAROL)
    with reverts("E_MULTISIG_DENIED"):  # the same approval cannot be replayed at version 1
        relayer.call(wallet, "change_signers", {**args, "signatures": sigs_hex(digest, ALICE, BOB)})
