"""NEAR JSON-RPC methods over a `Chain`: each takes params, returns a result or raises RpcError."""

from __future__ import annotations

import asyncio
import base64
import datetime
from collections.abc import Awaitable, Callable
from typing import Any

from hot.localnet.chain.blocks import PROTOCOL_VERSION
from hot.localnet.chain.chain import Chain
from hot.localnet.chain.validation import GAS_PRICE
from hot.localnet.rpc.near.errors import handler_error, method_not_found, parse_error
from hot.localnet.rpc.near.params import (
    b64decode,
    block_reference,
    check_encoding,
    field,
    signed_tx_bytes,
)
from hot.localnet.rpc.near.producer import BlockProducer

from hot.wire.errors import (
    ContractExecutionError,
    EncodingError,
    InvalidTransaction,
    QueryError,
    RpcError,
    UnknownBlock,
    UnknownTransaction,
)

TX_WAIT_TIMEOUT_S = 30.0
Handler = Callable[[Any], Awaitable[Any]]


class NearRpcMethods:
    """The method table; one instance per served chain."""

    def __init__(self, chain: Chain, producer: BlockProducer) -> None:
        self.chain, self.producer = chain, producer
        self.methods: dict[str, Handler] = {
            "status": self.status, "block": self.block, "chunk": self.chunk, "gas_price": self.gas_price,
            "validators": self.validators, "query": self.query, "broadcast_tx_commit": self.broadcast_tx_commit,
            "broadcast_tx_async": self.broadcast_tx_async, "send_tx": self.send_tx, "tx": self.tx,
            "EXPERIMENTAL_tx_status": self.experimental_tx_status,
        }

    async def dispatch(self, method: Any, params: Any) -> Any:
        handler = self.methods.get(method) if isinstance(method, str) else None
        if handler is None:
            raise method_not_found(str(method))
        try:
            return await handler(params)
        except EncodingError as exc:
            raise check_encoding(exc) from exc

    def _head_ref(self) -> dict[str, Any]:
        header = self.chain.head["header"]
        return {"block_height": header["height"], "block_hash": header["hash"]}

    # ---- node and blocks -------------------------------------------------------------------------
    async def status(self, params: Any) -> dict[str, Any]:
        head, genesis = self.chain.head["header"], self.chain.blocks[0]["header"]
        root = self.chain.config.root_account
        return {
            "chain_id": self.chain.config.chain_id, "protocol_version": PROTOCOL_VERSION,
            "latest_protocol_version": PROTOCOL_VERSION, "genesis_hash": genesis["hash"],
            "version": {"version": "hot-localnet", "build": "python", "rustc_version": ""},
            "rpc_addr": None, "node_public_key": str(self.chain.root_key.public_key),
            "validator_account_id": root, "validator_public_key": str(self.chain.root_key.public_key),
            "validators": [{"account_id": root, "is_slashed": False}], "uptime_sec": 0,
            "sync_info": {"latest_block_hash": head["hash"], "latest_block_height": head["height"],
                          "latest_state_root": head["prev_state_root"], "latest_block_time": _iso(head["timestamp"]),
                          "syncing": False, "earliest_block_hash": genesis["hash"],
                          "earliest_block_height": genesis["height"], "earliest_block_time": _iso(genesis["timestamp"]),
                          "epoch_id": head["epoch_id"], "epoch_start_height": _epoch_start(head["height"], self.chain)},
        }

    def _find_block(self, params: Any) -> dict[str, Any]:
        height, block_hash = block_reference(params)
        try:
            return self.chain.block(height=height, block_hash=block_hash)
        except UnknownBlock as exc:
            raise handler_error("UNKNOWN_BLOCK", {}, f"DB Not Found Error: {exc}") from exc

    async def block(self, params: Any) -> dict[str, Any]:
        found = self._find_block(params)
        return {k: v for k, v in found.items() if k != "transactions"}

    async def chunk(self, params: Any) -> dict[str, Any]:
        if isinstance(params, dict) and "chunk_id" in params:
            chunk_id = field(params, "chunk_id")
            found = next((b for b in self.chain.blocks if b["chunks"][0]["chunk_hash"] == chunk_id), None)
        elif isinstance(params, list) and params and isinstance(params[0], str) and len(params) == 1:
            found = next((b for b in self.chain.blocks if b["chunks"][0]["chunk_hash"] == params[0]), None)
        else:
            found = self._find_block({"block_id": params.get("block_id")} if isinstance(params, dict) else params)
        if found is None:
            raise handler_error("UNKNOWN_CHUNK", {}, "Chunk Missing (unavailable on the node)")
        txs = [self.chain.transaction(h)["transaction"] for h in found["transactions"]]
        return {"author": found["author"], "header": found["chunks"][0], "transactions": txs, "receipts": []}

    async def gas_price(self, params: Any) -> dict[str, Any]:
        self._find_block(params)
        return {"gas_price": str(GAS_PRICE)}

    async def validators(self, params: Any) -> dict[str, Any]:
        head = self.chain.head["header"]
        me = {"account_id": self.chain.config.root_account, "public_key": str(self.chain.root_key.public_key),
              "is_slashed": False, "stake": "0", "shards": [0], "num_produced_blocks": head["height"],
              "num_expected_blocks": head["height"], "num_produced_chunks": head["height"],
              "num_expected_chunks": head["height"]}
        return {"current_validators": [me], "next_validators": [dict(me)], "current_fishermen": [],
                "next_fishermen": [], "current_proposals": [], "prev_epoch_kickout": [],
                "epoch_start_height": _epoch_start(head["height"], self.chain), "epoch_height": head["epoch_height"]}

    # ---- state queries ---------------------------------------------------------------------------
    async def query(self, params: Any) -> dict[str, Any]:
        if isinstance(params, list) and len(params) == 2 and isinstance(params[0], str):
            params = _legacy_query(params)
        request_type = field(params, "request_type")
        self._find_block(params)  # an unknown block_id is UNKNOWN_BLOCK; known ones answer from the head state
        try:
            result = self._query(request_type, params)
        except ContractExecutionError as exc:
            return {"error": exc.vm_error, "logs": exc.logs, **self._head_ref()}
        except QueryError as exc:
            if exc.name == "UNKNOWN_ACCESS_KEY":  # nearcore still answers this one in the legacy form
                return {"error": str(exc), "logs": [], **self._head_ref()}
            raise handler_error(exc.name, {**exc.info, **self._head_ref()}, str(exc)) from exc
        return {**result, **self._head_ref()}

    def _query(self, request_type: str, params: dict[str, Any]) -> dict[str, Any]:
        account_id = field(params, "account_id")
        if request_type == "view_account":
            return self.chain.view_account(account_id)
        if request_type == "view_access_key":
            return self.chain.view_access_key(account_id, field(params, "public_key"))
        if request_type == "view_access_key_list":
            return self.chain.view_access_key_list(account_id)
        if request_type == "call_function":
            args = b64decode(field(params, "args_base64"), "args_base64")
            return self.chain.call_function(account_id, field(params, "method_name"), args)
        if request_type == "view_state":
            return self.chain.view_state(account_id, field(params, "prefix_base64"))
        if request_type == "view_code":
            return self.chain.view_code(account_id)
        raise parse_error(f"Failed parsing args: unknown variant `{request_type}`")

    # ---- transactions ----------------------------------------------------------------------------
    def _decode(self, params: Any) -> Any:
        raw = signed_tx_bytes(params)
        try:
            return self.chain.decode_transaction(raw)
        except EncodingError as exc:
            raise parse_error(f"Failed to decode transaction: {exc}") from exc
        except InvalidTransaction as exc:
            raise _invalid_tx(exc) from exc

    async def _execute(self, params: Any) -> dict[str, Any]:
        stx = self._decode(params)
        future = self.producer.submit(stx)
        try:
            # shield: a client timing out must not cancel the shared future other waiters hold
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), TX_WAIT_TIMEOUT_S)
        except InvalidTransaction as exc:
            raise _invalid_tx(exc) from exc
        except TimeoutError as exc:
            raise handler_error("TIMEOUT_ERROR", {"transaction_hash": stx.hash_b58}, "Timeout") from exc

    async def broadcast_tx_commit(self, params: Any) -> dict[str, Any]:
        outcome = await self._execute(params)
        return {k: v for k, v in outcome.items() if k != "receipts"}

    async def broadcast_tx_async(self, params: Any) -> str:
        stx = self._decode(params)
        self.producer.submit(stx)
        return str(stx.hash_b58)

    async def send_tx(self, params: Any) -> dict[str, Any]:
        wait_until = field(params, "wait_until", required=False) or "EXECUTED_OPTIMISTIC"
        if wait_until == "NONE":
            stx = self._decode(params)
            self.producer.submit(stx)
            return {"final_execution_status": "NONE"}
        outcome = await self._execute(params)
        return {k: v for k, v in outcome.items() if k != "receipts"}

    async def _lookup(self, params: Any) -> dict[str, Any]:
        if isinstance(params, list):
            if not params or not isinstance(params[0], str):
                raise parse_error("Failed parsing args: expected [tx_hash, sender_account_id]")
            tx_hash = params[0]
        else:
            tx_hash = field(params, "tx_hash")
            field(params, "sender_account_id")
        pending = self.producer.pending(tx_hash)
        if pending is not None:
            try:
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(pending)), TX_WAIT_TIMEOUT_S)
            except (TimeoutError, InvalidTransaction):
                pass
        try:
            return self.chain.transaction(tx_hash)
        except UnknownTransaction as exc:
            raise handler_error("UNKNOWN_TRANSACTION", {"requested_transaction_hash": tx_hash},
                                f"Transaction {tx_hash} doesn't exist") from exc

    async def tx(self, params: Any) -> dict[str, Any]:
        return {k: v for k, v in (await self._lookup(params)).items() if k != "receipts"}

    async def experimental_tx_status(self, params: Any) -> dict[str, Any]:
        return await self._lookup(params)


