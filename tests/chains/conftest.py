"""Registers the chain fixtures; they live in chain_fixtures.py so tests can import its helpers
under a name no other test folder's conftest.py shadows."""

from chain_fixtures import (
    evm,
    evm_case,
    solana_case,
    stellar,
    stellar_case,
    ton,
    ton_case,
)

__all__ = ["evm", "evm_case", "solana_case", "stellar", "stellar_case", "ton", "ton_case"]
