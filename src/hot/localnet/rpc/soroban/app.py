"""The HTTP face of the Soroban ledger: JSON-RPC methods in the shapes soroban-rpc documents."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from hot.localnet.rpc.jsonrpc import INVALID_PARAMS, Handler, RpcFailure, mount_json_rpc
from hot.localnet.rpc.soroban.ledger import (
    PROTOCOL_VERSION,
    STARTING_BALANCE,
    SorobanLedger,
    EnvelopeRejected,
)
from stellar_sdk import Keypair, SorobanDataBuilder, StrKey, xdr

RETENTION_WINDOW = 17_280


def _account_entry(account_id: str, sequence: int) -> xdr.LedgerEntryData:
    entry = xdr.AccountEntry(
        account_id=Keypair.from_public_key(account_id).xdr_account_id(), balance=xdr.Int64(STARTING_BALANCE),
        seq_num=xdr.SequenceNumber(xdr.Int64(sequence)), num_sub_entries=xdr.Uint32(0), inflation_dest=None,
        flags=xdr.Uint32(0), home_domain=xdr.String32(b""), thresholds=xdr.Thresholds(b"\x01\x00\x00\x00"),
        signers=[], ext=xdr.AccountEntryExt(0),
    )
    return xdr.LedgerEntryData(xdr.LedgerEntryType.ACCOUNT, account=entry)


def _ledger_entries(ledger: SorobanLedger, params: dict[str, Any]) -> dict[str, Any]:
    entries = []
    for key_xdr in params.get("keys") or []:
        key = xdr.LedgerKey.from_xdr(key_xdr)
        data = None
        if key.type == xdr.LedgerEntryType.ACCOUNT:
            account_id = StrKey.encode_ed25519_public_key(key.account.account_id.account_id.ed25519.uint256)
            if account_id in ledger.accounts:
                data = _account_entry(account_id, ledger.accounts[account_id])
        elif key.type == xdr.LedgerEntryType.CONTRACT_DATA:
            contract_id = StrKey.encode_contract(key.contract_data.contract.contract_id.contract_id.hash)
            value = ledger.storage.get(contract_id, {}).get(key.contract_data.key.to_xdr_bytes())
            if value is not None:
                data = xdr.LedgerEntryData(xdr.LedgerEntryType.CONTRACT_DATA, contract_data=xdr.ContractDataEntry(
                    ext=xdr.ExtensionPoint(0), contract=key.contract_data.contract, key=key.contract_data.key,
                    durability=key.contract_data.durability, val=value))
        if data is not None:
            entries.append({"key": key_xdr, "xdr": data.to_xdr(), "lastModifiedLedgerSeq": ledger.sequence})
    return {"entries": entries, "latestLedger": ledger.sequence}


def _simulate(ledger: SorobanLedger, params: dict[str, Any]) -> dict[str, Any]:
    try:
        outcome = ledger.simulate(params["transaction"])
    except EnvelopeRejected as exc:
        return {"error": str(exc), "latestLedger": ledger.sequence}
    if outcome.error is not None:
        return {"error": outcome.error, "events": [], "latestLedger": ledger.sequence}
    assert outcome.result is not None
    return {
        "transactionData": SorobanDataBuilder().build().to_xdr(), "minResourceFee": "100", "events": [],
        "results": [{"xdr": outcome.result.to_xdr(), "auth": []}], "latestLedger": ledger.sequence,
    }


def _send(ledger: SorobanLedger, params: dict[str, Any]) -> dict[str, Any]:
    base = {"latestLedger": ledger.sequence, "latestLedgerCloseTime": str(ledger.close_time)}
    try:
        record = ledger.submit(params["transaction"])
    except EnvelopeRejected as exc:
        return {**base, "status": "ERROR", "hash": "", "diagnosticEventsXdr": [], "errorMessage": str(exc)}
    return {**base, "status": "PENDING", "hash": record.hash,
            "latestLedger": ledger.sequence, "latestLedgerCloseTime": str(ledger.close_time)}


def _transaction(ledger: SorobanLedger, params: dict[str, Any]) -> dict[str, Any]:
    base = {"latestLedger": ledger.sequence, "latestLedgerCloseTime": str(ledger.close_time),
            "oldestLedger": 1, "oldestLedgerCloseTime": str(ledger.close_time)}
    record = ledger.transactions.get(params.get("hash", ""))
    if record is None:
        return {**base, "status": "NOT_FOUND", "txHash": params.get("hash", "")}
    answer = {**base, "status": record.status, "txHash": record.hash, "applicationOrder": 1, "feeBump": False,
              "envelopeXdr": record.envelope_xdr, "ledger": record.ledger, "createdAt": str(record.created_at)}
    if record.return_value is not None:
        answer["returnValue"] = record.return_value.to_xdr()
    return answer


def handle(ledger: SorobanLedger, method: str, params: dict[str, Any]) -> Any:
    if method == "getHealth":
        return {"status": "healthy", "latestLedger": ledger.sequence, "oldestLedger": 1,
                "ledgerRetentionWindow": RETENTION_WINDOW}
    if method == "getNetwork":
        return {"passphrase": ledger.passphrase, "protocolVersion": PROTOCOL_VERSION}
    if method == "getLatestLedger":
        ledger_id = hashlib.sha256(ledger.sequence.to_bytes(8, "big")).hexdigest()
        return {"id": ledger_id, "protocolVersion": PROTOCOL_VERSION, "sequence": ledger.sequence,
                "closeTime": str(ledger.close_time), "headerXdr": "", "metadataXdr": ""}
    if method == "getLedgerEntries":
        return _ledger_entries(ledger, params)
    if method == "simulateTransaction":
        return _simulate(ledger, params)
    if method == "sendTransaction":
        return _send(ledger, params)
    if method == "getTransaction":
        return _transaction(ledger, params)
    raise RpcFailure(-32601, "method not found")


def _handler(ledger: SorobanLedger) -> Handler:
    """soroban-rpc params are named: an object, or absent; dispatch under the ledger's lock."""

    def handle_request(method: str, params: Any) -> Any:
        params = params or {}
        if not isinstance(params, dict):
            raise RpcFailure(INVALID_PARAMS, "params must be an object")
        with ledger.lock:
            return handle(ledger, method, params)

    return handle_request


def create_app(state_dir: Path | None = None, *, ledger: SorobanLedger | None = None) -> FastAPI:
    """The `soroban_rpc` ASGI app; the ledger lives in memory (`state_dir` is accepted, unused)."""
    chain = ledger or SorobanLedger()
    app = FastAPI(title="hot localnet Soroban RPC", description="soroban-rpc JSON-RPC over Python contract models.")
    app.state.ledger = chain

    mount_json_rpc(app, _handler(chain), batches=False)

    @app.get("/friendbot")
    async def friendbot(addr: str) -> JSONResponse:
        try:
            with chain.lock:
                chain.create_account(addr)
        except ValueError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return JSONResponse({"hash": base64.b16encode(addr.encode()).decode()[:64].lower(), "successful": True})

    return app
