"""Transaction decoding, validation and every action, through the in-process chain."""

from __future__ import annotations

import base64

import base58
import pytest
from hot.near.actions import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeleteAccount,
    DeleteKey,
    DeployContract,
    FunctionCall,
    FunctionCallPermission,
    Transfer,
)
from hot.localnet.chain.chain import NEAR, Chain
from hot.near.signer import KeyPair
from hot.near.transaction import (
    decode_signed_transaction,
    encode_signed_transaction,
)
from hypothesis import given
from hypothesis import strategies as st
from py_near import transactions as pyt

from hot.wire.errors import EncodingError, InvalidTransaction, QueryError, TransactionFailed

from tests.support.contracts import KITCHEN

KEY = KeyPair.from_seed(b"decoder")


def py_near_tx(actions: list, nonce: int = 9) -> bytes:  # type: ignore[type-arg]
    secret = bytes(KEY.signing_key) + KEY.public_key.data
    return base64.b64decode(pyt.sign_and_serialize_transaction("alice.test", secret, "bob.test", nonce, actions,
                                                               b"\x02" * 32))


def test_decodes_what_py_near_sends_and_hashes_like_it() -> None:
    pk = KEY.public_key.data
    actions = [pyt.create_create_account_action(), pyt.create_transfer_action(5),
               pyt.create_full_access_key_action(pk),
               pyt.create_function_call_access_key_action(pk, 7, "c.test", ["a", "b"]),
               pyt.create_function_call_action("m", b"{}", 3, 4), pyt.create_deploy_contract_action(b"xyz"),
               pyt.create_delete_access_key_action(pk)]
    raw = py_near_tx(actions)
    stx = decode_signed_transaction(raw)
    secret = bytes(KEY.signing_key) + pk
    assert stx.hash_b58 == pyt.calc_trx_hash("alice.test", secret, "bob.test", 9, actions, b"\x02" * 32)
    assert stx.signature_valid()
    assert stx.transaction.actions == (
        CreateAccount(), Transfer(5), AddKey(KEY.public_key, AccessKey(0, None)),
        AddKey(KEY.public_key, AccessKey(0, FunctionCallPermission(7, "c.test", ("a", "b")))),
        FunctionCall("m", b"{}", 3, 4), DeployContract(b"xyz"), DeleteKey(KEY.public_key))
    assert encode_signed_transaction(stx.transaction, stx.signature.data) == raw  # one encoding, golden


def test_tampered_transaction_fails_signature() -> None:
    raw = bytearray(py_near_tx([pyt.create_transfer_action(5)]))
    raw[40] ^= 1
    assert not decode_signed_transaction(bytes(raw)).signature_valid()


@given(st.binary(max_size=400))
def test_decoder_never_crashes_on_garbage(data: bytes) -> None:
    try:
        decode_signed_transaction(data)
    except EncodingError:
        pass


@given(st.integers(min_value=0, max_value=390), st.integers(min_value=1, max_value=255))
def test_decoder_on_mutated_real_transactions(position: int, flip: int) -> None:
    raw = bytearray(py_near_tx([pyt.create_function_call_action("m", b"{}", 3, 4)]))
    raw[position % len(raw)] ^= flip
    try:
        stx = decode_signed_transaction(bytes(raw))
    except EncodingError:
        return
    assert not stx.signature_valid() or bytes(raw) == py_near_tx([pyt.create_function_call_action("m", b"{}", 3, 4)])


def test_truncated_and_trailing_bytes_are_refused() -> None:
    raw = py_near_tx([pyt.create_transfer_action(5)])
    with pytest.raises(EncodingError):
        decode_signed_transaction(raw[:-1])
    with pytest.raises(EncodingError):
        decode_signed_transaction(raw + b"\x00")


def invalid(chain: Chain, raw: bytes) -> InvalidTransaction:
    result = chain.produce_block([raw])[0]
    assert isinstance(result, InvalidTransaction), result
    return result


def head_hash(chain: Chain) -> bytes:
    return base58.b58decode(chain.head["header"]["hash"])


