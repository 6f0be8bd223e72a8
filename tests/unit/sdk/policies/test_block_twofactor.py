"""Two-factor approval: the device key AND the second factor; changes need both."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hot.wire.errors import MultisigChangeDenied, MultisigDefinitionError
from hot.sdk.policies.twofactor import TwoFactor
from hot.sdk.testing import LocalAccount, TestChain, reverts

from tests.support.signers import Member, b58, payload, sigs, sigs_hex, verify_args

DEVICE, FACTOR = Member("device", "ed25519", 41), Member("second_factor", "secp256k1", 42)
NEW_DEVICE = Member("device", "bip340", 43)
MSG = hashlib.sha256(b"withdraw").digest()
TWO_FA = TwoFactor(DEVICE.key, FACTOR.key)


def test_both_factors_allow_either_alone_does_not() -> None:
    assert TWO_FA.allows_request(b58(MSG), payload(MSG, DEVICE, FACTOR))
    assert not TWO_FA.allows_request(b58(MSG), payload(MSG, DEVICE))
    assert not TWO_FA.allows_request(b58(MSG), payload(MSG, FACTOR))
    assert not TWO_FA.allows_request(b58(MSG), payload(hashlib.sha256(b"other").digest(), DEVICE, FACTOR))
    assert not TWO_FA.allows_request(b58(MSG), "")


def test_replacing_the_device_needs_both_current_factors() -> None:
    digest = TWO_FA.change_digest("w.near", NEW_DEVICE.key, FACTOR.key)
    with pytest.raises(MultisigChangeDenied):  # a lost device: the second factor alone cannot do it
        TWO_FA.changed_to("w.near", NEW_DEVICE.key, FACTOR.key, sigs(digest, FACTOR, NEW_DEVICE))
    updated = TWO_FA.changed_to("w.near", NEW_DEVICE.key, FACTOR.key, sigs(digest, DEVICE, FACTOR))
    assert updated.version == 1
    assert updated.allows(MSG, sigs(MSG, NEW_DEVICE, FACTOR)) and not updated.allows(MSG, sigs(MSG, DEVICE, FACTOR))


def test_labels_and_distinct_keys_are_required() -> None:
    with pytest.raises(MultisigDefinitionError):
        TwoFactor(FACTOR.key, DEVICE.key)  # labels swapped
    with pytest.raises(MultisigDefinitionError):
        TwoFactor(DEVICE.key, DEVICE.relabelled("second_factor").key)  # one key as both factors


VAULT = Path(__file__).parent / "contracts" / "twofactor_vault.py"
DELAY_S = 86_400


@pytest.fixture
def vault(hot_chain: TestChain) -> LocalAccount:
    app = hot_chain.create_account("vault")
    app.deploy(VAULT, init="new", args={"device": DEVICE.json(), "second_factor": FACTOR.json(), "delay_s": DELAY_S})
    return app


def vault_verifies(vault: LocalAccount, *signers: Member) -> bool:
    return vault.view("hot_verify", verify_args(MSG, payload(MSG, *signers))) is True


def test_deployed_vault_needs_both_factors_for_an_immediate_signature(vault) -> None:  # type: ignore[no-untyped-def]
    assert vault_verifies(vault, DEVICE, FACTOR)
    assert not vault_verifies(vault, DEVICE)
    assert not vault_verifies(vault, FACTOR)


def test_deployed_vault_changes_factors_only_with_both(hot_chain, vault) -> None:  # type: ignore[no-untyped-def]
    digest = TWO_FA.change_digest(vault.account_id, NEW_DEVICE.key, FACTOR.key)
    args = {"device": NEW_DEVICE.json(), "second_factor": FACTOR.json()}
    with reverts("E_MULTISIG_DENIED"):
        vault.call(vault, "change_factors", {**args, "signatures": sigs_hex(digest, FACTOR)})
    assert vault.call(vault, "change_factors", {**args, "signatures": sigs_hex(digest, DEVICE, FACTOR)}).value == 1
    assert vault_verifies(vault, NEW_DEVICE, FACTOR) and not vault_verifies(vault, DEVICE, FACTOR)
