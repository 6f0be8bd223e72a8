"""NEAR pre-images: a borsh `Transaction`; the key signs `sha256(borsh(tx))`, which is msg_hash.

Transfers: each `Transfer` action, each function call's attached deposit, and NEP-141
`ft_transfer` / `ft_transfer_call` (token = the receiver contract, amount from the JSON args).
Everything the transaction does besides a plain transfer is in `calls`: function calls by
method name, and account actions as `action:<name>` (`action:add_key`, `action:delete_account`,
whose beneficiary takes the whole balance, `action:deploy_contract`...), so a transfer-only
policy refuses an account takeover by default. Delegate and global-contract actions are
UnsupportedTransaction (nested actions / chain state the pre-image does not show).

The bytes are read by hot.near's strict borsh decoder, the same one the localnet validates
transactions with (one NEAR transaction format in the project, checked byte for byte against
py-near's own encoder in the tests).
"""

from __future__ import annotations

import json
from typing import Any

import base58
from hot.near.actions import ACTION_NAMES, Action, FunctionCall
from hot.near.actions import Transfer as TransferAction
from hot.near.borsh import BorshReader
from hot.near.transaction import Transaction, read_transaction
from hot.sdk.hostcrypto import sha256
from hot.sdk.policies.decode.model import NATIVE, ContractCall, DecodedRequest, Transfer, require_hash
from hot.wire.errors import EncodingError, MalformedTransaction, UnsupportedAction, UnsupportedTransaction

CHAIN = "near"
NEP141_TRANSFERS = ("ft_transfer", "ft_transfer_call")


def decode_near(preimage: bytes, msg_hash: bytes) -> DecodedRequest:
    """Check sha256(preimage) == msg_hash, then decode receiver and actions."""
    require_hash(msg_hash, sha256(preimage), "sha256")
    tx = _parse(preimage)
    signer: str = tx.signer_id
    receiver: str = tx.receiver_id
    transfers: list[Transfer] = []
    calls: list[ContractCall] = []
    for action in tx.actions:
        _collect(signer, receiver, action, transfers, calls)
    raw = {
        "signer_id": signer,
        "public_key": str(tx.public_key),
        "nonce": tx.nonce,
        "receiver_id": receiver,
        "block_hash": base58.b58encode(tx.block_hash).decode(),
        "actions": [ACTION_NAMES[type(a)] for a in tx.actions],
    }
    return DecodedRequest(
        chain=CHAIN, network=None, sender=signer, transfers=tuple(transfers), calls=tuple(calls), raw=raw
    )


def _parse(preimage: bytes) -> Transaction:
    """A borsh V0 `Transaction` (what the key signs the SHA-256 of), every byte accounted for."""
    try:
        reader = BorshReader(preimage)
        tx = read_transaction(reader, v1=False)
        reader.finish()
    except UnsupportedAction as exc:
        raise UnsupportedTransaction("NEAR transaction with a delegate or global-contract action") from exc
    except EncodingError as exc:
        raise MalformedTransaction(f"not a borsh NEAR transaction: {exc}") from exc
    return tx


def _collect(signer: str, receiver: str, action: Action, transfers: list[Transfer], calls: list[ContractCall]) -> None:
    if isinstance(action, TransferAction):
        transfers.append(Transfer(to=receiver, amount=action.deposit, asset=NATIVE, sender=signer))
        return
    if not isinstance(action, FunctionCall):
        calls.append(ContractCall(target=receiver, method=f"action:{ACTION_NAMES[type(action)]}"))
        return
    body = action
    calls.append(ContractCall(target=receiver, method=body.method_name, deposit=body.deposit))
    if body.deposit:
        transfers.append(Transfer(to=receiver, amount=body.deposit, asset=NATIVE, sender=signer))
    if body.method_name in NEP141_TRANSFERS:
        transfers.append(_nep141_transfer(signer, receiver, body.args))


def _nep141_transfer(signer: str, token: str, args: bytes) -> Transfer:
    """NEP-141 `ft_transfer{,_call}` args: {"receiver_id": str, "amount": decimal string}."""
    try:
        parsed = json.loads(args)
        recipient = parsed["receiver_id"]
        amount_text = parsed["amount"]
    except (ValueError, TypeError, KeyError) as exc:
        raise MalformedTransaction(f"bad NEP-141 transfer args: {exc}") from exc
    if (
        not isinstance(recipient, str)
        or not isinstance(amount_text, str)
        or not (amount_text.isascii() and amount_text.isdigit())
    ):
        raise MalformedTransaction("NEP-141 transfer needs a string receiver_id and a decimal string amount")
    return Transfer(to=recipient, amount=int(amount_text), asset=f"nep141:{token}", sender=signer)

