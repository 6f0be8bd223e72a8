"""NEAR's borsh `Transaction` (V0) schema, declared with `construct`.

Why construct: py-near's Rust primitives serialize a Transaction but cannot read its actions
back (its `Transaction.deserialize` exposes no actions and aborts the process on short input
with a Rust panic). So the layout below is declared, not hand-parsed: construct does the reading,
and the tests check it against transactions built and serialized by py-near itself.

Layout: nearcore `core/primitives/src/transaction.rs` and `action/mod.rs` (borsh: u32 LE lengths,
u8 enum tags, little-endian integers, Option as a 0/1 tag).
"""

from __future__ import annotations

from construct import (
    Byte,
    Bytes,
    BytesInteger,
    Error,
    GreedyBytes,
    If,
    Int8ul,
    Int32ul,
    Int64ul,
    OneOf,
    PascalString,
    Prefixed,
    PrefixedArray,
    Struct,
    Switch,
    Terminated,
    this,
)

U128 = BytesInteger(16, swapped=True, signed=False)
String = PascalString(Int32ul, "utf8")
VecU8 = Prefixed(Int32ul, GreedyBytes)

PUBLIC_KEY_TYPES = {0: "ed25519", 1: "secp256k1"}
PublicKey = Struct(
    "key_type" / OneOf(Int8ul, list(PUBLIC_KEY_TYPES)),
    "data" / Switch(this.key_type, {0: Bytes(32), 1: Bytes(64)}),
)

FunctionCallPermission = Struct(
    "has_allowance" / OneOf(Byte, [0, 1]),
    "allowance" / If(this.has_allowance == 1, U128),
    "receiver_id" / String,
    "method_names" / PrefixedArray(Int32ul, String),
)
AccessKey = Struct(
    "nonce" / Int64ul,
    "permission_kind" / OneOf(Int8ul, [0, 1]),  # 0 FunctionCall, 1 FullAccess
    "function_call" / If(this.permission_kind == 0, FunctionCallPermission),
)

# Action tags 0..7 are decoded; 8 (Delegate) and 9..11 (global contracts, deterministic state
# init) are known but not decoded: they hit `Error` (construct's ExplicitError), which the
# decoder reports as UnsupportedTransaction; any other tag fails OneOf (malformed).
KNOWN_ACTION_TAGS = range(12)
ACTION_NAMES = {
    0: "create_account",
    1: "deploy_contract",
    2: "function_call",
    3: "transfer",
    4: "stake",
    5: "add_key",
    6: "delete_key",
    7: "delete_account",
}
Action = Struct(
    "kind" / OneOf(Int8ul, list(KNOWN_ACTION_TAGS)),
    "body"
    / Switch(
        this.kind,
        {
            0: Struct(),
            1: Struct("code" / VecU8),
            2: Struct("method_name" / String, "args" / VecU8, "gas" / Int64ul, "deposit" / U128),
            3: Struct("deposit" / U128),
            4: Struct("stake" / U128, "public_key" / PublicKey),
            5: Struct("public_key" / PublicKey, "access_key" / AccessKey),
            6: Struct("public_key" / PublicKey),
            7: Struct("beneficiary_id" / String),
        },
        default=Error,
    ),
)

Transaction = Struct(
    "signer_id" / String,
    "public_key" / PublicKey,
    "nonce" / Int64ul,
    "receiver_id" / String,
    "block_hash" / Bytes(32),
    "actions" / PrefixedArray(Int32ul, Action),
    Terminated,
)

__all__ = ["ACTION_NAMES", "PUBLIC_KEY_TYPES", "Transaction"]
