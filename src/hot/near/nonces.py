"""Nonces per access key, counted locally (nearcore: a transaction's nonce must exceed its key's).

Reading the key's nonce before every transaction, as py-near does, gives two transactions sent
before the next block the same nonce, and one of them fails. The counter reads the chain once
per key, then hands out strictly increasing nonces without a round trip. When the chain says
otherwise (`InvalidNonce`, or a key used by another client too), `observe` moves the counter
past the chain's nonce, and the next nonce is valid again. Gaps are fine: NEAR only needs each
nonce above the last one used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from hot.near.keys import PublicKey

KeyId = tuple[str, str]


class NonceCounter:
    """The last nonce handed out per (account, public key); safe for concurrent senders on one loop."""

    def __init__(self) -> None:
        self._last: dict[KeyId, int] = {}
        self._locks: dict[KeyId, asyncio.Lock] = {}

    @staticmethod
    def _key(account_id: str, public_key: PublicKey | str) -> KeyId:
        return account_id, str(public_key)

    async def next(self, account_id: str, public_key: PublicKey | str,
                   chain_nonce: Callable[[], Awaitable[int]]) -> int:
        """A nonce above every one handed out for this key; `chain_nonce` is read the first time only."""
        key = self._key(account_id, public_key)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # the first senders of a key wait for one read instead of racing it
            if key not in self._last:
                self._last[key] = await chain_nonce()
            self._last[key] += 1
            return self._last[key]

    def observe(self, account_id: str, public_key: PublicKey | str, chain_nonce: int) -> None:
        """The chain's nonce for this key is `chain_nonce`: never hand out one at or below it again."""
        key = self._key(account_id, public_key)
        self._last[key] = max(self._last.get(key, chain_nonce), chain_nonce)

    def last(self, account_id: str, public_key: PublicKey | str) -> int | None:
        """The last nonce handed out (or observed) for this key; None before the first."""
        return self._last.get(self._key(account_id, public_key))
