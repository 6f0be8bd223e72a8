"""The contract guide's example, exactly as docs/contract-guide.md shows it."""

from __future__ import annotations

import base58
from hot.examples.approvals.contract import Approvals
from hot.sdk.testing import reverts
from nacl.signing import SigningKey

from tests.support.contracts import KITCHEN


def test_only_approved_hashes_verify(hot_chain) -> None:  # type: ignore[no-untyped-def]
    alice, app = hot_chain.create_account("alice"), hot_chain.create_account("app")
    app.deploy(Approvals, init="new", args={"owner": alice.account_id})
    alice.call(app, "approve", {"msg_hash": "3yZe7d"})
    assert app.view("hot_verify", {"msg_hash": "3yZe7d"}) is True
    assert app.view("hot_verify", {"msg_hash": "other"}) is False
    with reverts("E_NOT_OWNER"):
        app.call(app, "approve", {"msg_hash": "x"})


def test_hot_verify_takes_hots_argument_names(hot_chain) -> None:  # type: ignore[no-untyped-def]
    alice, app = hot_chain.create_account("alice"), hot_chain.create_account("app")
    app.deploy(Approvals, init="new", args={"owner": alice.account_id})
    msg_hash = base58.b58encode(b"\x11" * 32).decode()
    alice.call(app, "approve", {"msg_hash": msg_hash})
    args = {"wallet_id": "w1", "msg_hash": msg_hash, "msg_body": "", "user_payload": "{}", "metadata": ""}
    assert app.view("hot_verify", args) is True


def test_host_crypto_is_reachable_from_contract_code(hot_chain) -> None:  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("crypto")
    app.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    key = SigningKey(b"\x05" * 32)
    signature = key.sign(b"hello").signature
    good = {"public_key": bytes(key.verify_key).hex(), "message": b"hello".hex(), "signature": signature.hex()}
    assert app.view("check_signature", good) is True
    assert app.view("check_signature", {**good, "message": b"hellO".hex()}) is False
