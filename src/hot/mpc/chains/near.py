"""NEAR adapter: `query` / `call_function` at final finality with HOT's hot_verify arguments.

Arguments are exactly what HOT's deployed policies take (hot-validation-sdk `VerifyArgs`):
`{"wallet_id", "msg_hash" (base58), "msg_body", "user_payload", "metadata"}`, so a policy written
for HOT's network works unchanged against ours. The method is `hot_verify` unless the auth
method's metadata names another. The answer (JSON in the `result` bytes) is a bool, or a
delegation `{chain_id, contract_id, method, input}` that the registry evaluates on that chain.
"""

from __future__ import annotations

from typing import Any

import base58
from hot.near import queries
from hot.wire.encoding import canonical_json
from hot.wire.errors import EncodingError, InvalidRequest, MalformedAnswer, PolicyCallFailed, ViewFailed
from hot.mpc.chains.base import DEFAULT_METHOD, AuthMethod, Decision, Delegation, Verdict, require_hash32
from hot.mpc.chains.transport import EndpointVerifier


def hot_verify_args(msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str, metadata: str | None) -> dict[str, Any]:
    """HOT's argument object for a NEAR `hot_verify` (user_payload travels as a UTF-8 string)."""
    try:
        payload = user_payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest("a NEAR policy's user_payload must be UTF-8 text (HOT passes a string)") from exc
    args: dict[str, Any] = {
        "wallet_id": key_id,
        "msg_hash": base58.b58encode(require_hash32(msg_hash)).decode(),
        "msg_body": msg_body,
        "user_payload": payload,
    }
    # Absent rather than null when the method has no metadata: a Rust `Option<String>` reads a
    # missing field as None, and a Python policy's `metadata: str = ""` default applies.
    if metadata is not None:
        args["metadata"] = metadata
    return args


def call_function_params(account_id: str, method: str, args: dict[str, Any]) -> dict[str, Any]:
    """hot.near's `query/call_function` at final finality, with compact JSON arguments."""
    return queries.call_function_params(account_id, method, queries.json_args(args), queries.FINAL)


def decode_call_result(result: object) -> Any:
    """The JSON value a view returned (hot.near decodes it); a contract panic is PolicyCallFailed."""
    try:
        raw = queries.call_function_result(result).value
        if not raw:
            raise EncodingError("the view returned nothing")
        return queries.decode_json_value(raw)
    except ViewFailed as exc:
        raise PolicyCallFailed(f"NEAR contract call failed: {exc}") from exc
    except EncodingError as exc:
        raise MalformedAnswer(f"NEAR policy answer is malformed: {exc}") from exc


def verdict_from_answer(answer: Any, endpoint: str) -> Verdict:
    """A bool is allow/deny; an object is a delegation; anything else is malformed."""
    if isinstance(answer, bool):
        return Verdict.of_bool(answer, endpoint)
    if isinstance(answer, dict):
        return Verdict(Decision.DELEGATE, delegation=parse_delegation(answer), endpoints=(endpoint,))
    raise MalformedAnswer(f"NEAR policy answered {type(answer).__name__}, expected bool or delegation object")


def parse_delegation(answer: dict[str, Any]) -> Delegation:
    """HOT's `{chain_id, contract_id, method, input}`; `input` is 0x-hex bytes, text, or JSON."""
    chain_id, contract_id = answer.get("chain_id"), answer.get("contract_id")
    method = answer.get("method", DEFAULT_METHOD)
    if not isinstance(chain_id, int) or isinstance(chain_id, bool) or chain_id <= 0:
        raise MalformedAnswer("delegation chain_id must be a positive integer")
    if not isinstance(contract_id, str) or not contract_id:
        raise MalformedAnswer("delegation contract_id must be a non-empty string")
    if not isinstance(method, str) or not method:
        raise MalformedAnswer("delegation method must be a non-empty string")
    return Delegation(chain_id, contract_id, method, _delegation_input(answer.get("input", "")))


def _delegation_input(value: Any) -> bytes:
    if isinstance(value, str):
        if value.startswith("0x"):
            try:
                return bytes.fromhex(value[2:])
            except ValueError as exc:
                raise MalformedAnswer("delegation input is 0x-prefixed but not hex") from exc
        return value.encode()
    if isinstance(value, (dict, list)):
        return canonical_json(value)
    raise MalformedAnswer("delegation input must be a string or JSON value")


class NearVerifier(EndpointVerifier):
    """One NEAR JSON-RPC endpoint."""

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        args = hot_verify_args(msg_hash, key_id, user_payload, msg_body, auth_method.metadata)
        params = call_function_params(auth_method.contract_id, auth_method.method_name(), args)
        result = await self.endpoint.json_rpc("query", params)
        return verdict_from_answer(decode_call_result(result), self.name)
