"""Stellar adapter: Soroban `simulateTransaction` of an `InvokeHostFunction` that returns an SCVal bool.

The node builds an unsigned envelope invoking `<method>(msg_hash: Bytes(32), wallet_id: Bytes,
user_payload: Bytes, metadata: Bytes)` (the same four arguments as the EVM ABI) from a fixed,
keyless source account; simulation needs no signature or sequence, and writes nothing. The
answer must be exactly one result whose XDR is `SCV_BOOL`; anything else is `MalformedAnswer`,
and a simulation `error` (a contract trap, a missing contract) is `PolicyCallFailed`.
"""

from __future__ import annotations

from hot.mpc.chains.base import AuthMethod, Verdict, require_hash32
from hot.wire.errors import InvalidRequest, MalformedAnswer, PolicyCallFailed
from hot.mpc.chains.transport import EndpointVerifier
from stellar_sdk import Account, Keypair, StrKey, TransactionBuilder, scval, xdr

# A source account no one holds a key for (all-zero ed25519 key); simulation does not check it.
SIMULATION_SOURCE = Keypair.from_raw_ed25519_public_key(bytes(32)).public_key
SIMULATION_PASSPHRASE = "hot simulation"  # only affects the envelope hash, which simulation ignores


def simulation_envelope(contract_id: str, method: str, msg_hash: bytes, key_id: str, user_payload: bytes, metadata: str | None) -> str:
    """Base64 XDR of an unsigned InvokeHostFunction envelope calling the policy."""
    if not StrKey.is_valid_contract(contract_id):
        raise InvalidRequest(f"Stellar contract id {contract_id!r} is not a C... contract address")
    args = [scval.to_bytes(require_hash32(msg_hash)), scval.to_bytes(key_id.encode()), scval.to_bytes(user_payload),
            scval.to_bytes((metadata or "").encode())]
    builder = TransactionBuilder(Account(SIMULATION_SOURCE, 0), SIMULATION_PASSPHRASE, base_fee=100)
    builder.append_invoke_contract_function_op(contract_id, method, args).set_timeout(30)
    return builder.build().to_xdr()


def bool_from_simulation(result: object) -> bool:
    """The single SCV_BOOL result of a simulation; errors and every other shape are typed failures."""
    if not isinstance(result, dict) or not isinstance(result.get("latestLedger"), int):
        raise MalformedAnswer("simulateTransaction result must be an object with an integer latestLedger")
    if result.get("error"):
        raise PolicyCallFailed(f"Soroban simulation failed: {result['error']}")
    results = result.get("results")
    if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], dict):
        raise MalformedAnswer("simulateTransaction must return exactly one host-function result")
    encoded = results[0].get("xdr")
    if not isinstance(encoded, str):
        raise MalformedAnswer("host-function result xdr must be a base64 string")
    try:
        value = xdr.SCVal.from_xdr(encoded)
    except Exception as exc:  # the XDR decoder raises several error types on truncated input
        raise MalformedAnswer(f"host-function result is not SCVal XDR: {exc}") from exc
    if value.type != xdr.SCValType.SCV_BOOL or value.b is None:
        raise MalformedAnswer(f"policy returned {value.type.name}, expected SCV_BOOL")
    return bool(value.b)


class StellarVerifier(EndpointVerifier):
    """One Soroban RPC endpoint."""

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        envelope = simulation_envelope(auth_method.contract_id, auth_method.method_name(), msg_hash, key_id,
                                       user_payload, auth_method.metadata)
        result = await self.endpoint.json_rpc("simulateTransaction", {"transaction": envelope})
        return Verdict.of_bool(bool_from_simulation(result), self.name)
