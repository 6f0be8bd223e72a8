"""k-of-m multisig: the pure config, then a deployed wallet contract on the in-process chain."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import base58
import pytest
from hot.sdk.policies.multisig import MultisigConfig, SignerKey, signatures_from_payload
from hot.wire.errors import MultisigChangeDenied, MultisigDefinitionError
from hot.sdk.testing import reverts

from tests.support.signers import Member, sigs

CONTRACT = Path(__file__).parent / "contracts" / "multisig_wallet.py"
MSG_HASH = hashlib.sha256(b"psbt sighash input 0").digest()


ALICE, BOB, CAROL, DAVE = (
    Member("alice", "ed25519", 1),
    Member("bob", "secp256k1", 2),
    Member("carol", "bip340", 3),
    Member("dave", "ed25519", 4),
)


def payload(digest: bytes, *members: Member) -> str:
    return json.dumps({"signatures": {label: sig.hex() for label, sig in sigs(digest, *members).items()}})


def key_json(*members: Member) -> list[dict[str, Any]]:
    return [{"label": m.key.label, "scheme": m.key.scheme, "public_key": m.key.public_key.hex()} for m in members]


CONFIG = MultisigConfig(2, (ALICE.key, BOB.key, CAROL.key))


def test_two_of_three_over_mixed_schemes() -> None:
    assert CONFIG.allows(MSG_HASH, sigs(MSG_HASH, ALICE, CAROL))
    assert CONFIG.allows(MSG_HASH, sigs(MSG_HASH, BOB, CAROL))
    assert not CONFIG.allows(MSG_HASH, sigs(MSG_HASH, BOB))
    assert not CONFIG.allows(MSG_HASH, {**sigs(MSG_HASH, BOB), "dave": DAVE.sign(MSG_HASH)})  # outsider
    assert not CONFIG.allows(MSG_HASH, {"alice": ALICE.sign(MSG_HASH), "bob": ALICE.sign(MSG_HASH)})


@pytest.mark.parametrize(
    "user_payload", ["", "{}", "[]", '{"signatures": []}', '{"signatures": {"alice": "zz"}}', "null"]
)
def test_malformed_payload_is_a_denial(user_payload: str) -> None:
    assert signatures_from_payload(user_payload) is None
    assert not CONFIG.allows_request(base58.b58encode(MSG_HASH).decode(), user_payload)
    assert not CONFIG.allows_request("0OIl", payload(MSG_HASH, ALICE, BOB))  # not base58


@pytest.mark.parametrize(
    ("threshold", "keys"),
    [
        (0, (ALICE.key,)),
        (2, (ALICE.key,)),
        (1, ()),
        (2, (ALICE.key, ALICE.key)),  # one key twice would count twice
        (1, (SignerKey("x", "rsa", b"\x01" * 32),)),
        (1, (SignerKey("x", "ed25519", b"\x01" * 31),)),
        (1, (SignerKey("", "ed25519", ALICE.key.public_key),)),
        (1, tuple(Member(f"m{i}", "ed25519", 40 + i).key for i in range(17))),  # over MAX_SIGNERS
    ],
)
def test_bad_definitions_are_refused(threshold: int, keys: tuple[SignerKey, ...]) -> None:
    with pytest.raises(MultisigDefinitionError):
        MultisigConfig(threshold, keys)


def test_key_set_change_needs_k_of_the_current_signers_and_is_bound_to_account_and_version() -> None:
    new_keys = (ALICE.key, DAVE.key)
    digest = CONFIG.change_digest("w.test.near", 1, new_keys)
    updated = CONFIG.changed_to("w.test.near", 1, new_keys, sigs(digest, ALICE, BOB))
    assert (updated.threshold, updated.signers, updated.version) == (1, new_keys, 1)
    with pytest.raises(MultisigChangeDenied):
        CONFIG.changed_to("w.test.near", 1, new_keys, sigs(digest, ALICE))  # 1 of 2 needed
    with pytest.raises(MultisigChangeDenied):
        CONFIG.changed_to("other.test.near", 1, new_keys, sigs(digest, ALICE, BOB))  # other wallet
    with pytest.raises(MultisigChangeDenied):
        CONFIG.changed_to("w.test.near", 1, (DAVE.key,), sigs(digest, ALICE, BOB))  # other key set
    with pytest.raises(MultisigChangeDenied):  # the same approval again, one version later
        updated.changed_to("w.test.near", 1, new_keys, sigs(digest, ALICE, BOB))
    with pytest.raises(MultisigChangeDenied):
        CONFIG.changed_to("w.test.near", 1, new_keys, sigs(digest, DAVE, ALICE))  # dave is not yet a signer


@pytest.fixture
def wallet(hot_chain):  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("wallet")
    app.deploy(CONTRACT, init="new", args={"threshold": 2, "signers": key_json(ALICE, BOB, CAROL)})
    return app


def hot_verify(wallet: Any, digest: bytes, user_payload: str) -> Any:
    return wallet.view(
        "hot_verify",
        {
            "msg_hash": base58.b58encode(digest).decode(),
            "wallet_id": "btc-1",
            "msg_body": "",
            "user_payload": user_payload,
            "metadata": "",
        },
    )


def test_deployed_wallet_verifies_two_of_three(wallet) -> None:  # type: ignore[no-untyped-def]
    assert hot_verify(wallet, MSG_HASH, payload(MSG_HASH, ALICE, CAROL)) is True
    assert hot_verify(wallet, MSG_HASH, payload(MSG_HASH, BOB)) is False
    assert hot_verify(wallet, MSG_HASH, payload(hashlib.sha256(b"other").digest(), ALICE, BOB)) is False
    assert hot_verify(wallet, MSG_HASH, "not json") is False


def test_deployed_wallet_rotates_keys_only_with_two_current_signatures(hot_chain, wallet):  # type: ignore[no-untyped-def]
    relayer = hot_chain.create_account("relayer")  # anyone may submit: the signatures are the authority
    config = MultisigConfig(2, (ALICE.key, BOB.key, CAROL.key))
    new_keys = (BOB.key, CAROL.key, DAVE.key)
    digest = config.change_digest(wallet.account_id, 2, new_keys)
    args = {"threshold": 2, "signers": key_json(BOB, CAROL, DAVE)}
    with reverts("E_MULTISIG_DENIED"):
        relayer.call(
            wallet, "change_signers", {**args, "signatures": {k: v.hex() for k, v in sigs(digest, BOB).items()}}
        )
    with reverts("E_BAD_MULTISIG"):
        relayer.call(wallet, "change_signers", {"threshold": 4, "signers": key_json(BOB), "signatures": {}})
    result = relayer.call(
        wallet, "change_signers", {**args, "signatures": {k: v.hex() for k, v in sigs(digest, ALICE, CAROL).items()}}
    )
    assert result.value == 1 and result.events[0]["data"] == {"version": 1, "threshold": 2}
    assert hot_verify(wallet, MSG_HASH, payload(MSG_HASH, ALICE, BOB)) is False  # alice was removed
    assert hot_verify(wallet, MSG_HASH, payload(MSG_HASH, DAVE, BOB)) is True
    assert wallet.view("get_config")["version"] == 1
    with reverts("E_MULTISIG_DENIED"):  # replaying the same approval fails: the version moved on
        relayer.call(
            wallet,
            "change_signers",
            {**args, "signatures": {k: v.hex() for k, v in sigs(digest, ALICE, CAROL).items()}},
        )