def _invalid_tx(exc: InvalidTransaction) -> RpcError:
    return handler_error("INVALID_TRANSACTION", exc.to_json(), exc.to_json())


def _legacy_query(params: list[Any]) -> dict[str, Any]:
    """nearcore's old path form: ["account/<id>", ""], ["access_key/<id>/<key>", ""], ["call/<id>/<m>", b58args]."""
    import base58

    path, data = params
    parts = path.split("/")
    kinds = {"account": "view_account", "access_key": "view_access_key", "call": "call_function",
             "contract": "view_state", "code": "view_code"}
    if parts[0] not in kinds or len(parts) < 2:
        raise parse_error(f"Failed parsing args: unknown query path {path!r}")
    out: dict[str, Any] = {"request_type": kinds[parts[0]], "account_id": parts[1], "finality": "optimistic"}
    if parts[0] == "access_key":
        if len(parts) < 3:
            out["request_type"] = "view_access_key_list"
        else:
            out["public_key"] = parts[2]
    elif parts[0] == "call":
        out["method_name"] = parts[2] if len(parts) > 2 else ""
        try:
            out["args_base64"] = base64.b64encode(base58.b58decode(data or "")).decode()
        except ValueError as exc:
            raise parse_error("Failed parsing args: call data is not base58") from exc
    elif parts[0] == "contract":
        out["prefix_base64"] = base64.b64encode(data.encode() if isinstance(data, str) else b"").decode()
    return out


def _iso(timestamp_ns: int) -> str:
    return datetime.datetime.fromtimestamp(timestamp_ns / 1e9, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def _epoch_start(height: int, chain: Chain) -> int:
    length = chain.config.epoch_length
    return 0 if height <= 0 else ((height - 1) // length) * length + 1
