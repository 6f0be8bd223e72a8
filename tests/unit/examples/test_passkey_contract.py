"""The passkey key-owner contract on the in-process chain: hot_verify allows exactly what the passkey approved."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import base58
import hot.contracts
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hot.examples.passkey_wallet.contract import PasskeyWallets
from hot.sdk.client.registry import access_method, key_id_of, reserve_args
from hot.sdk.policies.passkey import PasskeyProof, batch_challenge
from hot.sdk.testing import TestChain, reverts
from nacl.signing import SigningKey

from tests.support.assertions import Authenticator

REGISTRY_SOURCE = Path(hot.contracts.__file__).parent / "registry.py"
TX_A = [hashlib.sha256(b"tx A input %d" % i).digest() for i in range(3)]
TX_B = [hashlib.sha256(b"tx B input 0").digest()]


class Wallet:
    """A deployed registry + passkey contract and one key reserved by alice."""

    def __init__(self, chain: TestChain) -> None:
        self.registry = chain.create_account("registry")
        self.registry.deploy(REGISTRY_SOURCE, init="new", args={})
        self.passkey = chain.create_account("passkey")
        self.passkey.deploy(PasskeyWallets, init="new", args={"registry": self.registry.account_id})
        self.alice = chain.create_account("alice")
        self.mallory = chain.create_account("mallory")
        root = SigningKey(hashlib.sha256(b"alice root").digest())
        args = reserve_args(root, self.alice.account_id, self.registry.account_id,
                            [access_method(self.passkey.account_id)])
        self.key_id = self.alice.call(self.registry, "reserve_key", args).value
        assert self.key_id == key_id_of(bytes(root.verify_key))

    def bind(self, authenticator: Authenticator, **kwargs: Any) -> None:
        credential = authenticator.credential(**kwargs).to_json()
        self.alice.call(self.passkey, "bind_passkey", {"key_id": self.key_id, "credential": credential})

    def verify(self, msg_hash: bytes | str, payload: bytes | str, key_id: str | None = None) -> Any:
        return self.passkey.view("hot_verify", {
            "msg_hash": msg_hash if isinstance(msg_hash, str) else base58.b58encode(msg_hash).decode(),
            "wallet_id": key_id or self.key_id, "msg_body": "",
            "user_payload": payload if isinstance(payload, str) else payload.decode(), "metadata": ""})


def proof(authenticator: Authenticator, messages: list[bytes], **kwargs: Any) -> bytes:
    """One assertion over the batch challenge, with the batch in the payload (the wallet's wire form)."""
    assertion = authenticator.assert_challenge(batch_challenge(messages), **kwargs)
    return PasskeyProof(assertion, tuple(messages)).to_user_payload()


@pytest.fixture
def wallet(hot_chain: TestChain) -> Wallet:
    return Wallet(hot_chain)


@pytest.fixture
def passkey() -> Authenticator:
    return Authenticator()


def test_an_approved_batch_allows_each_of_its_messages(wallet: Wallet, passkey: Authenticator) -> None:
    wallet.bind(passkey)
    assert wallet.passkey.view("get_passkey", {"key_id": wallet.key_id}) == passkey.credential().to_json()
    payload = proof(passkey, TX_A)
    assert [wallet.verify(m, payload) for m in TX_A] == [True, True, True]
    single = PasskeyProof(passkey.assert_challenge(TX_B[0])).to_user_payload()  # one message, no list
    assert wallet.verify(TX_B[0], single) is True


@pytest.mark.parametrize("broken", [
    pytest.param({"signer": ec.generate_private_key(ec.SECP256R1())}, id="wrong-key"),
    pytest.param({"origin": "https://evil.example"}, id="wrong-origin"),
    pytest.param({"rp_id": "evil.example"}, id="wrong-rp"),
    pytest.param({"flags": 0x01}, id="uv-missing"),
    pytest.param({"flags": 0x04}, id="up-missing"),
    pytest.param({"type_": "webauthn.create"}, id="registration-not-assertion"),
    pytest.param({"credential_id": b"another credential"}, id="wrong-credential"),
])
def test_each_broken_rule_is_false(wallet: Wallet, passkey: Authenticator, broken: dict[str, Any]) -> None:
    wallet.bind(passkey)
    assert wallet.verify(TX_A[0], proof(passkey, TX_A)) is True
    assert wallet.verify(TX_A[0], proof(passkey, TX_A, **broken)) is False


def test_wrong_challenge_and_replay_for_another_tx_are_false(wallet: Wallet, passkey: Authenticator) -> None:
    wallet.bind(passkey)
    approved_a = proof(passkey, TX_A)
    assert wallet.verify(TX_B[0], approved_a) is False  # replay: tx A's approval for tx B's sighash
    assertion_a = passkey.assert_challenge(batch_challenge(TX_A))
    stretched = PasskeyProof(assertion_a, (*TX_A, TX_B[0])).to_user_payload()  # B smuggled into A's list
    assert wallet.verify(TX_B[0], stretched) is False
    assert wallet.verify(TX_A[0], stretched) is False
    wrong = PasskeyProof(passkey.assert_challenge(hashlib.sha256(b"other").digest()), tuple(TX_A)).to_user_payload()
    assert wallet.verify(TX_A[0], wrong) is False


def test_uv_is_only_needed_when_the_credential_requires_it(wallet: Wallet, passkey: Authenticator) -> None:
    wallet.bind(passkey, require_user_verification=False)
    assert wallet.verify(TX_A[0], proof(passkey, TX_A, flags=0x01)) is True


@pytest.mark.parametrize("msg_hash,payload", [
    pytest.param("0OIl", "{}", id="msg-hash-not-base58"),
    pytest.param(base58.b58encode(b"short").decode(), None, id="msg-hash-not-32-bytes"),
    pytest.param(None, "not json", id="payload-not-json"),
    pytest.param(None, '{"assertion": 5}', id="payload-wrong-shape"),
    pytest.param(None, '{"assertion": {}, "messages": ["zz"]}', id="payload-bad-hex"),
    pytest.param(None, "", id="payload-empty"),
])
def test_malformed_requests_are_false_not_errors(wallet: Wallet, passkey: Authenticator, msg_hash: str | None,
                                                 payload: str | None) -> None:
    wallet.bind(passkey)
    good = proof(passkey, TX_A).decode()
    assert wallet.verify(msg_hash or TX_A[0], payload if payload is not None else good) is False


def test_an_unbound_key_is_false(wallet: Wallet, passkey: Authenticator) -> None:
    assert wallet.verify(TX_A[0], proof(passkey, TX_A)) is False
    wallet.bind(passkey)
    assert wallet.verify(TX_A[0], proof(passkey, TX_A), key_id="someone-else") is False


def test_only_the_reserving_account_binds_once(wallet: Wallet, passkey: Authenticator) -> None:
    credential = passkey.credential().to_json()
    with reverts("E_NOT_OWNER"):
        wallet.mallory.call(wallet.passkey, "bind_passkey", {"key_id": wallet.key_id, "credential": credential})
    with reverts("E_UNKNOWN_KEY"):
        wallet.alice.call(wallet.passkey, "bind_passkey", {"key_id": "not-reserved", "credential": credential})
    with reverts("E_BAD_CREDENTIAL"):
        wallet.alice.call(wallet.passkey, "bind_passkey",
                          {"key_id": wallet.key_id, "credential": {**credential, "public_key": "00"}})
    wallet.bind(passkey)
    with reverts("E_ALREADY_BOUND"):
        wallet.bind(Authenticator())


def test_rebind_needs_the_current_passkey_and_is_single_use(wallet: Wallet, passkey: Authenticator) -> None:
    wallet.bind(passkey)
    new = Authenticator(credential_id=b"new credential")
    credential = new.credential().to_json()
    challenge = bytes.fromhex(wallet.passkey.view("rebind_challenge", {"key_id": wallet.key_id,
                                                                       "credential": credential}))
    by_new = PasskeyProof(new.assert_challenge(challenge)).to_user_payload().decode()
    args = {"key_id": wallet.key_id, "credential": credential}
    with reverts("E_UNAUTHORIZED"):
        wallet.mallory.call(wallet.passkey, "rebind_passkey", {**args, "user_payload": by_new})
    riding = PasskeyProof(passkey.assert_challenge(batch_challenge([*TX_A, challenge])), (*TX_A, challenge))
    with reverts("E_UNAUTHORIZED"):  # slipped into a spend's batch: valid for hot_verify, not for rebinding
        wallet.mallory.call(wallet.passkey, "rebind_passkey", {**args, "user_payload": riding.to_user_payload().decode()})
    by_current = PasskeyProof(passkey.assert_challenge(challenge)).to_user_payload().decode()
    assert wallet.mallory.call(wallet.passkey, "rebind_passkey", {**args, "user_payload": by_current}).value == 1
    assert wallet.verify(TX_A[0], proof(new, TX_A)) is True
    assert wallet.verify(TX_A[0], proof(passkey, TX_A)) is False
    with reverts("E_UNAUTHORIZED"):  # the approval named nonce 0; it cannot move the key again
        wallet.mallory.call(wallet.passkey, "rebind_passkey", {**args, "user_payload": by_current})


@pytest.mark.parametrize("change", [
    pytest.param({"allowed_origins": "http://localhost:8000"}, id="origins-not-a-list"),
    pytest.param({"allowed_origins": []}, id="no-origins"),
    pytest.param({"rp_id": ""}, id="no-rp-id"),
    pytest.param({"credential_id": ""}, id="no-credential-id"),
    pytest.param({"credential_id": "!!"}, id="credential-id-not-base64url"),
    pytest.param({"public_key": "04" + "00" * 31}, id="short-point"),
])
def test_malformed_credentials_are_refused(wallet: Wallet, passkey: Authenticator, change: dict[str, Any]) -> None:
    credential = {**passkey.credential().to_json(), **change}
    with reverts("E_BAD_CREDENTIAL"):
        wallet.alice.call(wallet.passkey, "bind_passkey", {"key_id": wallet.key_id, "credential": credential})
