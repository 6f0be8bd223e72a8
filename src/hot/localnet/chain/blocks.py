"""Block headers, epochs and the per-block random seed, in NEAR's `block`/`chunk` JSON shapes.

Blocks are produced per batch of transactions (`Chain.produce_block`), or empty on request (or on
the RPC server's optional timer). One shard, one chunk per block. The block hash is
SHA-256(prev_hash || height || timestamp) base58 — it does not commit to contents (a localnet has
no light clients); the chunk header's `tx_root` lists what the block holds. Epoch e covers heights
[1 + e*L, (e+1)*L] for epoch length L; its id is SHA-256("epoch" || e).
"""

from __future__ import annotations

import hashlib
from typing import Any

import base58
from hot.sdk.contract.context import BlockInfo

ZERO_HASH = "11111111111111111111111111111111"
PROTOCOL_VERSION = 73
GAS_LIMIT = 1_000_000_000_000_000


def b58(data: bytes) -> str:
    return base58.b58encode(data).decode()


def block_hash(prev_hash: str, height: int, timestamp_ns: int) -> str:
    return b58(hashlib.sha256(base58.b58decode(prev_hash) + height.to_bytes(8, "little")
                              + timestamp_ns.to_bytes(8, "little")).digest())


def epoch_height_of(height: int, epoch_length: int) -> int:
    return 0 if height <= 0 else (height - 1) // epoch_length


def epoch_id(epoch: int) -> str:
    return ZERO_HASH if epoch == 0 else b58(hashlib.sha256(b"epoch" + epoch.to_bytes(8, "little")).digest())


def random_seed(prev_hash: str, height: int) -> bytes:
    return hashlib.sha256(b"random" + base58.b58decode(prev_hash) + height.to_bytes(8, "little")).digest()


def block_info(block: dict[str, Any], epoch_length: int) -> BlockInfo:
    header = block["header"]
    return BlockInfo(header["height"], int(header["timestamp_nanosec"]),
                     epoch_height_of(header["height"], epoch_length), base58.b58decode(header["random_value"]))


def make_block(prev: dict[str, Any] | None, height: int, timestamp_ns: int, epoch_length: int,
               tx_hashes: list[str], author: str, gas_used: int, gas_price: int) -> dict[str, Any]:
    prev_hash = prev["header"]["hash"] if prev else ZERO_HASH
    this_hash = block_hash(prev_hash, height, timestamp_ns)
    epoch = epoch_height_of(height, epoch_length)
    chunk_hash = b58(hashlib.sha256(b"chunk" + base58.b58decode(this_hash)).digest())
    tx_root = b58(hashlib.sha256("".join(tx_hashes).encode()).digest())
    chunk = {"chunk_hash": chunk_hash, "prev_block_hash": prev_hash, "height_created": height,
             "height_included": height, "shard_id": 0, "gas_used": gas_used, "gas_limit": GAS_LIMIT,
             "tx_root": tx_root, "outcome_root": ZERO_HASH, "prev_state_root": ZERO_HASH,
             "balance_burnt": str(gas_used * gas_price), "validator_reward": "0", "signature": "ed25519:1",
             "encoded_length": 0, "encoded_merkle_root": ZERO_HASH, "outgoing_receipts_root": ZERO_HASH,
             "rent_paid": "0", "validator_proposals": [], "congestion_info": None, "bandwidth_requests": None}
    header = {"height": height, "prev_height": prev["header"]["height"] if prev else None,
              "hash": this_hash, "prev_hash": prev_hash, "timestamp": timestamp_ns,
              "timestamp_nanosec": str(timestamp_ns), "epoch_id": epoch_id(epoch),
              "next_epoch_id": epoch_id(epoch + 1), "epoch_height": epoch,
              "random_value": b58(random_seed(prev_hash, height)), "gas_price": str(gas_price),
              "chunks_included": 1, "latest_protocol_version": PROTOCOL_VERSION, "total_supply": "0",
              "chunk_mask": [True], "block_ordinal": height + 1, "last_final_block": prev_hash,
              "last_ds_final_block": prev_hash, "next_bp_hash": ZERO_HASH, "block_merkle_root": ZERO_HASH,
              "outcome_root": ZERO_HASH, "chunk_tx_root": tx_root, "chunk_receipts_root": ZERO_HASH,
              "chunk_headers_root": ZERO_HASH, "prev_state_root": ZERO_HASH, "validator_proposals": [],
              "approvals": [], "signature": "ed25519:1", "challenges_result": []}
    return {"author": author, "header": header, "chunks": [chunk], "transactions": tx_hashes}
