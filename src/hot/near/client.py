"""`NearRpc`: the project's one NEAR JSON-RPC client (async), for the node, the SDK, the CLI and tools.

What it does that a naive client does not (issue 16, for a real NEAR endpoint):
- reads at `final` finality unless told otherwise, through a `NearReader` (failover by default;
  issue 17's quorum reader plugs in as `reader=`), each answer with the block it was read at;
- nonces from a local `NonceCounter` per access key, so two transactions in one block never share
  a nonce; on `InvalidNonce` the counter moves past the chain's nonce and the transaction is
  signed again (it was refused, so nothing happened: re-signing cannot do it twice);
- `send_tx` with `wait_until`; when the answer does not come (`TIMEOUT_ERROR`, a dropped or
  timed-out connection) the transaction is looked up with `EXPERIMENTAL_tx_status` under
  exponential backoff until a deadline. The same signed bytes may be sent again (same hash, so
  NEAR executes them at most once); signing the intent again with a new nonce after an unknown
  outcome never happens: the caller gets `TransactionOutcomeUnknown` with the hash instead;
- several endpoint URLs: a transaction goes to the next one only when the previous could not be
  reached at all (the request never left), reads to the next one when an endpoint cannot answer.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import base58

from hot.near.actions import AccessKey, Action, FunctionCall
from hot.near.endpoint import BAD_RESPONSE, NO_ANSWER, UNREACHABLE, RpcEndpoint
from hot.near.keys import PublicKey
from hot.near.nonces import NonceCounter
from hot.near.outcomes import invalid_nonce, invalid_tx_detail, outcome_value
from hot.near.queries import FINAL, OPTIMISTIC, BlockRef, decode_json_value, json_args
from hot.near.reader import FailoverReader, NearReader
from hot.near.signer import KeyPair
from hot.near.transaction import SignedTransaction, Transaction
from hot.wire.errors import NearRpcError, TransactionOutcomeUnknown, TransactionRejected

WAIT_UNTIL = ("NONE", "INCLUDED", "EXECUTED_OPTIMISTIC", "INCLUDED_FINAL", "EXECUTED", "FINAL")
DEFAULT_WAIT_UNTIL = "FINAL"  # a transaction's effects are final when it returns, so final reads see them
DEFAULT_GAS = 300 * 10**12
SIGN_ATTEMPTS = 3  # a refused transaction (stale nonce, expired block hash) is signed again at most twice
BLOCK_HASH_TTL_S = 60.0  # NEAR accepts a block hash for ~86400 blocks; refreshing once a minute is ample
# Causes after which a sent transaction's fate is unknown: it may have arrived and may execute.
IN_FLIGHT = frozenset({"TIMEOUT_ERROR", NO_ANSWER, BAD_RESPONSE, "INTERNAL_ERROR"})


@dataclass(frozen=True)
class Backoff:
    """Delays between status look-ups: `first`, then times `factor`, at most `cap` seconds."""

    first: float = 0.1
    factor: float = 2.0
    cap: float = 4.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * self.factor, self.cap)


class NearRpc:
    """Async NEAR JSON-RPC over one or more endpoint URLs (tried in order)."""

    def __init__(self, urls: str | Sequence[str], *, timeout: float = 10.0, reader: NearReader | None = None,
                 nonces: NonceCounter | None = None, tx_deadline_s: float = 60.0, backoff: Backoff = Backoff()) -> None:
        urls = [urls] if isinstance(urls, str) else list(urls)
        if not urls:
            raise ValueError("NearRpc needs at least one endpoint URL")
        self.endpoints = [RpcEndpoint(url, timeout=timeout) for url in urls]
        self.failover = FailoverReader(self.endpoints)
        self.reader: NearReader = reader or self.failover
        self.nonces = nonces or NonceCounter()
        self.tx_deadline_s, self.backoff = tx_deadline_s, backoff
        self._block_hash: tuple[bytes, float] | None = None

    @property
    def url(self) -> str:
        return self.endpoints[0].url

    # ---- reads -------------------------------------------------------------------------------
    async def call(self, method: str, params: Any) -> Any:
        """Any JSON-RPC method, answered by the first endpoint able to (no decoding)."""
        return await self.failover.query(method, params)

    async def status(self) -> dict[str, Any]:
        answer: dict[str, Any] = await self.call("status", [])
        return answer

    async def block(self, at: BlockRef = FINAL) -> dict[str, Any]:
        return (await self.reader.block(at)).value

    async def view(self, account_id: str, method: str, args: dict[str, Any] | None = None, *,
                   at: BlockRef = FINAL) -> Any:
        """A view call's JSON result; a panic raises ViewFailed with the contract's E_ code."""
        return decode_json_value((await self.reader.call_function(account_id, method, json_args(args), at)).value)

    async def view_account(self, account_id: str, at: BlockRef = FINAL) -> dict[str, Any]:
        """NEAR's `view_account`; an unknown account is NearRpcError(cause="UNKNOWN_ACCOUNT")."""
        return (await self.reader.view_account(account_id, at)).value

    async def view_access_key(self, account_id: str, public_key: PublicKey | str,
                              at: BlockRef = FINAL) -> AccessKey | None:
        found = await self.reader.view_access_key(account_id, public_key, at)
        return None if found is None else found.value

    # ---- transactions ------------------------------------------------------------------------
    async def send_tx(self, signed: SignedTransaction, *, wait_until: str = DEFAULT_WAIT_UNTIL) -> dict[str, Any]:
        """Send signed bytes and wait for `wait_until`; the FinalExecutionOutcome (NEAR's JSON).

        TransactionRejected: refused before execution (nothing happened). TransactionOutcomeUnknown:
        no outcome by the deadline (it may still execute). Failed execution is in the outcome's
        `status` (see `outcome_value`).
        """
        if wait_until not in WAIT_UNTIL:
            raise ValueError(f"wait_until must be one of {WAIT_UNTIL}")
        params = {"signed_tx_base64": base64.b64encode(signed.to_bytes()).decode(), "wait_until": wait_until}
        deadline = time.monotonic() + self.tx_deadline_s
        try:
            answer: dict[str, Any] = await self._submit(params)
            return answer
        except NearRpcError as exc:
            if exc.cause not in IN_FLIGHT:
                raise
        return await self._await_outcome(signed, params, deadline)

    async def _submit(self, params: dict[str, Any]) -> Any:
        """`send_tx` to the first reachable endpoint; INVALID_TRANSACTION becomes TransactionRejected."""
        unreachable: NearRpcError | None = None
        for endpoint in self.endpoints:
            try:
                return await endpoint.call("send_tx", params)
            except NearRpcError as exc:
                if exc.cause == "INVALID_TRANSACTION":
                    raise TransactionRejected(str(exc), detail=invalid_tx_detail(exc.error), error=exc.error) from exc
                if exc.cause != UNREACHABLE:
                    raise
                unreachable = exc  # the request never left: another endpoint may take it
        assert unreachable is not None
        raise unreachable

    async def _await_outcome(self, signed: SignedTransaction, params: dict[str, Any], deadline: float) -> dict[str, Any]:
        """Look the transaction up until it has an outcome or the deadline passes (never re-signed)."""
        tx_hash, sender = signed.hash_b58, signed.transaction.signer_id
        refused: TransactionRejected | None = None
        for delay in self.backoff.delays():
            try:
                return await self.tx_status(tx_hash, sender, wait_until=params["wait_until"])
            except NearRpcError as exc:
                if exc.cause != "UNKNOWN_TRANSACTION" and exc.cause not in IN_FLIGHT | {UNREACHABLE}:
                    raise
                if exc.cause == "UNKNOWN_TRANSACTION":
                    if refused is not None:
                        raise refused  # refused when sent again, and still unknown: it never executed
                    refused = await self._send_again(params)
            if time.monotonic() + delay > deadline:
                break
            await asyncio.sleep(delay)
        raise TransactionOutcomeUnknown(f"transaction {tx_hash} from {sender}: no outcome within {self.tx_deadline_s}s; "
                                        "look it up by hash before signing the same intent again", tx_hash=tx_hash)

    async def _send_again(self, params: dict[str, Any]) -> TransactionRejected | None:
        """The same signed bytes once more (idempotent: one hash executes at most once)."""
        try:
            await self._submit({**params, "wait_until": "NONE"})
        except TransactionRejected as exc:
            return exc
        except NearRpcError:
            pass
        return None

    async def tx_status(self, tx_hash: str, sender_id: str, *, wait_until: str = DEFAULT_WAIT_UNTIL) -> dict[str, Any]:
        """`EXPERIMENTAL_tx_status`: the outcome with every receipt; UNKNOWN_TRANSACTION if not seen."""
        answer: dict[str, Any] = await self.call("EXPERIMENTAL_tx_status", {
            "tx_hash": tx_hash, "sender_account_id": sender_id, "wait_until": wait_until})
        return answer

    async def sign_and_send(self, signer_id: str, key: KeyPair, receiver_id: str, actions: Sequence[Action], *,
                            wait_until: str = DEFAULT_WAIT_UNTIL) -> dict[str, Any]:
        """Sign with the next nonce of `key` and send; a stale nonce or block hash is fixed and signed again."""
        for attempt in range(SIGN_ATTEMPTS):
            nonce = await self.nonces.next(signer_id, key.public_key, lambda: self._chain_nonce(signer_id, key.public_key))
            tx = Transaction(signer_id, key.public_key, nonce, receiver_id, await self._recent_block_hash(), tuple(actions))
            try:
                return await self.send_tx(key.sign(tx), wait_until=wait_until)
            except TransactionRejected as exc:
                if attempt == SIGN_ATTEMPTS - 1 or not await self._recover(signer_id, key.public_key, exc):
                    raise
        raise AssertionError("unreachable")

    async def _recover(self, signer_id: str, public_key: PublicKey, exc: TransactionRejected) -> bool:
        """Fix what made NEAR refuse the transaction, if a new signature can fix it."""
        ak_nonce = invalid_nonce(exc.detail)
        if ak_nonce is not None:
            self.nonces.observe(signer_id, public_key, max(ak_nonce, await self._chain_nonce(signer_id, public_key)))
            return True
        if exc.detail == "Expired":
            self._block_hash = None
            return True
        return False

    async def _chain_nonce(self, account_id: str, public_key: PublicKey) -> int:
        # The newest state, not final: a nonce is allocation, not a decision, and final state lags
        # behind transactions this key sent a block or two ago.
        found = await self.failover.view_access_key(account_id, public_key, OPTIMISTIC)
        if found is None:
            raise TransactionRejected(f"{account_id} has no access key {public_key}", detail={
                "InvalidAccessKeyError": {"AccessKeyNotFound": {"account_id": account_id, "public_key": str(public_key)}}})
        return found.value.nonce

    async def _recent_block_hash(self) -> bytes:
        now = time.monotonic()
        if self._block_hash is None or now - self._block_hash[1] > BLOCK_HASH_TTL_S:
            found = await self.failover.block(FINAL)
            self._block_hash = (base58.b58decode(found.block_hash), now)
        return self._block_hash[0]

    async def function_call(self, signer_id: str, key: KeyPair, contract_id: str, method: str,
                            args: dict[str, Any] | None = None, *, gas: int = DEFAULT_GAS, deposit: int = 0,
                            wait_until: str = DEFAULT_WAIT_UNTIL) -> Any:
        """One FunctionCall; its decoded JSON return value, or TransactionFailed with the contract's code."""
        action = FunctionCall(method, json_args(args), gas, deposit)
        return outcome_value(await self.sign_and_send(signer_id, key, contract_id, [action], wait_until=wait_until))

    async def aclose(self) -> None:
        for endpoint in self.endpoints:
            await endpoint.aclose()
