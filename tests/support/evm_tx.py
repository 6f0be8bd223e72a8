"""Test EVM pre-images (not a contract): EIP-1559 signing payloads encoded with plain rlp."""

from __future__ import annotations

import rlp
from eth_utils import to_checksum_address
from hot.sdk import hostcrypto

RECIPIENT = to_checksum_address("0x" + "ab" * 20)
STRANGER = to_checksum_address("0x" + "ee" * 20)
TOKEN = to_checksum_address("0x" + "cd" * 20)
ERC20_TRANSFER = "0xa9059cbb"
ERC20_APPROVE = "0x095ea7b3"


def erc20_call(selector: str, to: str, amount: int) -> bytes:
    return bytes.fromhex(selector[2:]) + bytes(12) + bytes.fromhex(to[2:]) + amount.to_bytes(32, "big")


def eip1559(to: str, value: int, data: bytes = b"", nonce: int = 7, chain_id: int = 1) -> bytes:
    """The unsigned EIP-1559 payload `0x02 || rlp([...])`; its keccak256 is what gets signed."""
    fields = [chain_id, nonce, 10**9, 3 * 10**10, 60_000, bytes.fromhex(to[2:]), value, data, []]
    return b"\x02" + rlp.encode(fields)


def msg_hash(payload: bytes) -> bytes:
    return hostcrypto.keccak256(payload)
