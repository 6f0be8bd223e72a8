"""NEAR's signed transaction: borsh layout, hash, signature check and JSON view.

Layout (nearcore `SignedTransaction`, the V0 form py-near and near-api-py send):
    Transaction { signer_id: String, public_key: PublicKey, nonce: u64, receiver_id: String,
                  block_hash: [u8; 32], actions: Vec<Action> }
    SignedTransaction { transaction, signature: Signature }
PublicKey and Signature are enums: tag 0 = ED25519 (32-byte key, 64-byte signature),
tag 1 = SECP256K1 (64-byte key, 65-byte signature). The transaction hash is SHA-256 of the
borsh `Transaction`; the signature is over that hash. V1 (a leading 1 byte, then the same fields
and a trailing u64 priority_fee) is decoded too.
Both key types are accepted: ed25519 and secp256k1 (ECDSA over the same hash, NEAR's r||s||v).

The project writes these bytes itself rather than through py-near-primitives: that package
encodes byte for byte the same (tests/unit/near/test_golden.py), but it cannot decode actions,
secp256k1 keys or V1 transactions, which the localnet must read (docs/architecture.md).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib

import base58

from hot.near.actions import Action, read_action, write_action
from hot.near.borsh import BorshReader, BorshWriter
from hot.near.keys import ED25519, PublicKey, Signature
from hot.wire.errors import EncodingError

MAX_ACTIONS = 100
MAX_ACCOUNT_ID_LEN = 64


def _account_id(r: BorshReader) -> str:
    value = r.string()
    if not 2 <= len(value) <= MAX_ACCOUNT_ID_LEN:
        raise EncodingError(f"account id of length {len(value)} is outside 2..64")
    return value


@dataclasses.dataclass(frozen=True)
class Transaction:
    signer_id: str
    public_key: PublicKey
    nonce: int
    receiver_id: str
    block_hash: bytes
    actions: tuple[Action, ...]
    priority_fee: int | None = None  # set only for V1

    def to_bytes(self) -> bytes:
        w = BorshWriter()
        if self.priority_fee is not None:
            w.u8(1)
        w.string(self.signer_id)
        self.public_key.write(w)
        w.u64(self.nonce).string(self.receiver_id).fixed(self.block_hash).u32(len(self.actions))
        for action in self.actions:
            write_action(w, action)
        if self.priority_fee is not None:
            w.u64(self.priority_fee)
        return w.build()

    def hash(self) -> bytes:
        return hashlib.sha256(self.to_bytes()).digest()


def _is_v1(data: bytes) -> bool:
    # A V0 transaction starts with the signer id's u32 length (<= 64); V1 starts with the byte 1
    # followed by that length, which read as a u32 is far above 64 (nearcore uses the same test).
    return len(data) >= 4 and data[0] == 1 and int.from_bytes(data[:4], "little") > MAX_ACCOUNT_ID_LEN


def read_transaction(r: BorshReader, v1: bool) -> Transaction:
    if v1:
        r.u8()
    signer_id = _account_id(r)
    public_key = PublicKey.read(r)
    nonce = r.u64()
    receiver_id = _account_id(r)
    block_hash = r.fixed(32)
    actions = tuple(read_action(r) for _ in range(r.vec_len(MAX_ACTIONS)))
    priority_fee = r.u64() if v1 else None
    return Transaction(signer_id, public_key, nonce, receiver_id, block_hash, actions, priority_fee)


@dataclasses.dataclass(frozen=True)
class SignedTransaction:
    transaction: Transaction
    signature: Signature
    size: int

    @functools.cached_property
    def hash(self) -> bytes:
        return self.transaction.hash()

    @functools.cached_property
    def hash_b58(self) -> str:
        return base58.b58encode(self.hash).decode()

    def signature_valid(self) -> bool:
        """Ed25519, or secp256k1 ECDSA (r||s||v, low-s), over SHA-256 of the borsh transaction."""
        return self.signature.verifies(self.transaction.public_key, self.hash)

    def to_bytes(self) -> bytes:
        """The borsh `SignedTransaction`: what `send_tx` carries in base64."""
        w = BorshWriter().fixed(self.transaction.to_bytes())
        self.signature.write(w)
        return w.build()


def decode_signed_transaction(data: bytes) -> SignedTransaction:
    """Strictly decode a borsh `SignedTransaction`; EncodingError on any malformed or trailing byte."""
    r = BorshReader(data)
    tx = read_transaction(r, _is_v1(data))
    signature = Signature.read(r)
    r.finish()
    return SignedTransaction(tx, signature, len(data))


def encode_signed_transaction(tx: Transaction, signature: bytes) -> bytes:
    """Borsh `SignedTransaction` with an ed25519 signature (for the project's own clients and tests)."""
    return SignedTransaction(tx, Signature(ED25519, signature), 0).to_bytes()
