"""Solana pre-images: a serialized transaction message (legacy or v0), parsed with solders.

Ed25519 signs the message bytes themselves, not a hash of them, so for Solana the `msg_hash`
a policy compares is **the message bytes, byte for byte**. A 32-byte sha256 of the message is
refused: a signature over that digest would not authorize the transaction, so a policy that
accepted it would be judging one thing while the network signs another.

System-program transfers (Transfer, TransferWithSeed, CreateAccount, CreateAccountWithSeed,
WithdrawNonceAccount) become `Transfer`s; every instruction, including those, is also listed in
`calls` with the program id as target and as `method` the system instruction's name
("transfer", "assign"...) or, for other programs, the first 8 data bytes in hex (an Anchor
discriminator; an SPL program's tag is the first byte), so a policy can allow exactly the
programs it understands. A v0 message whose instructions reach accounts through address lookup
tables is UnsupportedTransaction: the accounts behind a table are chain state the pre-image
does not contain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hot.sdk.policies.decode.model import NATIVE, ContractCall, DecodedRequest, Transfer, require_hash
from hot.wire.errors import MalformedTransaction, UnsupportedTransaction
from solders.errors import BincodeError
from solders.instruction import AccountMeta, CompiledInstruction, Instruction
from solders.message import Message, MessageV0, from_bytes_versioned, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.system_program import (
    ID as SYSTEM_PROGRAM_ID,
)
from solders.system_program import (
    decode_create_account,
    decode_create_account_with_seed,
    decode_transfer,
    decode_transfer_with_seed,
    decode_withdraw_nonce_account,
)

CHAIN = "solana"

# System instructions that move lamports, by their u32 tag (solana-program SystemInstruction):
# tag -> (solders decoder, accounts the instruction needs, key naming the paying account).
# The tag and account count are checked first because solders' decoders index the account
# list before checking the tag and abort (a Rust panic, not an exception) when it is short.
_SYSTEM_NAMES = dict(
    enumerate(
        (
            "create_account",
            "assign",
            "transfer",
            "create_account_with_seed",
            "advance_nonce_account",
            "withdraw_nonce_account",
            "initialize_nonce_account",
            "authorize_nonce_account",
            "allocate",
            "allocate_with_seed",
            "assign_with_seed",
            "transfer_with_seed",
            "upgrade_nonce_account",
            "create_account_allow_prefund",
        )
    )
)
_SYSTEM_TRANSFERS: dict[int, tuple[Callable[[Instruction], Any], int, str]] = {
    0: (decode_create_account, 2, "from_pubkey"),
    2: (decode_transfer, 2, "from_pubkey"),
    3: (decode_create_account_with_seed, 2, "from_pubkey"),
    5: (decode_withdraw_nonce_account, 5, "nonce_pubkey"),
    11: (decode_transfer_with_seed, 3, "from_pubkey"),
}


def decode_solana(preimage: bytes, msg_hash: bytes) -> DecodedRequest:
    """Check msg_hash == message bytes, then list the message's transfers and program calls."""
    require_hash(msg_hash, preimage, "message bytes")
    message = _parse(preimage)
    keys = list(message.account_keys)
    transfers: list[Transfer] = []
    calls: list[ContractCall] = []
    for compiled in message.instructions:
        instruction = _instruction(message, keys, compiled)
        calls.append(ContractCall(target=str(instruction.program_id), method=_method(instruction)))
        if instruction.program_id == SYSTEM_PROGRAM_ID:
            transfer = _system_transfer(instruction)
            if transfer is not None:
                transfers.append(transfer)
    raw = {
        "version": "legacy" if isinstance(message, Message) else "v0",
        "account_keys": [str(k) for k in keys],
        "program_ids": sorted({c.target for c in calls}),
        "recent_blockhash": str(message.recent_blockhash),
        "num_required_signatures": message.header.num_required_signatures,
    }
    return DecodedRequest(
        chain=CHAIN,
        network=None,
        sender=str(keys[0]),
        transfers=tuple(transfers),
        calls=tuple(calls),
        raw=raw,
    )


def _parse(preimage: bytes) -> Message | MessageV0:
    try:
        message = from_bytes_versioned(preimage)
    except (ValueError, BincodeError) as exc:
        raise MalformedTransaction(f"not a Solana message: {exc}") from exc
    if not isinstance(message, (Message, MessageV0)):
        raise UnsupportedTransaction(f"Solana {type(message).__name__} messages are not decoded (legacy and v0 are)")
    # bincode tolerates trailing bytes; the signed bytes must be exactly one canonical message.
    if to_bytes_versioned(message) != preimage:
        raise MalformedTransaction("Solana message has trailing or non-canonical bytes")
    header = message.header
    keys = message.account_keys
    if not keys or header.num_required_signatures == 0 or header.num_required_signatures > len(keys):
        raise MalformedTransaction("Solana message header does not fit its account keys")
    if isinstance(message, MessageV0):
        if message.address_table_lookups:
            raise UnsupportedTransaction("v0 message with address lookup tables: accounts not in the pre-image")
        try:
            message.sanitize()
        except ValueError as exc:
            raise MalformedTransaction(f"Solana message does not sanitize: {exc}") from exc
    return message


def _instruction(message: Message | MessageV0, keys: list[Pubkey], compiled: CompiledInstruction) -> Instruction:
    """Resolve a compiled instruction's account indexes (bounds-checked) into solders' Instruction."""
    indexes = [compiled.program_id_index, *compiled.accounts]
    if any(i >= len(keys) for i in indexes):
        raise MalformedTransaction("instruction refers to an account index outside the message")
    metas = [AccountMeta(keys[i], is_signer=message.is_signer(i), is_writable=True) for i in compiled.accounts]
    return Instruction(keys[compiled.program_id_index], bytes(compiled.data), metas)


def _method(instruction: Instruction) -> str:
    """System instructions by name; other programs by their first 8 data bytes (Anchor's discriminator)."""
    data = bytes(instruction.data)
    if instruction.program_id == SYSTEM_PROGRAM_ID and len(data) >= 4:
        return _SYSTEM_NAMES.get(int.from_bytes(data[:4], "little"), "unknown")
    return data[:8].hex()


def _system_transfer(instruction: Instruction) -> Transfer | None:
    """The lamports a system instruction moves, or None for one that moves none (e.g. Assign)."""
    data = bytes(instruction.data)
    entry = _SYSTEM_TRANSFERS.get(int.from_bytes(data[:4], "little")) if len(data) >= 4 else None
    if entry is None:
        return None
    decoder, accounts_needed, from_key = entry
    if len(instruction.accounts) < accounts_needed:
        raise MalformedTransaction("system instruction has fewer accounts than it needs")
    try:
        params = decoder(instruction)
    except (ValueError, BincodeError) as exc:
        raise MalformedTransaction(f"bad system instruction data: {exc}") from exc
    return Transfer(
        to=str(params["to_pubkey"]), amount=int(params["lamports"]), asset=NATIVE, sender=str(params[from_key])
    )
