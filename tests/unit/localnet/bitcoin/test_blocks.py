"""Block assembly, judged by Bitcoin Core's consensus code: good blocks connect, broken ones don't."""

from __future__ import annotations

import time

import pytest

from hot.localnet.bitcoin import BitcoinNode
from hot.localnet.bitcoin.blocks import (
    BlockTemplate,
    block_subsidy,
    build_coinbase,
    merkle_root,
    mine,
    script_num_push,
)
from hot.localnet.bitcoin.encoding import parse_transaction, sha256d
from hot.wire.errors import BlockRejected


@pytest.mark.parametrize(
    ("height", "push"),
    [(1, "51"), (16, "60"), (17, "0111"), (127, "017f"), (128, "028000"), (255, "02ff00"), (256, "020001")],
)
def test_bip34_height_push_matches_cscript_encoding(height: int, push: str) -> None:
    assert script_num_push(height).hex() == push


def test_subsidy_halves_every_150_blocks_on_regtest() -> None:
    assert block_subsidy(149) == 50 * 10**8
    assert block_subsidy(150) == 25 * 10**8
    assert block_subsidy(150 * 64) == 0


def test_merkle_root_duplicates_the_odd_leaf() -> None:
    a, b, c = (bytes([i]) * 32 for i in range(3))
    assert merkle_root([a]) == a
    assert merkle_root([a, b, c]) == sha256d(sha256d(a + b) + sha256d(c + c))


def _template(node: BitcoinNode, **overrides: object) -> BlockTemplate:
    tip = node.tip()
    height = node.height + 1
    fields: dict[str, object] = {
        "prev_hash": bytes.fromhex(tip.hash)[::-1],
        "height": height,
        "time": max(int(time.time()), tip.time + 1),
        "coinbase": build_coinbase(height, node.faucet.script, 0, []),
        "transactions": (),
    }
    fields.update(overrides)
    return BlockTemplate(**fields)  # type: ignore[arg-type]


def test_a_well_formed_block_connects(node: BitcoinNode) -> None:
    block_hash, raw = mine(_template(node))
    node.kernel.submit_block(raw, block_hash)
    assert node.kernel.height == 102
    assert node.kernel.block_hash_at(102) == block_hash


@pytest.mark.parametrize(
    "breakage",
    ["subsidy_too_high", "wrong_bip34_height", "bad_pow", "time_too_old", "duplicate_coinbase_spend"],
)
def test_the_kernel_rejects_broken_blocks(node: BitcoinNode, breakage: str) -> None:
    height = node.height + 1
    template = _template(node)
    if breakage == "subsidy_too_high":
        template = _template(node, coinbase=build_coinbase(height, node.faucet.script, 1, []))
    elif breakage == "wrong_bip34_height":
        template = _template(node, coinbase=build_coinbase(height + 5, node.faucet.script, 0, []))
    elif breakage == "time_too_old":
        template = _template(node, time=node.index.block(1).time - 1)  # type: ignore[union-attr]
    elif breakage == "duplicate_coinbase_spend":
        # a transaction that is another block's coinbase may not appear again as a normal tx
        cb = parse_transaction(node.kernel.raw_block_at(1)[81:])
        template = _template(node, transactions=(cb,))
    block_hash, raw = mine(template)
    if breakage == "bad_pow":
        raw = _unmined(template)
        block_hash = sha256d(raw[:80])
    with pytest.raises(BlockRejected):
        node.kernel.submit_block(raw, block_hash)
    assert node.kernel.height == height - 1


def _unmined(template: BlockTemplate) -> bytes:
    """A block whose header misses the target (the first nonce that fails)."""
    from hot.localnet.bitcoin.blocks import REGTEST_BITS, target_from_bits

    for nonce in range(1000):
        header = template.header(nonce)
        if int.from_bytes(sha256d(header), "little") > target_from_bits(REGTEST_BITS):
            return header + b"\x01" + template.coinbase.raw
    raise AssertionError("no failing nonce found")
