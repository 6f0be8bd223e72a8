"""Solana adapter: an approval is an account the owner created in a real SVM transaction.

Policy ("seeded approval account"): the key owner approves `msg_hash` by sending a System
Program `create_account_with_seed` transaction with `base = owner`, `seed = <method name>`
(`hot_verify` by default) and `owner program = Pubkey(msg_hash)`. The System Program creates an
account at `create_with_seed(owner, seed, Pubkey(msg_hash))` only if `owner` signed, so an account
at that address owned by `Pubkey(msg_hash)` is an on-chain approval of exactly that hash. The
node reads it with `getAccountInfo` at `finalized` commitment: a state read every Solana RPC node
answers the same way, needing no transaction-history index (which `getSignaturesForAddress` on a
memo would need). The auth method's `contract_id` is the owner's base58 public key.
"""

from __future__ import annotations

from hot.mpc.chains.base import AuthMethod, Verdict, require_hash32
from hot.wire.errors import InvalidRequest, MalformedAnswer
from hot.mpc.chains.transport import EndpointVerifier
from solders.pubkey import Pubkey

MAX_SEED_LEN = 32  # the System Program's limit on create_with_seed seeds
COMMITMENT = "finalized"


def approval_address(owner: Pubkey, msg_hash: bytes, seed: str = "hot_verify") -> Pubkey:
    """Where the owner's approval of `msg_hash` lives (System Program `create_with_seed`)."""
    if not seed or len(seed.encode()) > MAX_SEED_LEN:
        raise InvalidRequest(f"seed {seed!r} must be 1..{MAX_SEED_LEN} bytes")
    return Pubkey.create_with_seed(owner, seed, Pubkey(require_hash32(msg_hash)))


def parse_owner(contract_id: str) -> Pubkey:
    try:
        return Pubkey.from_string(contract_id)
    except ValueError as exc:
        raise InvalidRequest(f"Solana contract id {contract_id!r} is not a base58 public key") from exc


def approval_in_account_info(result: object, msg_hash: bytes) -> bool:
    """True iff getAccountInfo shows a funded account owned by Pubkey(msg_hash); shapes are checked."""
    if not isinstance(result, dict) or not isinstance(result.get("context"), dict) or "value" not in result:
        raise MalformedAnswer("getAccountInfo result must be {context, value}")
    slot = result["context"].get("slot")
    if not isinstance(slot, int) or isinstance(slot, bool):
        raise MalformedAnswer("getAccountInfo context.slot must be an integer")
    account = result["value"]
    if account is None:
        return False
    if not isinstance(account, dict):
        raise MalformedAnswer("getAccountInfo value must be an account object or null")
    owner, lamports = account.get("owner"), account.get("lamports")
    if not isinstance(owner, str) or not isinstance(lamports, int) or isinstance(lamports, bool):
        raise MalformedAnswer("account must carry a string owner and integer lamports")
    data = account.get("data")
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(p, str) for p in data)):
        raise MalformedAnswer("account data must be [payload, encoding]")
    return owner == str(Pubkey(msg_hash)) and lamports > 0


class SolanaVerifier(EndpointVerifier):
    """One Solana JSON-RPC endpoint."""

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        address = approval_address(parse_owner(auth_method.contract_id), msg_hash, auth_method.method_name())
        config = {"encoding": "base64", "commitment": COMMITMENT}
        result = await self.endpoint.json_rpc("getAccountInfo", [str(address), config])
        return Verdict.of_bool(approval_in_account_info(result, msg_hash), self.name)
