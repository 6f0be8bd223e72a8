"""TON adapter: toncenter v2 `runGetMethod` of `hot_verify(msg_hash)` returning an integer.

The get-method receives the 32-byte message hash as one unsigned integer (`["num", "0x..."]`);
a non-zero result allows (FunC's true is -1). Any exit code other than 0 or 1 (TVM's two success
codes) is `PolicyCallFailed`, including -13 for an account without code; a stack that is not one
integer is `MalformedAnswer`.
"""

from __future__ import annotations

from hot.mpc.chains.base import AuthMethod, Verdict, require_hash32
from hot.wire.errors import InvalidRequest, MalformedAnswer, PolicyCallFailed
from hot.mpc.chains.transport import EndpointVerifier
from pytoniq_core.boc.address import Address

RUN_GET_METHOD_PATH = "/api/v2/runGetMethod"
TVM_SUCCESS_EXIT_CODES = (0, 1)


def check_address(contract_id: str) -> str:
    try:
        Address(contract_id)
    except Exception as exc:  # pytoniq-core raises several types for a bad address
        raise InvalidRequest(f"TON contract id {contract_id!r} is not an address") from exc
    return contract_id


def integer_from_run_result(answer: object) -> int:
    """The single integer a get-method returned, from toncenter's `{ok, result: {exit_code, stack}}`."""
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        raise MalformedAnswer("toncenter answer must be an object with a boolean 'ok'")
    if not answer["ok"]:
        raise PolicyCallFailed(f"runGetMethod failed: {answer.get('error')}")
    result = answer.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("exit_code"), int):
        raise MalformedAnswer("runGetMethod result must carry an integer exit_code")
    if result["exit_code"] not in TVM_SUCCESS_EXIT_CODES:
        raise PolicyCallFailed(f"get-method exited with code {result['exit_code']}")
    stack = result.get("stack")
    if not isinstance(stack, list) or len(stack) != 1:
        raise MalformedAnswer("hot_verify must leave exactly one value on the stack")
    entry = stack[0]
    if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == "num" and isinstance(entry[1], str)):
        raise MalformedAnswer(f"hot_verify must return an integer, got {entry!r}")
    try:
        return int(entry[1], 16)
    except ValueError as exc:
        raise MalformedAnswer(f"stack integer {entry[1]!r} is not hex") from exc


class TonVerifier(EndpointVerifier):
    """One toncenter v2 endpoint."""

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        request = {
            "address": check_address(auth_method.contract_id),
            "method": auth_method.method_name(),
            "stack": [["num", "0x" + require_hash32(msg_hash).hex()]],
        }
        answer = await self.endpoint.post_json(RUN_GET_METHOD_PATH, request)
        return Verdict.of_bool(integer_from_run_result(answer) != 0, self.name)
