"""An Esplora-compatible HTTP subset over a BitcoinNode, plus the localnet's faucet and miner.

Routes and JSON shapes follow Blockstream's Esplora API (github.com/Blockstream/esplora,
API.md) so wallets written against mempool.space / blockstream.info work here unchanged:
GET /blocks/tip/height, /blocks/tip/hash, /address/:addr/utxo, /tx/:txid, /tx/:txid/hex,
/tx/:txid/status; POST /tx (raw hex body, txid text answer, 400 with the reject reason).
Localnet-only: POST /faucet {address, amount_sats} and POST /mine {blocks}.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from hot.localnet.bitcoin.encoding import address_of, script_type
from hot.wire.errors import BitcoinError, UnknownTransaction
from hot.localnet.bitcoin.index import BlockInfo, Coin
from hot.localnet.bitcoin.node import MAX_FAUCET_SATS, MAX_MINE_PER_CALL, BitcoinNode, TxView

TXID = re.compile(r"^[0-9a-f]{64}$")
MAX_TX_BODY = 400_000 * 2  # hex of the largest standard transaction


class FaucetRequest(BaseModel):
    address: str
    amount_sats: int = Field(gt=0, le=MAX_FAUCET_SATS)


class MineRequest(BaseModel):
    blocks: int = Field(default=1, ge=1, le=MAX_MINE_PER_CALL)
    address: str | None = None


def status_json(block: BlockInfo | None) -> dict[str, Any]:
    """Esplora's transaction/UTXO status object."""
    if block is None:
        return {"confirmed": False}
    return {"confirmed": True, "block_height": block.height, "block_hash": block.hash, "block_time": block.time}


def output_json(script: bytes, value: int) -> dict[str, Any]:
    out: dict[str, Any] = {"scriptpubkey": script.hex(), "scriptpubkey_type": script_type(script), "value": value}
    address = address_of(script)
    if address is not None:
        out["scriptpubkey_address"] = address
    return out


def tx_json(view: TxView) -> dict[str, Any]:
    """Esplora's transaction object (without the *_asm fields)."""
    tx = view.tx.tx
    vin = []
    for txin, prevout in zip(tx.vin, view.prevouts, strict=True):
        vin.append(
            {
                "txid": txin.txid.hex(),
                "vout": txin.vout,
                "prevout": None if prevout is None else output_json(prevout.script, prevout.value),
                "scriptsig": bytes(txin.script_sig.data).hex(),
                "witness": [item.hex() for item in txin.witness.items],
                "is_coinbase": view.tx.is_coinbase,
                "sequence": txin.sequence,
            }
        )
    return {
        "txid": view.tx.txid,
        "version": tx.version,
        "locktime": tx.locktime,
        "vin": vin,
        "vout": [output_json(bytes(o.script_pubkey.data), o.value) for o in tx.vout],
        "size": len(view.tx.raw),
        "weight": view.tx.weight,
        "fee": view.fee,
        "status": status_json(view.block),
    }


def utxo_json(coin: Coin, node: BitcoinNode) -> dict[str, Any]:
    block = None if coin.height is None else node.index.block(coin.height)
    return {"txid": coin.txid, "vout": coin.vout, "value": coin.value, "status": status_json(block)}


def _checked_txid(txid: str) -> str:
    if not TXID.match(txid):
        raise HTTPException(400, "Invalid hex string")
    return txid


def create_app(node: BitcoinNode) -> FastAPI:
    """The Esplora subset plus faucet and miner, serving `node` (which the caller owns and closes)."""
    app = FastAPI(title="hot localnet Bitcoin (regtest, Esplora subset)")

    @app.exception_handler(UnknownTransaction)
    def _not_found(_: Request, exc: UnknownTransaction) -> PlainTextResponse:
        return PlainTextResponse("Transaction not found", status_code=404)

    @app.exception_handler(BitcoinError)
    def _rejected(_: Request, exc: BitcoinError) -> PlainTextResponse:
        return PlainTextResponse(str(exc), status_code=400)

    @app.get("/blocks/tip/height", response_class=PlainTextResponse)
    def tip_height() -> str:
        return str(node.height)

    @app.get("/blocks/tip/hash", response_class=PlainTextResponse)
    def tip_hash() -> str:
        return node.tip().hash

    @app.get("/address/{address}/utxo")
    def address_utxo(address: str) -> list[dict[str, Any]]:
        return [utxo_json(c, node) for c in node.utxos(address)]

    @app.get("/tx/{txid}")
    def get_tx(txid: str) -> dict[str, Any]:
        return tx_json(node.transaction(_checked_txid(txid)))

    @app.get("/tx/{txid}/hex", response_class=PlainTextResponse)
    def get_tx_hex(txid: str) -> str:
        return node.transaction(_checked_txid(txid)).tx.raw.hex()

    @app.get("/tx/{txid}/status")
    def get_tx_status(txid: str) -> dict[str, Any]:
        return status_json(node.transaction(_checked_txid(txid)).block)

    @app.post("/tx", response_class=PlainTextResponse)
    async def post_tx(request: Request) -> str:
        body = (await request.body())[: MAX_TX_BODY + 1].decode("ascii", "replace").strip()
        if len(body) > MAX_TX_BODY:
            raise HTTPException(400, "non-standard: transaction too large")
        try:
            raw = bytes.fromhex(body)
        except ValueError:
            raise HTTPException(400, "tx-malformed: body is not hex") from None
        entry = await run_in_threadpool(node.submit_transaction, raw)
        return entry.tx.txid

    @app.post("/faucet")
    def faucet(request: FaucetRequest) -> dict[str, Any]:
        txid = node.faucet_pay(request.address, request.amount_sats)
        return {"txid": txid, "status": status_json(node.transaction(txid).block)}

    @app.post("/mine")
    def mine(request: MineRequest) -> JSONResponse:
        hashes = node.mine(request.blocks, request.address)
        return JSONResponse({"block_hashes": hashes, "height": node.height})

    return app