def test_invalid_transactions_change_nothing(hot_chain) -> None:  # type: ignore[no-untyped-def]
    chain, root = hot_chain.chain, hot_chain.root
    root_id, key = root.account_id, root.key
    nonce = chain.view_access_key(root_id, str(key.public_key))["nonce"]
    before = dict(chain.committed.data)
    good = key.sign_transaction(root_id, root_id, nonce + 1, head_hash(chain), [Transfer(1)])
    bad_sig = bytearray(good)
    bad_sig[-1] ^= 1
    assert invalid(chain, bytes(bad_sig)).detail == "InvalidSignature"
    stale = key.sign_transaction(root_id, root_id, nonce, head_hash(chain), [Transfer(1)])
    assert invalid(chain, stale).detail == {"InvalidNonce": {"tx_nonce": nonce, "ak_nonce": nonce}}
    stranger = KeyPair.from_seed(b"stranger")
    unknown_key = stranger.sign_transaction(root_id, root_id, 1, head_hash(chain), [Transfer(1)])
    assert "AccessKeyNotFound" in invalid(chain, unknown_key).detail["InvalidAccessKeyError"]
    ghost = stranger.sign_transaction("ghost.test.near", root_id, 1, head_hash(chain), [Transfer(1)])
    assert invalid(chain, ghost).detail == {"SignerDoesNotExist": {"signer_id": "ghost.test.near"}}
    too_rich = key.sign_transaction(root_id, root_id, nonce + 1, head_hash(chain), [Transfer(10**36)])
    assert "NotEnoughBalance" in invalid(chain, too_rich).detail
    unknown_block = key.sign_transaction(root_id, root_id, nonce + 1, b"\x07" * 32, [Transfer(1)])
    assert invalid(chain, unknown_block).detail == "Expired"
    assert chain.committed.data == before  # only empty blocks were added
    chain.submit(good)
    assert invalid(chain, good).detail["InvalidNonce"]["tx_nonce"] == nonce + 1  # replay


def test_account_lifecycle_and_keys(hot_chain) -> None:  # type: ignore[no-untyped-def]
    alice = hot_chain.create_account("alice", balance=10 * NEAR)
    bob = hot_chain.create_account("bob", balance=NEAR)
    alice.transfer(bob.account_id, 2 * NEAR)
    assert bob.balance == 3 * NEAR
    extra = KeyPair.from_seed(b"extra")
    alice.send(alice.account_id, [AddKey(extra.public_key, AccessKey(0, None))])
    keys = hot_chain.chain.view_access_key_list(alice.account_id)["keys"]
    assert {k["public_key"] for k in keys} == {str(alice.key.public_key), str(extra.public_key)}
    with pytest.raises(TransactionFailed) as info:
        alice.send(alice.account_id, [AddKey(extra.public_key, AccessKey(0, None))])
    assert info.value.error_code == "AddKeyAlreadyExists"
    alice.delete_key(extra)
    with pytest.raises(QueryError):
        hot_chain.chain.view_access_key(alice.account_id, str(extra.public_key))
    with pytest.raises(TransactionFailed) as info:
        bob.send(alice.account_id, [DeleteKey(alice.key.public_key)])
    assert info.value.error_code == "ActorNoPermission"
    before = bob.balance
    alice.send(alice.account_id, [DeleteAccount(bob.account_id)])
    assert bob.balance > before + 7 * NEAR
    with pytest.raises(QueryError) as gone:
        hot_chain.chain.view_account(alice.account_id)
    assert gone.value.name == "UNKNOWN_ACCOUNT"


def test_account_creation_rules(hot_chain) -> None:  # type: ignore[no-untyped-def]
    alice = hot_chain.create_account("alice")
    with pytest.raises(TransactionFailed) as info:
        alice.create_account("carol.test.near", balance=NEAR)  # not a sub-account of alice
    assert info.value.error_code == "CreateAccountNotAllowed"
    with pytest.raises(TransactionFailed) as info:
        hot_chain.create_account("alice")
    assert info.value.error_code == "AccountAlreadyExists"
    assert alice.create_account("sub", balance=NEAR).account_id == "sub.alice.test.near"
    with pytest.raises(TransactionFailed):
        hot_chain.root.transfer("nobody.test.near", 1)


def test_function_call_key_permissions(hot_chain) -> None:  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("app")
    app.deploy(KITCHEN, init="new", args={"owner": "x.test.near"})
    alice = hot_chain.create_account("alice")
    limited = KeyPair.from_seed(b"limited")
    alice.add_function_call_key(limited, app.account_id, ["increment"], allowance=NEAR)
    chain = hot_chain.chain
    nonce = chain.view_access_key(alice.account_id, str(limited.public_key))["nonce"]

    def send(receiver: str, action: object) -> object:
        raw = limited.sign_transaction(alice.account_id, receiver, nonce + 1, head_hash(chain), [action])
        return chain.produce_block([raw])[0]

    call = FunctionCall("increment", b"{}", 10**13, 0)
    assert "ReceiverMismatch" in send("other.test.near", call).detail["InvalidAccessKeyError"]
    assert "MethodNameMismatch" in send(app.account_id, FunctionCall("push", b'{"item":"x"}', 10**13, 0)).detail[
        "InvalidAccessKeyError"]
    assert send(app.account_id, Transfer(1)).detail == {"InvalidAccessKeyError": "RequiresFullAccess"}
    assert send(app.account_id, FunctionCall("increment", b"{}", 10**13, 1)).detail == {
        "InvalidAccessKeyError": "DepositWithFunctionCall"}
    outcome = send(app.account_id, call)
    assert outcome["status"] == {"SuccessValue": base64.b64encode(b"1").decode()}
    allowance = chain.view_access_key(alice.account_id, str(limited.public_key))["permission"]["FunctionCall"]
    assert int(allowance["allowance"]) < NEAR


