"""Example EVM `hot_verify` policies in Vyper, compiled offline by the vyper package."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

POLICY_DIR = Path(__file__).parent


@dataclass(frozen=True)
class CompiledPolicy:
    abi: list[dict[str, Any]]
    bytecode: str


@cache
def compile_policy(name: str) -> CompiledPolicy:
    """Compile `<name>.vy` from this folder (about 30 ms; cached per process)."""
    import vyper

    source = (POLICY_DIR / f"{name}.vy").read_text()
    out = vyper.compile_code(source, output_formats=["bytecode", "abi"])
    return CompiledPolicy(abi=out["abi"], bytecode=out["bytecode"])
