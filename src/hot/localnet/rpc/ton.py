"""TON API endpoint (`ton_api`): the toncenter v2 calls needed to deploy, approve and verify.

Contract code really runs in TON's emulator (pytvm's `TvmEmulator`, the emulator library of the
TON node): `runGetMethod` executes a get-method on the account's code and data, and `sendBoc`
applies an external message (with a StateInit to deploy), persisting the new data only if the
contract accepted it. Shapes follow toncenter v2: `{"ok": true, "result": ...}`, stacks as
`[["num", "0x..."], ["tvm.Slice", "<b64 boc>"], ...]`. pytonlib cannot be served here: it speaks
ADNL to liteservers, not HTTP.
"""

from __future__ import annotations

import base64
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytvm
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pytoniq_core import Address, Cell, Slice
from pytoniq_core.tlb.transaction import ExternalMsgInfo, MessageAny
from pytvm.engine import EmulatorEngineC
from pytvm.tvm_emulator import TvmEmulator

EXIT_UNINITIALIZED = -13  # toncenter's exit code for a get-method on an account without code
_ENGINE_LOCK = threading.Lock()
_ENGINE: EmulatorEngineC | None = None


def emulator_engine() -> EmulatorEngineC:
    """The emulator library, loaded once (explicit path: no pkg_resources, so any setuptools works)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            engine_dir = Path(pytvm.__file__).parent / "engine"
            library = next(p for p in engine_dir.iterdir() if p.name.startswith("libemulator"))
            _ENGINE = EmulatorEngineC(os.fspath(library))
            _ENGINE.emulator_set_verbosity_level(0)  # the default level logs every VM step to stderr
        return _ENGINE


class TonApiError(Exception):
    """An error answer of the TON API emulator with its HTTP status (control flow: the handler returns it as JSON)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class TonAccount:
    code: Cell
    data: Cell
    balance: int = 0
    _emulator: TvmEmulator | None = field(default=None, repr=False)

    def emulator(self) -> TvmEmulator:
        if self._emulator is None:
            self._emulator = TvmEmulator(self.code, self.data, engine=emulator_engine())
        return self._emulator

    def set_data(self, data: Cell) -> None:
        self.data, self._emulator = data, None


def raw_address(address: str) -> str:
    try:
        return Address(address).to_str(is_user_friendly=False)
    except Exception as exc:  # pytoniq-core raises several types for a bad address
        raise TonApiError(416, f"incorrect address {address!r}") from exc


class TonChain:
    """Accounts by raw address; every call runs under one lock (the emulator is not thread-safe)."""

    def __init__(self) -> None:
        self.accounts: dict[str, TonAccount] = {}
        self.lock = threading.Lock()

    def run_get_method(self, address: str, method: str, stack: list[Any]) -> dict[str, Any]:
        account = self.accounts.get(raw_address(address))
        if account is None:
            return {"@type": "smc.runResult", "gas_used": 0, "stack": [], "exit_code": EXIT_UNINITIALIZED}
        result = account.emulator().run_get_method(method, [parse_stack_entry(e) for e in stack])
        if "vm_exit_code" not in result:
            raise TonApiError(500, f"emulator failed: {result.get('error', 'no exit code')}")
        return {"@type": "smc.runResult", "gas_used": result.get("gas_used", 0),
                "stack": [render_stack_entry(v) for v in result.get("stack", [])], "exit_code": result["vm_exit_code"]}

    def send_boc(self, boc_b64: str) -> None:
        try:
            message = MessageAny.deserialize(Cell.one_from_boc(base64.b64decode(boc_b64)).begin_parse())
        except Exception as exc:
            raise TonApiError(500, f"failed to parse message BOC: {exc}") from exc
        if not isinstance(message.info, ExternalMsgInfo):
            raise TonApiError(500, "only external inbound messages can be sent")
        destination = message.info.dest.to_str(is_user_friendly=False)
        account = self.accounts.get(destination)
        if account is None:
            account = self._deploy(destination, message)
        outcome = account.emulator().send_external_message(message.body)
        if not outcome.get("success") or not outcome.get("accepted"):
            raise TonApiError(500, f"cannot apply external message to {destination}: exitcode={outcome.get('vm_exit_code')}")
        account.set_data(outcome["new_data"])
        self.accounts[destination] = account

    @staticmethod
    def _deploy(destination: str, message: MessageAny) -> TonAccount:
        init = message.init
        if init is None or init.code is None or init.data is None:
            raise TonApiError(500, f"account {destination} is not initialized and the message has no StateInit")
        expected = Address((0, init.serialize().hash)).to_str(is_user_friendly=False)
        if destination != expected:
            raise TonApiError(500, "StateInit does not hash to the destination address")
        return TonAccount(init.code, init.data)

    def address_information(self, address: str) -> dict[str, Any]:
        account = self.accounts.get(raw_address(address))
        state = {"@type": "raw.fullAccountState", "balance": "0", "last_transaction_id": {"@type": "internal.transactionId", "lt": "0", "hash": ""}}
        if account is None:
            return {**state, "code": "", "data": "", "state": "uninitialized"}
        return {**state, "code": base64.b64encode(account.code.to_boc()).decode(),
                "data": base64.b64encode(account.data.to_boc()).decode(), "state": "active"}


