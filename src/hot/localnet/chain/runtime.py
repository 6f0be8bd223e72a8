"""Execute transactions: validate, then run the receipt tree, each receipt atomic on its own.

A receipt runs in its own overlay: if any action fails, that receipt's changes are dropped and its
outcome is a `Failure` (NEAR semantics: earlier receipts, and the nonce and fees, stay).
"""

from __future__ import annotations

import json
from typing import Any

import base58
from hot.localnet.chain import accounts
from hot.near.actions import (
    AddKey,
    CreateAccount,
    DeleteAccount,
    DeleteKey,
    DeployContract,
    FunctionCall,
    Stake,
    Transfer,
    action_json,
)
from hot.wire.errors import ActionFailure, ContractDefinitionError
from hot.localnet.chain.executor import CallFailed, ContractExecutor
from hot.localnet.chain.loader import code_hash, load_contract_class
from hot.localnet.chain.receipts import (
    Receipt,
    execution_outcome,
    receipt_id,
    success_value,
)
from hot.localnet.chain.state import (
    Overlay,
    access_key_key,
    code_key,
    data_prefix,
    keys_prefix,
)
from hot.near.transaction import SignedTransaction
from hot.localnet.chain.validation import (
    ACTION_BASE_GAS,
    GAS_PRICE,
    access_key_of,
    put_access_key,
    verify_and_charge,
)
from hot.sdk.contract.context import BlockInfo, PromiseCall

MAX_RECEIPTS_PER_TX = 64
REGISTRAR_ACCOUNTS = frozenset({"registrar", "near", "test"})


