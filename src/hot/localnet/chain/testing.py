"""The in-process chain as a test harness: accounts that send real signed transactions, snapshots, `reverts`.

titanoboa's `boa.env.anchor()` and `boa.reverts` and algopy's test context, over the emulator
(hot.localnet.chain.Chain): `TestChain.create_account`, `LocalAccount.deploy/call/view/transfer`,
`TestChain.anchor()` (everything inside is undone), and `reverts("E_CODE")`, which asserts that a
call fails with exactly that coded error.

Users reach these through the SDK's pytest plugin, `hot.sdk.testing`, which loads this module on
first use only (docs/architecture.md, "Who imports whom": the SDK sits below the localnet).
"""

from __future__ import annotations

import base64
import dataclasses
import inspect
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import base58
from hot.localnet.chain.chain import NEAR, Chain
from hot.near.actions import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeleteKey,
    DeployContract,
    FunctionCall,
    FunctionCallPermission,
    Transfer,
)
from hot.near.outcomes import outcome_logs, transaction_failure, view_failure_code
from hot.near.signer import KeyPair
from hot.wire.errors import ContractError, ContractExecutionError

DEFAULT_GAS = 300 * 10**12


def contract_source(contract: str | Path | type | bytes) -> bytes:
    """Deployable code from a source string, a .py path, or a @contract class (its module's source)."""
    if isinstance(contract, bytes):
        return contract
    if isinstance(contract, type):
        return inspect.getsource(sys.modules[contract.__module__]).encode()
    if isinstance(contract, Path):
        return contract.read_bytes()
    return contract.encode()


@dataclasses.dataclass
class CallResult:
    """A successful transaction: its decoded return value, logs and NEP-297 events."""

    value: Any
    logs: list[str]
    outcome: dict[str, Any]

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line[len("EVENT_JSON:"):]) for line in self.logs if line.startswith("EVENT_JSON:")]


class LocalAccount:
    """An account with a key on an in-process chain; every method sends a real signed transaction."""

    def __init__(self, chain: TestChain, account_id: str, key: KeyPair) -> None:
        self.chain, self.account_id, self.key = chain, account_id, key

    def __repr__(self) -> str:
        return f"LocalAccount({self.account_id!r})"

    def send(self, receiver_id: str, actions: list[Any]) -> CallResult:
        """Sign and execute actions in one block; raise TransactionFailed if execution fails."""
        raw_chain = self.chain.chain
        nonce = int(raw_chain.view_access_key(self.account_id, str(self.key.public_key))["nonce"]) + 1
        head = base58.b58decode(raw_chain.head["header"]["hash"])
        outcome = raw_chain.submit(self.key.sign_transaction(self.account_id, receiver_id, nonce, head, actions))
        failed = transaction_failure(outcome)
        if failed is not None:
            raise failed
        raw = base64.b64decode(outcome["status"].get("SuccessValue", ""))
        return CallResult(json.loads(raw) if raw else None, outcome_logs(outcome), outcome)

    def call(self, contract_id: str | LocalAccount, method: str, args: dict[str, Any] | None = None, *,
             deposit: int = 0, gas: int = DEFAULT_GAS) -> CallResult:
        receiver = contract_id.account_id if isinstance(contract_id, LocalAccount) else contract_id
        return self.send(receiver, [FunctionCall(method, json.dumps(args or {}).encode(), gas, deposit)])

    def view(self, method: str, args: dict[str, Any] | None = None) -> Any:
        """Call a view on this account's contract."""
        return self.chain.view(self.account_id, method, args)

    def deploy(self, contract: str | Path | type | bytes, init: str | None = None,
               args: dict[str, Any] | None = None) -> CallResult:
        """Deploy code to this account, optionally calling its initializer in the same transaction."""
        actions: list[Any] = [DeployContract(contract_source(contract))]
        if init:
            actions.append(FunctionCall(init, json.dumps(args or {}).encode(), DEFAULT_GAS, 0))
        return self.send(self.account_id, actions)

    def transfer(self, receiver_id: str, amount: int) -> CallResult:
        return self.send(receiver_id, [Transfer(amount)])

    def create_account(self, name: str, balance: int = 100 * NEAR, key: KeyPair | None = None) -> LocalAccount:
        """Create `name` (a sub-account `name.<self>` unless it contains a dot) with a full-access key."""
        account_id = name if "." in name else f"{name}.{self.account_id}"
        key = key or KeyPair.from_seed(account_id.encode())
        self.send(account_id, [CreateAccount(), Transfer(balance), AddKey(key.public_key, AccessKey(0, None))])
        return LocalAccount(self.chain, account_id, key)

    def add_function_call_key(self, key: KeyPair, receiver_id: str, methods: list[str],
                              allowance: int | None = None) -> CallResult:
        perm = FunctionCallPermission(allowance, receiver_id, tuple(methods))
        return self.send(self.account_id, [AddKey(key.public_key, AccessKey(0, perm))])

    def delete_key(self, key: KeyPair) -> CallResult:
        return self.send(self.account_id, [DeleteKey(key.public_key)])

    @property
    def balance(self) -> int:
        return int(self.chain.chain.view_account(self.account_id)["amount"])


class TestChain:
    """An in-process chain plus its root account, with snapshot/revert."""

    __test__ = False  # not a pytest test class

    def __init__(self, chain: Chain | None = None) -> None:
        self.chain = chain or Chain.in_memory()
        self.root = LocalAccount(self, self.chain.config.root_account, self.chain.root_key)

    def create_account(self, name: str, balance: int = 100 * NEAR) -> LocalAccount:
        return self.root.create_account(name, balance)

    def view(self, account_id: str, method: str, args: dict[str, Any] | None = None) -> Any:
        return self.chain.view(account_id, method, args)

    def advance_blocks(self, n: int = 1) -> None:
        """Produce n empty blocks (time moves 1 s per block): epochs and deadlines advance."""
        for _ in range(n):
            self.chain.produce_block([])

    def time_travel(self, seconds: int) -> None:
        """Produce one empty block `seconds` after the current head (deadlines, timelocks)."""
        if seconds < 1:
            raise ValueError("time only moves forward, by at least one second")
        self.chain.produce_block([], timestamp_ns=self.chain.head["header"]["timestamp"] + seconds * 10**9)

    @property
    def block_timestamp(self) -> int:
        return int(self.chain.head["header"]["timestamp"])

    @property
    def block_height(self) -> int:
        return int(self.chain.head["header"]["height"])

    @contextmanager
    def anchor(self) -> Iterator[None]:
        """Everything inside the block is undone afterwards (titanoboa's `boa.env.anchor()`)."""
        snap = self.chain.snapshot()
        try:
            yield
        finally:
            self.chain.revert(snap)


@contextmanager
def reverts(error_code: str) -> Iterator[None]:
    """Assert the block raises a coded contract failure with exactly `error_code`.

        with reverts("E_NOT_OWNER"):
            bob.call(app, "approve", {"msg_hash": h})
    """
    try:
        yield
    except ContractExecutionError as exc:
        got = view_failure_code(exc.vm_error)[0]
        if got != error_code:
            raise AssertionError(f"expected failure {error_code}, got {got}: {exc.vm_error}") from exc
        return
    except ContractError as exc:
        if exc.error_code != error_code:
            raise AssertionError(f"expected failure {error_code}, got {exc.error_code}: {exc}") from exc
        return
    raise AssertionError(f"expected failure {error_code}, but the call succeeded")


expect_failure = reverts  # the same helper under the name the issue uses
