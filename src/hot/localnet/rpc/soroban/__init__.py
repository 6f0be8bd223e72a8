"""Soroban JSON-RPC endpoint (`soroban_rpc`) backed by Python models of Soroban contracts.

Serves what stellar-sdk's `SorobanServer` calls for a contract round trip: getHealth, getNetwork,
getLatestLedger, getLedgerEntries (accounts and contract data), simulateTransaction,
sendTransaction, getTransaction; plus a friendbot (`GET /friendbot?addr=G...`) to fund accounts.
"""

from __future__ import annotations

from hot.localnet.rpc.soroban.app import create_app
from hot.localnet.rpc.soroban.ledger import NETWORK_PASSPHRASE, SorobanLedger
from hot.localnet.rpc.soroban.models import (
    ContractTrap,
    Invocation,
    SorobanContractModel,
)

__all__ = ["NETWORK_PASSPHRASE", "ContractTrap", "Invocation", "SorobanContractModel", "SorobanLedger", "create_app"]
