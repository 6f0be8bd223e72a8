"""Parsing of JSON-RPC params: every malformed field becomes NEAR's PARSE_ERROR, nothing else.

nearcore accepts both the object form (`{"finality": "final"}`, `{"block_id": 5}`) and the older
positional arrays (`[5]`, `["<hash>", "sender"]`) for most methods; so do these helpers.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from hot.localnet.rpc.near.errors import parse_error

from hot.wire.errors import EncodingError, RpcError

MAX_BASE64_TX_CHARS = 4 * 1024 * 1024


def field(params: Any, name: str, kind: type | tuple[type, ...] = str, *, required: bool = True) -> Any:
    if not isinstance(params, dict):
        raise parse_error(f"Failed parsing args: expected an object with `{name}`")
    if name not in params:
        if required:
            raise parse_error(f"Failed parsing args: missing field `{name}`")
        return None
    value = params[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise parse_error(f"Failed parsing args: invalid type for field `{name}`")
    return value


def positional_or_field(params: Any, index: int, name: str, kind: type | tuple[type, ...] = str) -> Any:
    if isinstance(params, list):
        if len(params) <= index or not isinstance(params[index], kind):
            raise parse_error(f"Failed parsing args: expected `{name}` at position {index}")
        return params[index]
    return field(params, name, kind)


def b64decode(text: str, what: str) -> bytes:
    if len(text) > MAX_BASE64_TX_CHARS:
        raise parse_error(f"{what} is too large ({len(text)} base64 characters)")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise parse_error(f"Failed to decode {what}: invalid base64: {exc}") from exc


def signed_tx_bytes(params: Any) -> bytes:
    """The `[<base64>]` of broadcast_tx_* or `{"signed_tx_base64"}` of send_tx."""
    if isinstance(params, dict):
        text = field(params, "signed_tx_base64")
    else:
        text = positional_or_field(params, 0, "signed_tx_base64")
    return b64decode(text, "transaction")


def block_reference(params: Any) -> tuple[int | None, str | None]:
    """(height, hash) from `{"block_id": ...}` / `[id]`; (None, None) for finality or null (latest)."""
    if params is None or params == [None] or params == []:
        return None, None
    if isinstance(params, list):
        ref = params[0]
    elif isinstance(params, dict):
        if "block_id" not in params:
            if "finality" in params or "sync_checkpoint" in params or not params:
                return None, None
            raise parse_error("Failed parsing args: expected `block_id` or `finality`")
        ref = params["block_id"]
    else:
        raise parse_error("Failed parsing args: params must be an object or an array")
    if isinstance(ref, int) and not isinstance(ref, bool) and ref >= 0:
        return ref, None
    if isinstance(ref, str) and ref:
        return None, ref
    if ref is None:
        return None, None
    raise parse_error("Failed parsing args: block_id must be a height or a hash")


def check_encoding(exc: EncodingError) -> RpcError:
    return parse_error(f"Failed parsing args: {exc}")
