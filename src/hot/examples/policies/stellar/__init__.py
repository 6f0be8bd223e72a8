"""Example Stellar policy: a Python model of a Soroban contract that allows owner-approved hashes.

The Soroban contract it models (Rust, soroban-sdk)::

    #[contractimpl]
    impl ApprovedMessages {
        pub fn __constructor(env: Env, owner: Address) { env.storage().instance().set(&OWNER, &owner) }
        pub fn approve(env: Env, msg_hash: BytesN<32>) {
            let owner: Address = env.storage().instance().get(&OWNER).unwrap();
            owner.require_auth();
            env.storage().persistent().set(&(APPROVED, msg_hash), &true);
        }
        pub fn hot_verify(env: Env, msg_hash: BytesN<32>, _wallet_id: Bytes, _user_payload: Bytes,
                          _metadata: Bytes) -> bool {
            env.storage().persistent().get(&(APPROVED, msg_hash)).unwrap_or(false)
        }
    }
"""

from __future__ import annotations

from hot.localnet.rpc.soroban.models import ContractTrap, Invocation
from stellar_sdk import scval, xdr

ERR_BAD_ARGS = 1


class ApprovedMessages:
    """`hot_verify` is true only for a 32-byte hash the owner approved in an earlier transaction."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def invoke(self, call: Invocation) -> xdr.SCVal:
        if call.function == "approve":
            msg_hash = _hash_arg(call.args, expected=1)
            call.require_auth(self.owner)
            call.storage.set(_approved_key(msg_hash), scval.to_bool(True))
            return scval.to_void()
        if call.function == "hot_verify":
            msg_hash = _hash_arg(call.args, expected=4)
            if not all(a.type == xdr.SCValType.SCV_BYTES for a in call.args[1:]):
                raise ContractTrap(ERR_BAD_ARGS, "wallet_id, user_payload and metadata must be Bytes")
            return scval.to_bool(call.storage.get(_approved_key(msg_hash)) is not None)
        if call.function == "owner":
            return scval.to_address(self.owner)
        raise ContractTrap(ERR_BAD_ARGS, f"no function {call.function}")


def _hash_arg(args: list[xdr.SCVal], *, expected: int) -> bytes:
    if len(args) != expected or args[0].type != xdr.SCValType.SCV_BYTES or len(args[0].bytes.sc_bytes) != 32:
        raise ContractTrap(ERR_BAD_ARGS, f"expected {expected} arguments, the first a 32-byte hash")
    return bytes(args[0].bytes.sc_bytes)


def _approved_key(msg_hash: bytes) -> xdr.SCVal:
    return scval.to_vec([scval.to_symbol("Approved"), scval.to_bytes(msg_hash)])
