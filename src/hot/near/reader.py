"""Where NEAR reads come from: the `NearReader` interface and its failover implementation.

Every read returns the answer and the block it was read at (`Read`), so a caller, or a quorum
reader built on several endpoints, can tell which state an answer describes. `FailoverReader`
asks its endpoints in order and takes the first answer: it survives an endpoint that is down,
not one that lies. The strict-majority reader of the security issue (issue 17: several endpoints
must agree at one final block hash) implements this same protocol and is passed to `NearRpc`
as `reader=`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from hot.near.actions import AccessKey
from hot.near.endpoint import BAD_RESPONSE, NO_ANSWER, UNREACHABLE, RpcEndpoint
from hot.near.keys import PublicKey
from hot.near.queries import (
    FINAL,
    BlockRef,
    Read,
    access_key_result,
    block_result,
    call_function_params,
    call_function_result,
    located,
    view_access_key_params,
    view_account_params,
)
from hot.wire.errors import EncodingError, NearRpcError

# An endpoint that answers with one of these could not serve the read; the next one is asked.
# Any other answer (UNKNOWN_ACCOUNT, a contract panic...) is an answer about the chain and stands.
SKIPPED_CAUSES = frozenset({UNREACHABLE, NO_ANSWER, BAD_RESPONSE, "INTERNAL_ERROR", "TIMEOUT_ERROR",
                            "UNKNOWN_BLOCK", "NO_SYNCED_BLOCKS", "NOT_SYNCED_YET", "GARBAGE_COLLECTED_BLOCK"})


class NearReader(Protocol):
    """One method per read; each returns the value and the block it describes."""

    async def call_function(self, account_id: str, method_name: str, args: bytes,
                            at: BlockRef = FINAL) -> Read[bytes]: ...

    async def view_access_key(self, account_id: str, public_key: PublicKey | str,
                              at: BlockRef = FINAL) -> Read[AccessKey] | None: ...

    async def view_account(self, account_id: str, at: BlockRef = FINAL) -> Read[dict[str, Any]]: ...

    async def block(self, at: BlockRef = FINAL) -> Read[dict[str, Any]]: ...


class FailoverReader:
    """`NearReader` over endpoints tried in order: the first one able to answer does."""

    def __init__(self, endpoints: Sequence[RpcEndpoint]) -> None:
        if not endpoints:
            raise ValueError("a reader needs at least one endpoint")
        self.endpoints = list(endpoints)

    async def query(self, method: str, params: Any, decode: Callable[[Any], Any] = lambda answer: answer) -> Any:
        """The first usable answer to one JSON-RPC read, decoded; the last failure if none answered.

        A malformed answer counts as no answer from that endpoint (EncodingError from `decode`).
        """
        failure: NearRpcError | None = None
        for endpoint in self.endpoints:
            try:
                return decode(await endpoint.call(method, params))
            except EncodingError as exc:
                failure = NearRpcError(f"{endpoint.url}: {method}: malformed answer: {exc}", cause=BAD_RESPONSE)
            except NearRpcError as exc:
                if exc.cause not in SKIPPED_CAUSES:
                    raise
                failure = exc
        assert failure is not None
        raise failure

    async def call_function(self, account_id: str, method_name: str, args: bytes,
                            at: BlockRef = FINAL) -> Read[bytes]:
        result: Read[bytes] = await self.query("query", call_function_params(account_id, method_name, args, at),
                                                  call_function_result)
        return result

    async def view_access_key(self, account_id: str, public_key: PublicKey | str,
                              at: BlockRef = FINAL) -> Read[AccessKey] | None:
        result: Read[AccessKey] | None = await self.query("query", view_access_key_params(account_id, public_key, at),
                                                             access_key_result)
        return result

    async def view_account(self, account_id: str, at: BlockRef = FINAL) -> Read[dict[str, Any]]:
        result: Read[dict[str, Any]] = await self.query("query", view_account_params(account_id, at), located)
        return result

    async def block(self, at: BlockRef = FINAL) -> Read[dict[str, Any]]:
        result: Read[dict[str, Any]] = await self.query("block", at.params(), block_result)
        return result