def parse_stack_entry(entry: Any) -> Any:
    """A toncenter v2 input stack entry: ["num", int | "0x.." | "123"], ["tvm.Slice"/"tvm.Cell", b64]."""
    if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str):
        raise TonApiError(400, f"bad stack entry {entry!r}")
    kind, value = entry
    try:
        if kind == "num":
            return value if isinstance(value, int) else int(value, 0)
        if kind in ("tvm.Slice", "tvm.Cell"):
            cell = Cell.one_from_boc(base64.b64decode(value))
            return cell.begin_parse() if kind == "tvm.Slice" else cell
    except (ValueError, TypeError) as exc:
        raise TonApiError(400, f"bad stack entry {entry!r}: {exc}") from exc
    raise TonApiError(400, f"unsupported stack entry type {kind!r}")


def render_stack_entry(value: Any) -> list[Any]:
    """A result stack entry in toncenter v2's shape."""
    if isinstance(value, int):
        return ["num", hex(value)]
    if isinstance(value, Cell):
        return ["cell", {"bytes": base64.b64encode(value.to_boc()).decode()}]
    if isinstance(value, Slice):
        return ["cell", {"bytes": base64.b64encode(value.to_cell().to_boc()).decode()}]
    return ["null", None] if value is None else ["unsupported", repr(value)]


class RunGetMethodRequest(BaseModel):
    address: str
    method: str
    stack: list[Any] = []


class SendBocRequest(BaseModel):
    boc: str


def create_app(state_dir: Path | None = None, *, chain: TonChain | None = None) -> FastAPI:
    """The `ton_api` ASGI app (toncenter v2 subset). State lives in memory; `state_dir` is unused."""
    ton = chain or TonChain()
    app = FastAPI(title="hot localnet TON API", description="toncenter v2 runGetMethod/sendBoc over TON's emulator.")
    app.state.chain = ton

    def reply(fn: Any, *args: Any) -> JSONResponse:
        try:
            with ton.lock:
                return JSONResponse({"ok": True, "result": fn(*args)})
        except TonApiError as exc:
            return JSONResponse({"ok": False, "error": exc.message, "code": exc.code}, status_code=exc.code)

    @app.post("/api/v2/runGetMethod")
    async def run_get_method(request: RunGetMethodRequest) -> JSONResponse:
        return reply(ton.run_get_method, request.address, request.method, request.stack)

    @app.post("/api/v2/sendBoc")
    async def send_boc(request: SendBocRequest) -> JSONResponse:
        def send(boc: str) -> dict[str, str]:
            ton.send_boc(boc)
            return {"@type": "ok"}

        return reply(send, request.boc)

    @app.get("/api/v2/getAddressInformation")
    async def address_information(address: str) -> JSONResponse:
        return reply(ton.address_information, address)

    return app
