"""EVM adapter: `eth_call` of `hot_verify(bytes32,bytes,bytes,bytes) view returns (bool)`.

The ABI is HOT's (hot-validation-sdk `HOT_VERIFY_ABI`): (msg_hash, wallet_id, user_payload,
metadata). The call runs at a block `confirmations` behind the endpoint's head, so an approval
that a reorg could still remove is not yet counted (reorg-aware block choice). The answer must be
exactly one ABI word holding 0 or 1; anything else is `MalformedAnswer`.
"""

from __future__ import annotations

from eth_abi.abi import encode
from eth_utils.address import is_address, to_checksum_address
from eth_utils.crypto import keccak
from hot.mpc.chains.base import DEFAULT_TIMEOUT_S, AuthMethod, Verdict, require_hash32
from hot.wire.errors import InvalidRequest, MalformedAnswer, WrongChain
from hot.mpc.chains.transport import EndpointVerifier

HOT_VERIFY_TYPES = ("bytes32", "bytes", "bytes", "bytes")
DEFAULT_CONFIRMATIONS = 2


def selector(method: str) -> bytes:
    """The 4-byte function selector of `method(bytes32,bytes,bytes,bytes)`."""
    return keccak(text=f"{method}({','.join(HOT_VERIFY_TYPES)})")[:4]


def encode_hot_verify(method: str, msg_hash: bytes, wallet_id: bytes, user_payload: bytes, metadata: bytes) -> str:
    """Call data for HOT's hot_verify ABI, as 0x-hex."""
    args = encode(list(HOT_VERIFY_TYPES), [msg_hash, wallet_id, user_payload, metadata])
    return "0x" + (selector(method) + args).hex()


def decode_bool_word(result: object) -> bool:
    """An ABI-encoded bool: exactly 32 bytes, value 0 or 1. Anything else is malformed."""
    if not isinstance(result, str) or not result.startswith("0x"):
        raise MalformedAnswer(f"eth_call result must be a 0x-hex string, got {type(result).__name__}")
    try:
        raw = bytes.fromhex(result[2:])
    except ValueError as exc:
        raise MalformedAnswer("eth_call result is not valid hex") from exc
    if len(raw) != 32:
        raise MalformedAnswer(f"eth_call result must be one 32-byte word (a bool), got {len(raw)} bytes")
    value = int.from_bytes(raw, "big")
    if value not in (0, 1):
        raise MalformedAnswer("eth_call result is not an ABI bool (0 or 1)")
    return value == 1


def parse_quantity(value: object) -> int:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise MalformedAnswer(f"expected a JSON-RPC quantity, got {value!r}")
    try:
        return int(value, 16)
    except ValueError as exc:
        raise MalformedAnswer(f"bad JSON-RPC quantity {value!r}") from exc


class EvmVerifier(EndpointVerifier):
    """One EVM JSON-RPC endpoint."""

    def __init__(
        self, url: str, *, confirmations: int = DEFAULT_CONFIRMATIONS, timeout: float = DEFAULT_TIMEOUT_S,
        expected_chain_id: int | None = None,
    ) -> None:
        if confirmations < 0:
            raise InvalidRequest("confirmations must be >= 0")
        super().__init__(url, timeout=timeout)
        self.confirmations = confirmations
        self.expected_chain_id = expected_chain_id
        self._chain_checked = expected_chain_id is None

    async def _check_chain(self) -> None:
        """Once per verifier: the endpoint must serve the configured chain (a BSC URL under id 1 is refused).

        This checks configuration, not an answer, so remembering a successful check is not caching.
        """
        if self._chain_checked:
            return
        served = parse_quantity(await self.endpoint.json_rpc("eth_chainId", []))
        if served != self.expected_chain_id:
            raise WrongChain(f"{self.name} serves chain id {served}, configured for {self.expected_chain_id}")
        self._chain_checked = True

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        if not is_address(auth_method.contract_id):
            raise InvalidRequest(f"EVM contract id {auth_method.contract_id!r} is not an address")
        data = encode_hot_verify(
            auth_method.method_name(), require_hash32(msg_hash), key_id.encode(), user_payload,
            (auth_method.metadata or "").encode(),
        )
        await self._check_chain()
        head = parse_quantity(await self.endpoint.json_rpc("eth_blockNumber", []))
        block = max(0, head - self.confirmations)
        call = {"to": to_checksum_address(auth_method.contract_id), "data": data}
        result = await self.endpoint.json_rpc("eth_call", [call, hex(block)])
        return Verdict.of_bool(decode_bool_word(result), self.name)
