"""Account records and NEAR's account-id rules, over an overlay.

An account record is `{"amount", "locked", "code_hash", "storage_usage"}` (amounts as decimal
strings: they exceed 2^53). Storage staking follows NEAR: an account must hold
`storage_usage * STORAGE_PRICE_PER_BYTE` yoctoNEAR, or the action that grew its storage fails.
"""

from __future__ import annotations

import re
from typing import Any

from hot.localnet.chain.state import Overlay, account_key

STORAGE_PRICE_PER_BYTE = 10**19  # 1 NEAR per 100 kB, NEAR's genesis value
ACCOUNT_RECORD_BYTES = 100
EMPTY_CODE_HASH = "11111111111111111111111111111111"
ACCOUNT_ID_RE = re.compile(r"^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$")


def valid_account_id(account_id: str) -> bool:
    return 2 <= len(account_id) <= 64 and ACCOUNT_ID_RE.match(account_id) is not None


def get_account(state: Overlay, account_id: str) -> dict[str, Any] | None:
    record: dict[str, Any] | None = state.get_json(account_key(account_id))
    return record


def put_account(state: Overlay, account_id: str, record: dict[str, Any]) -> None:
    state.put_json(account_key(account_id), record)


def new_account(amount: int = 0) -> dict[str, Any]:
    return {"amount": str(amount), "locked": "0", "code_hash": EMPTY_CODE_HASH, "storage_usage": ACCOUNT_RECORD_BYTES}


def balance(record: dict[str, Any]) -> int:
    return int(record["amount"])


def add_balance(state: Overlay, account_id: str, delta: int) -> dict[str, Any]:
    """Change an account's balance by `delta` (may be negative); the caller checked it suffices."""
    record = get_account(state, account_id)
    assert record is not None, account_id
    record["amount"] = str(int(record["amount"]) + delta)
    put_account(state, account_id, record)
    return record


def add_storage(state: Overlay, account_id: str, delta: int) -> dict[str, Any]:
    record = get_account(state, account_id)
    assert record is not None, account_id
    record["storage_usage"] = int(record["storage_usage"]) + delta
    put_account(state, account_id, record)
    return record


def storage_shortfall(record: dict[str, Any]) -> int:
    """How many yoctoNEAR the account lacks to pay for its storage (0 if covered)."""
    needed = int(record["storage_usage"]) * STORAGE_PRICE_PER_BYTE
    return max(0, needed - int(record["amount"]))


def view_account_json(record: dict[str, Any]) -> dict[str, Any]:
    return {"amount": record["amount"], "locked": record["locked"], "code_hash": record["code_hash"],
            "storage_usage": int(record["storage_usage"]), "storage_paid_at": 0}
