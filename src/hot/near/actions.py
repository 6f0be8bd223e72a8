"""NEAR transaction actions: borsh decoding/encoding and their RPC JSON form.

These are the project's one set of NEAR action types: clients build them, the localnet decodes
them. Enum tags follow nearcore: 0 CreateAccount, 1 DeployContract, 2 FunctionCall, 3 Transfer,
4 Stake, 5 AddKey, 6 DeleteKey, 7 DeleteAccount. Delegate (8) and the global-contract actions are
refused as unsupported. Numbers above 2^53 (deposits, allowances) are strings in JSON, as in NEAR.
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

from hot.near.borsh import BorshReader, BorshWriter
from hot.near.keys import PublicKey
from hot.wire.errors import EncodingError, UnsupportedAction

MAX_METHOD_NAMES = 64
# nearcore's later action kinds: well-formed NEAR, but not read here (their bodies nest actions or
# name chain state that the transaction bytes alone do not show).
UNSUPPORTED_ACTIONS = {8: "Delegate", 9: "DeployGlobalContract", 10: "UseGlobalContract", 11: "DeterministicStateInit"}


@dataclasses.dataclass(frozen=True)
class CreateAccount:
    pass


@dataclasses.dataclass(frozen=True)
class DeployContract:
    code: bytes


@dataclasses.dataclass(frozen=True)
class FunctionCall:
    method_name: str
    args: bytes
    gas: int
    deposit: int


@dataclasses.dataclass(frozen=True)
class Transfer:
    deposit: int


@dataclasses.dataclass(frozen=True)
class Stake:
    stake: int
    public_key: PublicKey


@dataclasses.dataclass(frozen=True)
class FunctionCallPermission:
    allowance: int | None
    receiver_id: str
    method_names: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class AccessKey:
    nonce: int
    permission: FunctionCallPermission | None  # None = FullAccess

    def to_json(self) -> dict[str, Any]:
        if self.permission is None:
            return {"nonce": self.nonce, "permission": "FullAccess"}
        p = self.permission
        return {"nonce": self.nonce, "permission": {"FunctionCall": {
            "allowance": None if p.allowance is None else str(p.allowance),
            "receiver_id": p.receiver_id, "method_names": list(p.method_names)}}}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> AccessKey:
        perm = obj["permission"]
        if perm == "FullAccess":
            return cls(int(obj["nonce"]), None)
        fc = perm["FunctionCall"]
        allowance = None if fc["allowance"] is None else int(fc["allowance"])
        return cls(int(obj["nonce"]), FunctionCallPermission(allowance, fc["receiver_id"], tuple(fc["method_names"])))


@dataclasses.dataclass(frozen=True)
class AddKey:
    public_key: PublicKey
    access_key: AccessKey


@dataclasses.dataclass(frozen=True)
class DeleteKey:
    public_key: PublicKey


@dataclasses.dataclass(frozen=True)
class DeleteAccount:
    beneficiary_id: str


Action = CreateAccount | DeployContract | FunctionCall | Transfer | Stake | AddKey | DeleteKey | DeleteAccount
# nearcore's snake_case names of the action kinds (as policies and logs name them)
ACTION_NAMES: dict[type, str] = {
    CreateAccount: "create_account", DeployContract: "deploy_contract", FunctionCall: "function_call",
    Transfer: "transfer", Stake: "stake", AddKey: "add_key", DeleteKey: "delete_key", DeleteAccount: "delete_account"}


def _read_access_key(r: BorshReader) -> AccessKey:
    nonce = r.u64()
    tag = r.u8()
    if tag == 1:
        return AccessKey(nonce, None)
    if tag != 0:
        raise EncodingError(f"unknown access key permission {tag}")
    allowance = r.u128() if r.option() else None
    receiver_id = r.string()
    names = tuple(r.string() for _ in range(r.vec_len(MAX_METHOD_NAMES)))
    return AccessKey(nonce, FunctionCallPermission(allowance, receiver_id, names))


def read_action(r: BorshReader) -> Action:
    tag = r.u8()
    if tag == 0:
        return CreateAccount()
    if tag == 1:
        return DeployContract(r.bytes_())
    if tag == 2:
        return FunctionCall(r.string(), r.bytes_(), r.u64(), r.u128())
    if tag == 3:
        return Transfer(r.u128())
    if tag == 4:
        return Stake(r.u128(), PublicKey.read(r))
    if tag == 5:
        return AddKey(PublicKey.read(r), _read_access_key(r))
    if tag == 6:
        return DeleteKey(PublicKey.read(r))
    if tag == 7:
        return DeleteAccount(r.string())
    if tag in UNSUPPORTED_ACTIONS:
        raise UnsupportedAction(f"{UNSUPPORTED_ACTIONS[tag]} actions (tag {tag}) are not supported")
    raise EncodingError(f"unknown action tag {tag}")


def write_action(w: BorshWriter, action: Action) -> None:
    if isinstance(action, CreateAccount):
        w.u8(0)
    elif isinstance(action, DeployContract):
        w.u8(1).bytes_(action.code)
    elif isinstance(action, FunctionCall):
        w.u8(2).string(action.method_name).bytes_(action.args).u64(action.gas).u128(action.deposit)
    elif isinstance(action, Transfer):
        w.u8(3).u128(action.deposit)
    elif isinstance(action, Stake):
        w.u8(4).u128(action.stake)
        action.public_key.write(w)
    elif isinstance(action, AddKey):
        w.u8(5)
        action.public_key.write(w)
        w.u64(action.access_key.nonce)
        perm = action.access_key.permission
        if perm is None:
            w.u8(1)
        else:
            w.u8(0)
            if perm.allowance is None:
                w.u8(0)
            else:
                w.u8(1).u128(perm.allowance)
            w.string(perm.receiver_id).u32(len(perm.method_names))
            for name in perm.method_names:
                w.string(name)
    elif isinstance(action, DeleteKey):
        w.u8(6)
        action.public_key.write(w)
    elif isinstance(action, DeleteAccount):
        w.u8(7).string(action.beneficiary_id)
    else:
        raise EncodingError(f"cannot encode {action!r}")


def action_json(action: Action) -> Any:
    """The action as NEAR's RPC shows it in `transaction.actions`."""
    if isinstance(action, CreateAccount):
        return "CreateAccount"
    if isinstance(action, DeployContract):
        return {"DeployContract": {"code": base64.b64encode(action.code[:0]).decode()}}
    if isinstance(action, FunctionCall):
        return {"FunctionCall": {"method_name": action.method_name, "args": base64.b64encode(action.args).decode(),
                                 "gas": action.gas, "deposit": str(action.deposit)}}
    if isinstance(action, Transfer):
        return {"Transfer": {"deposit": str(action.deposit)}}
    if isinstance(action, Stake):
        return {"Stake": {"stake": str(action.stake), "public_key": str(action.public_key)}}
    if isinstance(action, AddKey):
        return {"AddKey": {"public_key": str(action.public_key), "access_key": action.access_key.to_json()}}
    if isinstance(action, DeleteKey):
        return {"DeleteKey": {"public_key": str(action.public_key)}}
    return {"DeleteAccount": {"beneficiary_id": action.beneficiary_id}}
