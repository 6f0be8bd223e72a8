"""Registers the chain fixtures; they live in chain_fixtures.py so tests import its helpers from a
module of their own, not from a conftest."""

from .chain_fixtures import (
    evm,
    evm_case,
    solana_case,
    stellar,
    stellar_case,
    ton,
    ton_case,
)

__all__ = ["evm", "evm_case", "solana_case", "stellar", "stellar_case", "ton", "ton_case"]