def test_deploy_refuses_code_that_cannot_load(hot_chain) -> None:  # type: ignore[no-untyped-def]
    app = hot_chain.create_account("app")
    for code, why in [("import os\n", "not allowed"), ("from hot.mpc.crypto import frost\n", "not allowed"),
                      ("import hot.localnet\n", "not allowed"), ("x = (\n", "does not compile"),
                      ("X = 1\n", "exactly one @contract"), ("open('/etc/passwd')\n", "NameError"),
                      (("from hot.sdk.contract import contract\n@contract\nclass A:\n    pass\n"
                       "@contract\nclass B:\n    pass\n"), "found 2")]:
        with pytest.raises(TransactionFailed) as info:
            app.deploy(code)
        assert info.value.error_code == "E_BAD_CONTRACT" and why in str(info.value), str(info.value)
    with pytest.raises(QueryError) as info:
        hot_chain.chain.view_code(app.account_id)
    assert info.value.name == "NO_CONTRACT_CODE"


def test_a_contract_may_import_the_wire_layer(hot_chain) -> None:  # type: ignore[no-untyped-def]
    # The loader's allowlist admits hot.wire (pure data and encoding, issue 16): the Registry's rules live there.
    app = hot_chain.create_account("app")
    app.deploy("from hot.sdk.contract import contract, view\nfrom hot.wire.access import key_id_of\n"
               "@contract\nclass K:\n    @view\n    def key_id(self, root: str) -> str:\n"
               "        return key_id_of(bytes.fromhex(root))\n")
    assert app.view("key_id", {"root": "00" * 32}) == "3udWYH8QDK8fsfGsjr7DLMTBc8EeBXq9GXFKPXXv3SpM"


def test_view_code_and_state(hot_chain) -> None:  # type: ignore[no-untyped-def]
    from hot.examples.approvals import contract as approvals_module
    from hot.sdk.testing import contract_source

    app = hot_chain.create_account("app")
    app.deploy(approvals_module.Approvals, init="new", args={"owner": "o.test.near"})
    code = hot_chain.chain.view_code(app.account_id)
    assert base64.b64decode(code["code_base64"]) == contract_source(approvals_module.Approvals)
    assert code["hash"] == hot_chain.chain.view_account(app.account_id)["code_hash"]
    state = hot_chain.chain.view_state(app.account_id, base64.b64encode(b"owner").decode())["values"]
    assert [(base64.b64decode(v["key"]), base64.b64decode(v["value"])) for v in state] == [
        (b"owner", b'"o.test.near"')]


def test_secp256k1_access_keys_sign_transactions(hot_chain) -> None:  # type: ignore[no-untyped-def]
    import coincurve

    from hot.near.keys import SECP256K1, PublicKey
    from hot.near.transaction import Transaction

    alice = hot_chain.create_account("alice")
    secret = coincurve.PrivateKey(b"\x07" * 32)
    public = PublicKey(SECP256K1, secret.public_key.format(compressed=False)[1:])
    alice.send(alice.account_id, [AddKey(public, AccessKey(0, None))])
    chain = hot_chain.chain
    nonce = chain.view_access_key(alice.account_id, str(public))["nonce"] + 1
    assert str(public).startswith("secp256k1:")

    def signed(tx: Transaction, tamper: bool = False) -> bytes:
        sig = secret.sign_recoverable(tx.hash(), hasher=None)  # r || s || v, low s
        body = tx.to_bytes() + bytes([SECP256K1]) + sig
        return body[:-2] + bytes([body[-2] ^ 1]) + body[-1:] if tamper else body

    tx = Transaction(alice.account_id, public, nonce, "test.near", head_hash(chain), (Transfer(7),))
    assert invalid(chain, signed(tx, tamper=True)).detail == "InvalidSignature"
    outcome = chain.submit(signed(tx))
    assert outcome["transaction"]["signature"].startswith("secp256k1:")
