"""Golden wire bytes: hot.near signs exactly the bytes the localnet's encoder signed before the move,
and exactly the bytes py-near-primitives (nearcore's own borsh, compiled) produces."""

from __future__ import annotations

import base58
import py_near_primitives as pnp
import pytest

from hot.near import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeleteAccount,
    DeleteKey,
    DeployContract,
    FunctionCall,
    FunctionCallPermission,
    KeyPair,
    Stake,
    Transfer,
    decode_signed_transaction,
)
from hot.near.transaction import Transaction, encode_signed_transaction
from hot.wire.errors import EncodingError

SIGNER = KeyPair.from_seed(b"hot.near golden signer")
OTHER = KeyPair.from_seed(b"hot.near golden other")
NONCE, BLOCK_HASH = 1234567890123, bytes(range(32))
EVERY_ACTION = [
    CreateAccount(), DeployContract(b"print(1)\n"), FunctionCall("hot_verify", b'{"a":1}', 30 * 10**12, 10**24 + 7),
    Transfer(2**100 + 3), Stake(5 * 10**24, OTHER.public_key), AddKey(OTHER.public_key, AccessKey(0, None)),
    AddKey(OTHER.public_key, AccessKey(7, FunctionCallPermission(250 * 10**21, "app.test.near", ("hot_verify", "get")))),
    AddKey(OTHER.public_key, AccessKey(0, FunctionCallPermission(None, "app.test.near", ()))),
    DeleteKey(OTHER.public_key), DeleteAccount("beneficiary.test.near"),
]
# encode_signed_transaction's output for this transaction, captured from
# hot.localnet.chain.{transaction,signer} before they moved into hot.near (commit 40e6244).
GOLDEN = bytes.fromhex(
    "100000007369676e65722e746573742e6e6561720044b947e2d673b5cda74d29627b2b650780a3408db6178e634222f6e58de311"
    "85cb04fb711f0100001200000072656365697665722e746573742e6e656172000102030405060708090a0b0c0d0e0f1011121314"
    "15161718191a1b1c1d1e1f0a0000000001090000007072696e742831290a020a000000686f745f766572696679070000007b2261"
    "223a317d00e057eb481b0000070000a1edccce1bc2d30000000000000303000000000000000000000010000000040000002"
    "5a4000a8bca2204000000000000a5eacb09671f308241ec73ea5ae757adec9c513c726d4d3301a5d23075c59c4e0500a5eacb09"
    "671f308241ec73ea5ae757adec9c513c726d4d3301a5d23075c59c4e0000000000000000010500a5eacb09671f308241ec73ea5a"
    "e757adec9c513c726d4d3301a5d23075c59c4e07000000000000000001000040683bb3f386f0340000000000000d000000617070"
    "2e746573742e6e656172020000000a000000686f745f766572696679030000006765740500a5eacb09671f308241ec73ea5ae757"
    "adec9c513c726d4d3301a5d23075c59c4e000000000000000000000d0000006170702e746573742e6e656172000000000600a5ea"
    "cb09671f308241ec73ea5ae757adec9c513c726d4d3301a5d23075c59c4e071500000062656e65666963696172792e746573742e"
    "6e656172003a07fadbd1c31204729ec319623403a77bf97a72c68f2f50eed8adbd1f0727ead05cc80ee81130fad82bf0b438ae7b"
    "9e77d0ea3cfcfdcaf25de0fdbe401ec106")


def signed_bytes() -> bytes:
    return SIGNER.sign_transaction("signer.test.near", "receiver.test.near", NONCE, BLOCK_HASH, EVERY_ACTION)


def test_every_action_kind_encodes_to_the_bytes_of_before_the_move() -> None:
    assert signed_bytes() == GOLDEN
    tx = Transaction("signer.test.near", SIGNER.public_key, NONCE, "receiver.test.near", BLOCK_HASH,
                     tuple(EVERY_ACTION))
    assert encode_signed_transaction(tx, SIGNER.signing_key.sign(tx.hash()).signature) == GOLDEN
    assert SIGNER.sign(tx).to_bytes() == GOLDEN


def test_py_near_primitives_produces_the_same_bytes() -> None:
    """nearcore's borsh through py-near-primitives: same transaction, same key, byte for byte."""
    other = OTHER.public_key.data
    actions = [
        pnp.CreateAccountAction(), pnp.DeployContractAction(b"print(1)\n"),
        pnp.FunctionCallAction("hot_verify", b'{"a":1}', 30 * 10**12, 10**24 + 7), pnp.TransferAction(2**100 + 3),
        pnp.StakeAction(5 * 10**24, other),
        pnp.AddKeyAction(other, pnp.AccessKey(0, pnp.AccessKeyPermissionFieldless.FullAccess)),
        pnp.AddKeyAction(other, pnp.AccessKey(7, pnp.FunctionCallPermission("app.test.near", ["hot_verify", "get"],
                                                                            250 * 10**21))),
        pnp.AddKeyAction(other, pnp.AccessKey(0, pnp.FunctionCallPermission("app.test.near", [], None))),
        pnp.DeleteKeyAction(other), pnp.DeleteAccountAction("beneficiary.test.near"),
    ]
    tx = pnp.Transaction("signer.test.near", SIGNER.public_key.data, NONCE, "receiver.test.near", BLOCK_HASH, actions)
    secret = base58.b58decode(SIGNER.secret.removeprefix("ed25519:"))
    assert bytes(tx.to_vec(secret)) == GOLDEN


def test_decoding_gives_back_the_transaction_and_its_hash() -> None:
    decoded = decode_signed_transaction(GOLDEN)
    assert decoded.transaction.actions == tuple(EVERY_ACTION) and decoded.transaction.nonce == NONCE
    assert decoded.signature_valid() and decoded.to_bytes() == GOLDEN
    assert decoded.hash_b58 == "Db5ZwqdXr9HdoLJUm5WEGATKdsTLdDcp35fx3ADAbvLN"


@pytest.mark.parametrize("cut", [1, 10, 64, len(GOLDEN) - 1])
def test_truncated_or_padded_bytes_are_refused(cut: int) -> None:
    with pytest.raises(EncodingError):
        decode_signed_transaction(GOLDEN[:cut])
    with pytest.raises(EncodingError, match="trailing"):
        decode_signed_transaction(GOLDEN + b"\x00")
