"""Transaction validation before execution (NEAR's `InvalidTxError` checks), and fee charging.

Order follows nearcore's `verify_and_charge_transaction`: size, signature, block hash, signer,
access key, nonce, access-key permission, balance. Any failure raises `InvalidTransaction` and
the transaction leaves no trace; success bumps the nonce and burns the base fee.
"""

from __future__ import annotations

import json
from typing import Any

from hot.localnet.chain import accounts
from hot.near.actions import AccessKey, FunctionCall, Transfer
from hot.wire.errors import InvalidTransaction
from hot.localnet.chain.state import Overlay, access_key_key
from hot.near.transaction import SignedTransaction

GAS_PRICE = 100_000_000  # yoctoNEAR per gas, NEAR's minimum gas price
TX_BASE_GAS = 2_428_000_000_000  # about NEAR's cost of converting a transaction to a receipt
ACTION_BASE_GAS = 100_000_000_000
MAX_PREPAID_GAS = 300 * 10**12
MAX_TX_BYTES = 1_572_864  # NEAR's max_transaction_size (1.5 MiB)


def access_key_of(state: Overlay, account_id: str, public_key: Any) -> AccessKey | None:
    raw = state.get(access_key_key(account_id, bytes([public_key.key_type]) + public_key.data))
    return None if raw is None else AccessKey.from_json(json.loads(raw))


def put_access_key(state: Overlay, account_id: str, public_key: Any, key: AccessKey) -> None:
    state.put_json(access_key_key(account_id, bytes([public_key.key_type]) + public_key.data), key.to_json())


def prepaid_gas(stx: SignedTransaction) -> int:
    return sum(a.gas for a in stx.transaction.actions if isinstance(a, FunctionCall))


def attached_deposit(stx: SignedTransaction) -> int:
    return sum(a.deposit for a in stx.transaction.actions if isinstance(a, (FunctionCall, Transfer)))


def base_gas(stx: SignedTransaction) -> int:
    return TX_BASE_GAS + ACTION_BASE_GAS * len(stx.transaction.actions)


def _check_permission(stx: SignedTransaction, key: AccessKey, fee: int) -> None:
    perm = key.permission
    if perm is None:
        return
    tx = stx.transaction
    if len(tx.actions) != 1 or not isinstance(tx.actions[0], FunctionCall):
        raise InvalidTransaction({"InvalidAccessKeyError": "RequiresFullAccess"})
    call = tx.actions[0]
    if call.deposit:
        raise InvalidTransaction({"InvalidAccessKeyError": "DepositWithFunctionCall"})
    if tx.receiver_id != perm.receiver_id:
        raise InvalidTransaction({"InvalidAccessKeyError": {"ReceiverMismatch": {
            "tx_receiver": tx.receiver_id, "ak_receiver": perm.receiver_id}}})
    if perm.method_names and call.method_name not in perm.method_names:
        raise InvalidTransaction({"InvalidAccessKeyError": {"MethodNameMismatch": {"method_name": call.method_name}}})
    if perm.allowance is not None and fee > perm.allowance:
        raise InvalidTransaction({"InvalidAccessKeyError": {"NotEnoughAllowance": {
            "account_id": tx.signer_id, "public_key": str(tx.public_key),
            "allowance": str(perm.allowance), "cost": str(fee)}}})


def verify_and_charge(state: Overlay, stx: SignedTransaction, known_block: bool) -> int:
    """Check the transaction; bump the key's nonce and burn the base fee. Returns the gas burnt."""
    tx = stx.transaction
    if stx.size > MAX_TX_BYTES:
        raise InvalidTransaction({"TransactionSizeExceeded": {"size": stx.size, "limit": MAX_TX_BYTES}})
    if not stx.signature_valid():
        raise InvalidTransaction("InvalidSignature")
    if not known_block:
        raise InvalidTransaction("Expired", "transaction refers to an unknown block hash")
    if prepaid_gas(stx) > MAX_PREPAID_GAS:
        raise InvalidTransaction({"ActionsValidation": {"TotalPrepaidGasExceeded": {
            "total_prepaid_gas": prepaid_gas(stx), "limit": MAX_PREPAID_GAS}}})
    signer = accounts.get_account(state, tx.signer_id)
    if signer is None:
        raise InvalidTransaction({"SignerDoesNotExist": {"signer_id": tx.signer_id}})
    key = access_key_of(state, tx.signer_id, tx.public_key)
    if key is None:
        raise InvalidTransaction({"InvalidAccessKeyError": {"AccessKeyNotFound": {
            "account_id": tx.signer_id, "public_key": str(tx.public_key)}}})
    if tx.nonce <= key.nonce:
        raise InvalidTransaction({"InvalidNonce": {"tx_nonce": tx.nonce, "ak_nonce": key.nonce}})
    gas = base_gas(stx)
    fee = gas * GAS_PRICE
    _check_permission(stx, key, fee + prepaid_gas(stx) * GAS_PRICE)
    cost = fee + prepaid_gas(stx) * GAS_PRICE + attached_deposit(stx)
    if accounts.balance(signer) < cost:
        raise InvalidTransaction({"NotEnoughBalance": {"signer_id": tx.signer_id,
                                                       "balance": signer["amount"], "cost": str(cost)}})
    charge_key(state, stx, key, fee)
    accounts.add_balance(state, tx.signer_id, -fee)
    return gas


def charge_key(state: Overlay, stx: SignedTransaction, key: AccessKey, fee: int) -> None:
    """Store the new nonce (and spend a function-call key's allowance)."""
    perm = key.permission
    if perm is not None and perm.allowance is not None:
        perm = type(perm)(perm.allowance - fee, perm.receiver_id, perm.method_names)
    put_access_key(state, stx.transaction.signer_id, stx.transaction.public_key, AccessKey(stx.transaction.nonce, perm))
