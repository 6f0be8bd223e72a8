"""State queries NEAR's `query` RPC answers: accounts, access keys, contract state and code.

All read committed state (the last block); historical block ids are answered from it too, since a
localnet keeps no state history.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from hot.localnet.chain import accounts
from hot.near.actions import AccessKey
from hot.localnet.chain.state import (
    CommittedState,
    Overlay,
    code_key,
    data_prefix,
    keys_prefix,
)
from hot.near.keys import KEY_NAMES, PublicKey
from hot.localnet.chain.validation import access_key_of

from hot.wire.errors import EncodingError, QueryError


class StateQueries:
    """Mixin of `Chain`: the read-only `query` kinds, answered under the chain lock."""

    committed: CommittedState
    lock: Any

    def _require_account(self, account_id: str) -> dict[str, Any]:
        record = accounts.get_account(Overlay(self.committed), account_id)
        if record is None:
            raise QueryError("UNKNOWN_ACCOUNT", {"requested_account_id": account_id},
                             f"account {account_id} does not exist while viewing")
        return record

    def view_account(self, account_id: str) -> dict[str, Any]:
        with self.lock:
            return accounts.view_account_json(self._require_account(account_id))

    def view_access_key(self, account_id: str, public_key: str) -> dict[str, Any]:
        key = PublicKey.parse(public_key)
        with self.lock:
            self._require_account(account_id)
            found = access_key_of(Overlay(self.committed), account_id, key)
        if found is None:
            raise QueryError("UNKNOWN_ACCESS_KEY", {"public_key": str(key)},
                             f"access key {key} does not exist while viewing")
        return found.to_json()

    def view_access_key_list(self, account_id: str) -> dict[str, Any]:
        with self.lock:
            self._require_account(account_id)
            prefix = keys_prefix(account_id)
            entries = [(k[len(prefix):], self.committed.get(k)) for k in self.committed.keys_with_prefix(prefix)]
        keys = []
        for raw_key, raw_value in entries:
            public_key = PublicKey(raw_key[0], raw_key[1:])
            assert raw_value is not None and raw_key[0] in KEY_NAMES
            keys.append({"public_key": str(public_key), "access_key": AccessKey.from_json(json.loads(raw_value)).to_json()})
        return {"keys": keys}

    def view_state(self, account_id: str, prefix_base64: str) -> dict[str, Any]:
        try:
            prefix = base64.b64decode(prefix_base64, validate=True)
        except ValueError as exc:
            raise EncodingError(f"prefix_base64 is not base64: {exc}") from exc
        with self.lock:
            self._require_account(account_id)
            base = data_prefix(account_id)
            values = [{"key": base64.b64encode(k[len(base):]).decode(),
                       "value": base64.b64encode(self.committed.get(k) or b"").decode()}
                      for k in self.committed.keys_with_prefix(base + prefix)]
        return {"values": values, "proof": []}

    def view_code(self, account_id: str) -> dict[str, Any]:
        with self.lock:
            record = self._require_account(account_id)
            code = self.committed.get(code_key(account_id))
        if code is None:
            raise QueryError("NO_CONTRACT_CODE", {"contract_account_id": account_id},
                             f"Contract code for contract ID #{account_id} has never been observed on the node")
        return {"code_base64": base64.b64encode(code).decode(), "hash": record["code_hash"]}
