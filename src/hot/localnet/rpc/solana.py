"""Solana JSON-RPC endpoint (`solana_rpc`) over solders' LiteSVM: a real SVM, one in-memory ledger.

Transactions (System, SPL Memo, SPL Token, Token-2022, ... as LiteSVM loads them) execute in the
SVM; this module only speaks the wire protocol. Responses are built from solders' own RPC response
types (`solders.rpc.responses`), so solana-py's `AsyncClient` parses them like a validator's. Every
landed transaction closes a slot; there are no forks, so "processed" is already "finalized".
"""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path
from typing import Any

import base58
from fastapi import FastAPI
from hot.localnet.rpc.jsonrpc import Handler, RpcFailure, mount_json_rpc
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.rpc import responses as rpc
from solders.signature import Signature
from solders.transaction import VersionedTransaction
from solders.transaction_metadata import FailedTransactionMetadata
from solders.transaction_status import TransactionConfirmationStatus, TransactionStatus

SOLANA_CORE_VERSION = "2.1.0"
GENESIS_SLOT = 1


class SolanaLedger:
    """LiteSVM plus the bookkeeping an RPC node keeps: the slot and landed signatures' statuses."""

    def __init__(self) -> None:
        self.svm = LiteSVM()
        self.slot = GENESIS_SLOT
        self.svm.warp_to_slot(self.slot)
        self.statuses: dict[Signature, TransactionStatus] = {}
        self.lock = threading.Lock()

    def _land(self, signature: Signature, err: Any = None) -> None:
        self.statuses[signature] = TransactionStatus(
            self.slot, None, None, err, TransactionConfirmationStatus.Finalized
        )
        self.slot += 1
        self.svm.warp_to_slot(self.slot)

    def send(self, tx: VersionedTransaction) -> Signature:
        result = self.svm.send_transaction(tx)
        if isinstance(result, FailedTransactionMetadata):
            meta = result.meta()
            raise RpcFailure(-32002, f"Transaction simulation failed: {result.err()}",
                             {"err": str(result.err()), "logs": list(meta.logs())})
        self._land(result.signature())
        return result.signature()

    def airdrop(self, pubkey: Pubkey, lamports: int) -> Signature:
        result = self.svm.airdrop(pubkey, lamports)
        if isinstance(result, FailedTransactionMetadata):
            raise RpcFailure(-32603, f"airdrop failed: {result.err()}")
        self._land(result.signature())
        return result.signature()


def _pubkey(value: Any) -> Pubkey:
    try:
        return Pubkey.from_string(value)
    except (ValueError, TypeError) as exc:
        raise RpcFailure(-32602, f"Invalid param: {value!r} is not a pubkey") from exc


def _transaction(params: list[Any]) -> VersionedTransaction:
    if not params or not isinstance(params[0], str):
        raise RpcFailure(-32602, "Invalid params: expected an encoded transaction")
    config = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
    try:
        raw = base64.b64decode(params[0]) if config.get("encoding") == "base64" else base58.b58decode(params[0])
        return VersionedTransaction.from_bytes(raw)
    except ValueError as exc:
        raise RpcFailure(-32602, f"Invalid params: transaction does not decode: {exc}") from exc


def _simulate(ledger: SolanaLedger, tx: VersionedTransaction) -> rpc.SimulateTransactionResp:
    outcome = ledger.svm.simulate_transaction(tx)
    if isinstance(outcome, FailedTransactionMetadata):
        meta, err = outcome.meta(), outcome.err()
    else:
        meta, err = outcome.meta(), None
    value = rpc.RpcSimulateTransactionResult(
        err=err, logs=list(meta.logs()), units_consumed=meta.compute_units_consumed(),
        return_data=meta.return_data() if meta.return_data().data else None,
    )
    return rpc.SimulateTransactionResp(value, rpc.RpcResponseContext(ledger.slot))


def handle(ledger: SolanaLedger, method: str, params: list[Any]) -> Any:
    """One JSON-RPC method, answered as a solders response object (or a plain JSON value)."""
    ctx = rpc.RpcResponseContext(ledger.slot)
    if method == "getVersion":
        return rpc.GetVersionResp(rpc.RpcVersionInfo(SOLANA_CORE_VERSION, 0))
    if method == "getHealth":
        return "ok"
    if method in ("getSlot", "getBlockHeight"):
        return ledger.slot
    if method == "getLatestBlockhash":
        return rpc.GetLatestBlockhashResp(rpc.RpcBlockhash(ledger.svm.latest_blockhash(), ledger.slot + 150), ctx)
    if method == "getBalance":
        return rpc.GetBalanceResp(ledger.svm.get_balance(_pubkey(params[0] if params else None)) or 0, ctx)
    if method == "getAccountInfo":
        return rpc.GetAccountInfoResp(ledger.svm.get_account(_pubkey(params[0] if params else None)), ctx)
    if method == "getMinimumBalanceForRentExemption":
        return ledger.svm.minimum_balance_for_rent_exemption(int(params[0]))
    if method == "requestAirdrop":
        return str(ledger.airdrop(_pubkey(params[0]), int(params[1])))
    if method == "sendTransaction":
        return str(ledger.send(_transaction(params)))
    if method == "simulateTransaction":
        return _simulate(ledger, _transaction(params))
    if method == "getSignatureStatuses":
        wanted = [Signature.from_string(s) for s in (params[0] if params else [])]
        return rpc.GetSignatureStatusesResp([ledger.statuses.get(s) for s in wanted], ctx)
    raise RpcFailure(-32601, "Method not found")


def _handler(ledger: SolanaLedger) -> Handler:
    """Dispatch under the ledger's lock; solders response objects become their JSON `result`."""

    def handle_request(method: str, params: Any) -> Any:
        params = params or []
        with ledger.lock:
            result = handle(ledger, method, params if isinstance(params, list) else [params])
        if hasattr(result, "to_json"):
            result = json.loads(result.to_json())["result"]
        return result

    return handle_request


def create_app(state_dir: Path | None = None, *, ledger: SolanaLedger | None = None) -> FastAPI:
    """The `solana_rpc` ASGI app. The ledger lives in memory; `state_dir` is accepted for the localnet."""
    chain = ledger or SolanaLedger()
    app = FastAPI(title="hot localnet Solana JSON-RPC", description="Solana JSON-RPC over LiteSVM (solders).")
    app.state.ledger = chain

    mount_json_rpc(app, _handler(chain))

    return app
