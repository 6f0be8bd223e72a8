"""Bitcoin Core's consensus engine (libbitcoinkernel via py-bitcoinkernel) as the chain's judge.

`process_block` returns True even for an invalid block (DEPENDENCIES.md pitfall), so a block
counts as accepted only if the kernel's `block_checked` callback said VALID *and* the active tip
is now that block. The kernel keeps its own block files and chainstate in `datadir`; they are
the source of truth the node's SQLite index is rebuilt from.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pbk

from hot.wire.errors import BlockRejected, KernelUnavailable

SCRIPT_FLAGS = pbk.ScriptVerificationFlags.ALL  # P2SH, DERSIG, NULLDUMMY, CLTV, CSV, WITNESS, TAPROOT


class KernelChain:
    """One regtest chainstate owned by this process (the kernel locks its data directory)."""

    def __init__(self, datadir: Path) -> None:
        self._checked: dict[bytes, tuple[pbk.ValidationMode, pbk.BlockValidationResult]] = {}
        self._lock = threading.Lock()
        callbacks = pbk.ValidationInterfaceCallbacks(block_checked=self._on_block_checked)
        try:
            self._chainman: pbk.ChainstateManager | None = pbk.load_chainman(datadir, pbk.ChainType.REGTEST, callbacks)
        except RuntimeError as exc:  # the kernel locks its data dir; a second opener fails here
            raise KernelUnavailable(f"cannot open the kernel chainstate in {datadir} (in use?): {exc}") from exc

    def _on_block_checked(self, _user_data: Any, block: pbk.Block, state: pbk.BlockValidationState) -> None:
        self._checked[bytes(block.block_hash)] = (state.validation_mode, state.block_validation_result)

    @property
    def chainman(self) -> pbk.ChainstateManager:
        if self._chainman is None:
            raise RuntimeError("the kernel chain is closed")
        return self._chainman

    @property
    def height(self) -> int:
        return int(self.chainman.get_active_chain().height)

    def block_hash_at(self, height: int) -> bytes:
        """Internal-order hash of the active chain's block at `height`."""
        return bytes(self.chainman.get_active_chain().block_tree_entries[height].block_hash)

    def raw_block_at(self, height: int) -> bytes:
        """The serialized block at `height` of the active chain, read from the kernel's block files."""
        entry = self.chainman.get_active_chain().block_tree_entries[height]
        return bytes(self.chainman.blocks[entry])

    def submit_block(self, raw_block: bytes, block_hash: bytes) -> None:
        """Hand a block to Bitcoin Core's validation; raise BlockRejected unless it became the tip."""
        with self._lock:
            self._checked.pop(block_hash, None)
            try:
                self.chainman.process_block(pbk.Block(raw_block))
            except (pbk.ProcessBlockException, RuntimeError) as exc:
                raise BlockRejected(f"kernel refused the block: {exc}") from exc
            mode, result = self._checked.get(block_hash, (None, None))
            if mode != pbk.ValidationMode.VALID or self.block_hash_at(self.height) != block_hash:
                raise BlockRejected(f"kernel judged the block {getattr(result, 'name', 'not connected')}")

    def close(self) -> None:
        """Destroy the chainstate manager: flushes chainstate to disk and releases the dir lock."""
        if self._chainman is not None:
            self._chainman.__exit__(None, None, None)
            self._chainman = None
