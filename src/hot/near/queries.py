"""NEAR `query` requests and their answers, as pure data (no I/O).

A read names the state it is taken from: a finality (`final` by default: every read a decision
depends on, ARCHITECTURE.md "The owner's word cannot be stretched") or one block by hash or
height, which is how a quorum reader asks several endpoints about the same final block. Every
answer carries the block it was read at (`Read`).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hot.near.actions import AccessKey
from hot.near.keys import PublicKey
from hot.near.outcomes import view_failed
from hot.wire.errors import EncodingError

T = TypeVar("T")
FINALITIES = ("final", "near-final", "optimistic")


@dataclass(frozen=True)
class BlockRef:
    """Which state to read: a finality, or one block (hash or height)."""

    finality: str | None = "final"
    block_id: str | int | None = None

    def __post_init__(self) -> None:
        if (self.finality is None) == (self.block_id is None):
            raise EncodingError("a block reference is a finality or a block id, exactly one")
        if self.finality is not None and self.finality not in FINALITIES:
            raise EncodingError(f"finality must be one of {FINALITIES}, not {self.finality!r}")

    @classmethod
    def at(cls, block_id: str | int) -> BlockRef:
        return cls(None, block_id)

    def params(self) -> dict[str, Any]:
        return {"finality": self.finality} if self.block_id is None else {"block_id": self.block_id}


FINAL = BlockRef("final")
OPTIMISTIC = BlockRef("optimistic")


@dataclass(frozen=True)
class Read(Generic[T]):
    """An answer and the block whose state it was read from."""

    value: T
    block_hash: str
    block_height: int


def call_function_params(account_id: str, method_name: str, args: bytes, at: BlockRef = FINAL) -> dict[str, Any]:
    """`query` params of a view call; `args` are the raw argument bytes (JSON for our contracts)."""
    return {"request_type": "call_function", **at.params(), "account_id": account_id, "method_name": method_name,
            "args_base64": base64.b64encode(args).decode()}


def json_args(args: dict[str, Any] | None) -> bytes:
    """A contract's JSON arguments in the compact form HOT's deployed policies receive."""
    return json.dumps(args or {}, separators=(",", ":")).encode()


def view_access_key_params(account_id: str, public_key: PublicKey | str, at: BlockRef = FINAL) -> dict[str, Any]:
    return {"request_type": "view_access_key", **at.params(), "account_id": account_id,
            "public_key": str(public_key)}


def view_account_params(account_id: str, at: BlockRef = FINAL) -> dict[str, Any]:
    return {"request_type": "view_account", **at.params(), "account_id": account_id}


def located(answer: Any) -> Read[dict[str, Any]]:
    """A `query` answer with the block it names (every query answer carries block_hash/height)."""
    if not isinstance(answer, dict):
        raise EncodingError("a query answer must be an object")
    block_hash, height = answer.get("block_hash"), answer.get("block_height")
    if not isinstance(block_hash, str) or not isinstance(height, int) or isinstance(height, bool):
        raise EncodingError("a query answer must name its block_hash and block_height")
    return Read(answer, block_hash, height)


def block_result(answer: Any) -> Read[dict[str, Any]]:
    """A `block` answer located by its own header."""
    header = answer.get("header") if isinstance(answer, dict) else None
    if not isinstance(header, dict) or not isinstance(header.get("hash"), str) or not isinstance(header.get("height"), int):
        raise EncodingError("a block answer must have header.hash and header.height")
    return Read(answer, header["hash"], header["height"])


def call_function_result(answer: Any) -> Read[bytes]:
    """The bytes a view returned; its `error` (a panic, a missing method) raises ViewFailed."""
    found = located(answer)
    body = found.value
    if "error" in body:
        raise view_failed(str(body["error"]))
    raw = body.get("result")
    if not isinstance(raw, list) or not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in raw):
        raise EncodingError("call_function result.result must be a list of byte values")
    return Read(bytes(raw), found.block_hash, found.block_height)


def access_key_result(answer: Any) -> Read[AccessKey] | None:
    """The access key, or None when the account has no such key (nearcore still answers that one
    in the legacy `{"error": "access key ... does not exist"}` form)."""
    found = located(answer)
    if "error" in found.value:
        return None
    try:
        return Read(AccessKey.from_json(found.value), found.block_hash, found.block_height)
    except (KeyError, TypeError, ValueError) as exc:
        raise EncodingError(f"view_access_key answer is malformed: {exc!r}") from exc


def decode_json_value(raw: bytes) -> Any:
    """A view's JSON return value (None for an empty return)."""
    try:
        return json.loads(raw) if raw else None
    except ValueError as exc:
        raise EncodingError("the view's return value is not JSON") from exc