class Runtime:
    """Applies signed transactions to a block overlay and returns NEAR's FinalExecutionOutcome."""

    def __init__(self, executor: ContractExecutor | None = None, root_account: str = "test.near") -> None:
        self.executor = executor or ContractExecutor()
        self.root_account = root_account

    def apply_transaction(self, block_state: Overlay, stx: SignedTransaction, block: BlockInfo,
                          block_hash: str, known_block: bool) -> dict[str, Any]:
        tx = stx.transaction
        tx_state = Overlay(block_state)
        tx_gas = verify_and_charge(tx_state, stx, known_block)  # InvalidTransaction: nothing changed
        tx_hash = stx.hash
        first = Receipt(receipt_id(tx_hash, 0), tx.signer_id, tx.receiver_id, tx.signer_id, str(tx.public_key),
                        list(tx.actions))
        queue, outcomes, receipts_json, contract_gas = [first], [], [], 0
        ran: dict[str, tuple[dict[str, Any], Receipt]] = {}
        while queue:
            receipt = queue.pop(0)
            receipts_json.append(receipt.to_json())
            outcome, children, gas = self._run_receipt(tx_state, receipt, block, block_hash, tx_hash,
                                                       len(outcomes) + len(queue) + 1)
            contract_gas += gas
            queue.extend(children)
            outcomes.append(outcome)
            ran[receipt.receipt_id] = (outcome, receipt)
            if len(outcomes) + len(queue) > MAX_RECEIPTS_PER_TX:
                break
        burnt = min(contract_gas * GAS_PRICE, accounts.balance(accounts.get_account(tx_state, tx.signer_id) or
                                                               accounts.new_account()))
        if burnt and accounts.get_account(tx_state, tx.signer_id) is not None:
            accounts.add_balance(tx_state, tx.signer_id, -burnt)
        block_state.changes.update(tx_state.changes)
        return {
            "status": _final_status(first.receipt_id, ran),
            "transaction": {"signer_id": tx.signer_id, "public_key": str(tx.public_key), "nonce": tx.nonce,
                            "receiver_id": tx.receiver_id, "actions": [action_json(a) for a in tx.actions],
                            "signature": str(stx.signature), "hash": stx.hash_b58, "priority_fee": 0},
            "transaction_outcome": execution_outcome(stx.hash_b58, block_hash, tx.signer_id,
                                                     {"SuccessReceiptId": first.receipt_id},
                                                     receipt_ids=[first.receipt_id], gas_burnt=tx_gas,
                                                     gas_price=GAS_PRICE, version=1),
            "receipts_outcome": outcomes,
            "receipts": receipts_json,
            "final_execution_status": "FINAL",
        }

    def _run_receipt(self, tx_state: Overlay, receipt: Receipt, block: BlockInfo, block_hash: str, tx_hash: bytes,
                     next_index: int) -> tuple[dict[str, Any], list[Receipt], int]:
        state = Overlay(tx_state)
        logs: list[str] = []
        children: list[Receipt] = []
        gas = ACTION_BASE_GAS * len(receipt.actions)
        try:
            value, promises, call_gas, returned = self._apply_actions(state, receipt, block, logs)
            gas += call_gas
            children = self._promise_receipts(receipt, promises, tx_hash, next_index)
            state.merge()
            status: dict[str, Any] = success_value(value)
            result: tuple[bool, Any] = (True, json.loads(value) if value else None)
            if returned is not None:  # the call's value is the returned promise's (NEAR's SuccessReceiptId)
                status = {"SuccessReceiptId": children[[id(p) for p in promises].index(id(returned))].receipt_id}
        except ActionFailure as failure:
            status = {"Failure": failure.to_json()}
            result = (False, None)
            gas += getattr(failure, "gas_used", 0)
        if receipt.callback is not None:
            cb = receipt.callback
            # The callback's predecessor is the contract that created the promise (NEAR semantics),
            # so `@call(private=True)` callbacks accept it.
            children.append(Receipt(receipt_id(tx_hash, next_index + len(children)), cb.receiver_id,
                                    cb.receiver_id, receipt.signer_id, receipt.signer_public_key,
                                    [FunctionCall(cb.method_name, cb.args, cb.gas, 0)], cb.callback, [result]))
            receipt.callback_receipt_id = children[-1].receipt_id
        outcome = execution_outcome(receipt.receipt_id, block_hash, receipt.receiver_id, status, logs=logs,
                                    receipt_ids=[c.receipt_id for c in children], gas_burnt=gas, gas_price=GAS_PRICE)
        return outcome, children, gas

    def _promise_receipts(self, parent: Receipt, promises: list[PromiseCall], tx_hash: bytes,
                          next_index: int) -> list[Receipt]:
        made = []
        for promise in promises:
            action: Any = (Transfer(promise.deposit) if not promise.method_name else
                           FunctionCall(promise.method_name, promise.args, promise.gas, promise.deposit))
            made.append(Receipt(receipt_id(tx_hash, next_index + len(made)), parent.receiver_id, promise.receiver_id,
                                parent.signer_id, parent.signer_public_key, [action], promise.callback))
        return made

    def _apply_actions(self, state: Overlay, receipt: Receipt, block: BlockInfo,
                       logs: list[str]) -> tuple[bytes, list[PromiseCall], int, PromiseCall | None]:
        value, promises, gas, returned = b"", [], 0, None
        created = False
        for index, action in enumerate(receipt.actions):
            try:
                if isinstance(action, CreateAccount):
                    self._create_account(state, receipt)
                    created = True
                    continue
                if accounts.get_account(state, receipt.receiver_id) is None:
                    raise ActionFailure({"AccountDoesNotExist": {"account_id": receipt.receiver_id}})
                if isinstance(action, Transfer):
                    self._move(state, receipt.predecessor_id, receipt.receiver_id, action.deposit)
                elif isinstance(action, FunctionCall):
                    value, new_promises, call_gas, returned = self._function_call(state, receipt, action, block,
                                                                                  logs)
                    promises.extend(new_promises)
                    gas += call_gas
                else:
                    if receipt.predecessor_id != receipt.receiver_id and not created:
                        raise ActionFailure({"ActorNoPermission": {"account_id": receipt.receiver_id,
                                                                   "actor_id": receipt.predecessor_id}})
                    self._account_action(state, receipt, action, block)
            except ActionFailure as failure:
                failure.index = index
                raise
        self._check_storage_stake(state, receipt.receiver_id)
        return value, promises, gas, returned

    def _create_account(self, state: Overlay, receipt: Receipt) -> None:
        new_id, creator = receipt.receiver_id, receipt.predecessor_id
        if not accounts.valid_account_id(new_id):
            raise ActionFailure({"CreateAccountNotAllowed": {"account_id": new_id, "predecessor_id": creator}},
                                f"invalid account id {new_id!r}")
        if accounts.get_account(state, new_id) is not None:
            raise ActionFailure({"AccountAlreadyExists": {"account_id": new_id}})
        # NEAR's rule: only the parent account creates sub-accounts; top-level names come from the
        # registrar. On this localnet the root account acts as registrar as well.
        top_level = "." not in new_id
        allowed = new_id.endswith("." + creator) or creator in REGISTRAR_ACCOUNTS or creator == self.root_account
        if not allowed or (top_level and creator not in REGISTRAR_ACCOUNTS and creator != self.root_account):
            raise ActionFailure({"CreateAccountNotAllowed": {"account_id": new_id, "predecessor_id": creator}})
        accounts.put_account(state, new_id, accounts.new_account())

    def _move(self, state: Overlay, sender: str, receiver: str, amount: int) -> None:
        if amount == 0:
            return
        sender_record = accounts.get_account(state, sender)
        if sender_record is None or accounts.balance(sender_record) < amount:
            raise ActionFailure({"LackBalanceForState": {"account_id": sender, "amount": str(amount)}},
                                f"{sender} cannot pay {amount}")
        accounts.add_balance(state, sender, -amount)
        accounts.add_balance(state, receiver, amount)

    def _function_call(self, state: Overlay, receipt: Receipt, action: FunctionCall, block: BlockInfo,
                       logs: list[str]) -> tuple[bytes, list[PromiseCall], int, PromiseCall | None]:
        self._move(state, receipt.predecessor_id, receipt.receiver_id, action.deposit)
        try:
            result = self.executor.run(state, account_id=receipt.receiver_id, method=action.method_name,
                                       args=action.args, predecessor=receipt.predecessor_id, signer=receipt.signer_id,
                                       signer_pk=receipt.signer_public_key, deposit=action.deposit, gas=action.gas,
                                       block=block, read_only=False, promise_results=receipt.promise_results)
        except CallFailed as failed:
            logs.extend(failed.logs)
            failure = ActionFailure(failed.kind, failed.vm_error)
            failure.gas_used = failed.gas_used  # type: ignore[attr-defined]
            raise failure from failed
        logs.extend(result.logs)
        accounts.add_storage(state, receipt.receiver_id, result.storage_delta)
        return result.value, result.promises, result.gas_used, result.returned_promise

    def _check_storage_stake(self, state: Overlay, account_id: str) -> None:
        record = accounts.get_account(state, account_id)
        if record is not None and accounts.storage_shortfall(record):
            raise ActionFailure({"LackBalanceForState": {"account_id": account_id,
                                                         "amount": str(accounts.storage_shortfall(record))}},
                                f"{account_id} lacks {accounts.storage_shortfall(record)} yoctoNEAR for storage")

    def _account_action(self, state: Overlay, receipt: Receipt, action: Any, block: BlockInfo) -> None:
        account_id = receipt.receiver_id
        if isinstance(action, DeployContract):
            self._deploy(state, account_id, action.code)
        elif isinstance(action, AddKey):
            if access_key_of(state, account_id, action.public_key) is not None:
                raise ActionFailure({"AddKeyAlreadyExists": {"account_id": account_id,
                                                             "public_key": str(action.public_key)}})
            # NEAR starts a new key's nonce at height * 1e6 so a deleted-and-re-added key cannot replay.
            key = type(action.access_key)(block.height * 1_000_000, action.access_key.permission)
            put_access_key(state, account_id, action.public_key, key)
            accounts.add_storage(state, account_id, len(action.public_key.data) + 1 + 100)
        elif isinstance(action, DeleteKey):
            if access_key_of(state, account_id, action.public_key) is None:
                raise ActionFailure({"DeleteKeyDoesNotExist": {"account_id": account_id,
                                                               "public_key": str(action.public_key)}})
            state.delete(access_key_key(account_id, bytes([action.public_key.key_type]) + action.public_key.data))
            accounts.add_storage(state, account_id, -(len(action.public_key.data) + 1 + 100))
        elif isinstance(action, DeleteAccount):
            self._delete_account(state, account_id, action.beneficiary_id)
        elif isinstance(action, Stake):
            raise ActionFailure({"UnsupportedAction": "Stake"}, "staking is not modelled on this localnet")

    def _deploy(self, state: Overlay, account_id: str, code: bytes) -> None:
        try:
            load_contract_class(code, account_id)  # refuse code that cannot run, at deploy time
        except ContractDefinitionError as exc:
            raise ActionFailure({"FunctionCallError": {"CompilationError": {"PrepareError": str(exc)}}}, str(exc)) from exc
        old = state.get(code_key(account_id))
        state.put(code_key(account_id), code)
        record = accounts.get_account(state, account_id)
        assert record is not None
        record["code_hash"] = base58.b58encode(code_hash(code)).decode()
        record["storage_usage"] = int(record["storage_usage"]) + len(code) - (len(old) if old else 0)
        accounts.put_account(state, account_id, record)

    def _delete_account(self, state: Overlay, account_id: str, beneficiary_id: str) -> None:
        record = accounts.get_account(state, account_id)
        assert record is not None
        if accounts.get_account(state, beneficiary_id) is None:
            raise ActionFailure({"AccountDoesNotExist": {"account_id": beneficiary_id}})
        remaining = accounts.balance(record)
        for prefix in (keys_prefix(account_id), data_prefix(account_id)):
            for key in state.keys_with_prefix(prefix):
                state.delete(key)
        state.delete(code_key(account_id))
        state.delete(accounts.account_key(account_id))
        accounts.add_balance(state, beneficiary_id, remaining)


def _final_status(first_id: str, ran: dict[str, tuple[dict[str, Any], Receipt]]) -> dict[str, Any]:
    """The transaction's status: the first receipt's, following returned promises (and their
    callbacks) to the receipt whose value the caller gets, as NEAR's FinalExecutionOutcome does."""
    status: dict[str, Any] = ran[first_id][0]["outcome"]["status"]
    for _ in range(MAX_RECEIPTS_PER_TX):
        target = status.get("SuccessReceiptId")
        if target is None or target not in ran:
            return status
        next_id = ran[target][1].callback_receipt_id or target
        if next_id not in ran:
            return status
        status = ran[next_id][0]["outcome"]["status"]
    return status
