"""`NearRpc` against the real localnet NEAR RPC server, directly and through a misbehaving real proxy.

Real-NEAR behaviour (issue 16): reads at final finality; a local nonce counter resynchronised on
InvalidNonce; send_tx, then EXPERIMENTAL_tx_status on TIMEOUT, never a second signature for an
intent whose outcome is unknown; failover between endpoints.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hot.examples.approvals
import pytest
from hot.localnet.serve import pick_listen_port
from hot.near import (
    AccessKey,
    AddKey,
    Backoff,
    BlockingNearRpc,
    CreateAccount,
    DeployContract,
    FunctionCall,
    KeyPair,
    NearRpc,
    Transfer,
    outcome_value,
    read_key_file,
)
from hot.near.queries import json_args

from hot.wire.errors import NearRpcError, TransactionFailed, TransactionOutcomeUnknown, ViewFailed
from tests.support.near_proxy import NearProxy

APPROVALS = Path(hot.examples.approvals.__file__).parent / "contract.py"
NEAR = 10**24
FAST = Backoff(first=0.02, factor=2.0, cap=0.2)
_names = itertools.count()


@pytest.fixture
def app(near_rpc: Any) -> Iterator[tuple[str, KeyPair]]:
    """A fresh account holding the Approvals contract, owned by itself."""
    root_id, root_key = read_key_file(near_rpc.root_key_file)
    account_id, key = f"rpc{next(_names)}.{root_id}", KeyPair.generate()
    with BlockingNearRpc(near_rpc.url) as rpc:
        outcome_value(rpc.sign_and_send(root_id, root_key, account_id, [
            CreateAccount(), Transfer(20 * NEAR), AddKey(key.public_key, AccessKey(0, None)),
            DeployContract(APPROVALS.read_bytes()), FunctionCall("new", json_args({"owner": account_id}), 10**14, 0)]))
    yield account_id, key


@pytest.fixture
def proxy(near_rpc: Any) -> Iterator[tuple[NearProxy, str]]:
    relay = NearProxy(near_rpc.url)
    with relay.serve() as server:
        yield relay, server.url


def chain_nonce(url: str, account_id: str, key: KeyPair) -> int:
    with BlockingNearRpc(url) as rpc:
        found = rpc.view_access_key(account_id, key.public_key)
    assert found is not None
    return found.nonce


def approved(url: str, account_id: str, msg_hash: str) -> bool:
    with BlockingNearRpc(url) as rpc:
        return bool(rpc.view(account_id, "hot_verify", {"msg_hash": msg_hash}))


def run(url: str | list[str], scenario: Any, **options: Any) -> Any:
    async def go() -> Any:
        rpc = NearRpc(url, backoff=FAST, **options)
        try:
            return await scenario(rpc)
        finally:
            await rpc.aclose()

    return asyncio.run(go())


def test_reads_are_at_final_finality_and_panics_keep_their_code(near_rpc: Any, app: tuple[str, KeyPair],
                                                                proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app

    async def scenario(rpc: NearRpc) -> None:
        assert await rpc.view(account_id, "hot_verify", {"msg_hash": "never"}) is False
        with pytest.raises(ViewFailed) as panicked:
            await rpc.view(account_id, "approve", {"msg_hash": "x"})  # a write in a view panics
        assert panicked.value.error_code.startswith("E_")
        with pytest.raises(NearRpcError) as unknown:
            await rpc.view("ghost.test.near", "hot_verify", {})
        assert unknown.value.cause == "UNKNOWN_ACCOUNT"
        with pytest.raises(TransactionFailed) as refused:
            await rpc.function_call(account_id, key, account_id, "approve", {"msg_hash": 5})
        assert refused.value.error_code.startswith("E_")

    run(url, scenario)
    queries = [p for p in relay.sent("query") if p["request_type"] == "call_function"]
    assert queries and all(p["finality"] == "final" for p in queries)
    assert all(p["wait_until"] == "FINAL" for p in relay.sent("send_tx"))


def test_a_timeout_is_followed_by_a_status_lookup_not_a_second_transaction(
        near_rpc: Any, app: tuple[str, KeyPair], proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app
    before = chain_nonce(near_rpc.url, account_id, key)
    relay.fail("send_tx", "timeout")  # forwarded and executed, but the answer is TIMEOUT_ERROR

    async def scenario(rpc: NearRpc) -> Any:
        return await rpc.sign_and_send(account_id, key, account_id,
                                       [FunctionCall("approve", json_args({"msg_hash": "t1"}), 10**14, 0)])

    outcome = run(url, scenario)
    assert "SuccessValue" in outcome["status"] and approved(near_rpc.url, account_id, "t1")
    assert len(relay.sent("send_tx")) == 1  # sent once: the outcome came from the lookup
    lookups = relay.sent("EXPERIMENTAL_tx_status")
    assert lookups and lookups[0]["tx_hash"] == outcome["transaction"]["hash"]
    assert chain_nonce(near_rpc.url, account_id, key) == before + 1


def test_a_lost_transaction_is_sent_again_as_the_same_bytes(near_rpc: Any, app: tuple[str, KeyPair],
                                                            proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app
    before = chain_nonce(near_rpc.url, account_id, key)
    relay.fail("send_tx", "lose")  # never reached the chain; the status lookup does not know it

    async def scenario(rpc: NearRpc) -> Any:
        return await rpc.function_call(account_id, key, account_id, "approve", {"msg_hash": "t2"})

    assert run(url, scenario) is None
    sent = relay.sent("send_tx")
    assert len(sent) == 2 and sent[0]["signed_tx_base64"] == sent[1]["signed_tx_base64"]
    assert approved(near_rpc.url, account_id, "t2") and chain_nonce(near_rpc.url, account_id, key) == before + 1


def test_an_outcome_never_learned_is_reported_with_its_hash_and_never_signed_again(
        near_rpc: Any, app: tuple[str, KeyPair], proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app
    before = chain_nonce(near_rpc.url, account_id, key)
    relay.fail("send_tx", *["lose"] * 100)

    async def scenario(rpc: NearRpc) -> Any:
        return await rpc.function_call(account_id, key, account_id, "approve", {"msg_hash": "t3"})

    with pytest.raises(TransactionOutcomeUnknown) as unknown:
        run(url, scenario, tx_deadline_s=0.5)
    sent = {p["signed_tx_base64"] for p in relay.sent("send_tx")}
    assert len(sent) == 1 and len(relay.sent("send_tx")) >= 2  # the same bytes again, never a new signature
    assert unknown.value.tx_hash and unknown.value.tx_hash in {p["tx_hash"] for p in relay.sent("EXPERIMENTAL_tx_status")}
    assert not approved(near_rpc.url, account_id, "t3") and chain_nonce(near_rpc.url, account_id, key) == before


def test_a_stale_nonce_is_resynchronised_from_the_chain(near_rpc: Any, app: tuple[str, KeyPair],
                                                       proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app

    async def scenario(mine: NearRpc) -> None:
        await mine.function_call(account_id, key, account_id, "approve", {"msg_hash": "n1"})
        other = NearRpc(near_rpc.url)  # another client on the same key, with its own counter
        try:
            for i in range(3):
                await other.function_call(account_id, key, account_id, "approve", {"msg_hash": f"other{i}"})
        finally:
            await other.aclose()
        await mine.function_call(account_id, key, account_id, "approve", {"msg_hash": "n2"})
        assert mine.nonces.last(account_id, key.public_key) == chain_nonce(near_rpc.url, account_id, key)

    run(url, scenario)
    answers = [e.answer for e in relay.exchanges if e.method == "send_tx"]
    refused = [a for a in answers if a.get("error", {}).get("cause", {}).get("name") == "INVALID_TRANSACTION"]
    assert len(refused) == 1 and "InvalidNonce" in str(refused[0])  # the real server said so, once
    assert approved(near_rpc.url, account_id, "n2")


def test_concurrent_transactions_from_one_key_get_distinct_nonces(near_rpc: Any, app: tuple[str, KeyPair]) -> None:
    account_id, key = app

    async def scenario(rpc: NearRpc) -> list[Any]:
        return list(await asyncio.gather(*(
            rpc.sign_and_send(account_id, key, account_id,
                              [FunctionCall("approve", json_args({"msg_hash": f"c{i}"}), 10**14, 0)])
            for i in range(4))))

    outcomes = run(near_rpc.url, scenario)
    assert all("SuccessValue" in o["status"] for o in outcomes)
    assert len({o["transaction"]["nonce"] for o in outcomes}) == 4
    assert all(approved(near_rpc.url, account_id, f"c{i}") for i in range(4))


def test_an_unreachable_or_failing_endpoint_is_skipped(near_rpc: Any, app: tuple[str, KeyPair],
                                                       proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app
    dead = f"http://127.0.0.1:{pick_listen_port()}"  # nothing listens there
    relay.fail("query", "down")
    relay.fail("send_tx", "down")

    async def scenario(rpc: NearRpc) -> None:
        assert await rpc.view(account_id, "hot_verify", {"msg_hash": "f1"}) is False
        await rpc.function_call(account_id, key, account_id, "approve", {"msg_hash": "f1"})
        assert await rpc.view(account_id, "hot_verify", {"msg_hash": "f1"}) is True

    run([dead, near_rpc.url], scenario)
    relay.exchanges.clear()
    run([url, near_rpc.url], lambda rpc: rpc.view(account_id, "hot_verify", {"msg_hash": "f1"}))
    assert [e.status for e in relay.exchanges] == [503]  # asked, failed, and the next endpoint answered


def test_a_503_on_send_tx_is_an_unknown_outcome_that_is_looked_up(near_rpc: Any, app: tuple[str, KeyPair],
                                                                 proxy: tuple[NearProxy, str]) -> None:
    relay, url = proxy
    account_id, key = app
    relay.fail("send_tx", "down")  # the request reached something: it may have executed

    async def scenario(rpc: NearRpc) -> Any:
        return await rpc.function_call(account_id, key, account_id, "approve", {"msg_hash": "u1"})

    run([url, near_rpc.url], scenario)
    assert len({p["signed_tx_base64"] for p in relay.sent("send_tx")}) == 1
    assert approved(near_rpc.url, account_id, "u1")


def test_every_endpoint_unreachable_is_a_near_rpc_error() -> None:
    dead = [f"http://127.0.0.1:{pick_listen_port()}" for _ in range(2)]
    with pytest.raises(NearRpcError) as caught:
        run(dead, lambda rpc: rpc.view("a.test.near", "m", {}))
    assert caught.value.cause == "UNREACHABLE"


def test_the_blocking_client_works_inside_a_running_event_loop(near_rpc: Any, app: tuple[str, KeyPair]) -> None:
    account_id, _ = app

    async def inside_a_loop() -> Any:
        with BlockingNearRpc(near_rpc.url) as rpc:  # e.g. Jupyter, playwright's sync API
            return rpc.view(account_id, "hot_verify", {"msg_hash": "none"})

    assert asyncio.run(inside_a_loop()) is False


def test_threads_sharing_one_blocking_client_never_reuse_a_nonce(near_rpc: Any, app: tuple[str, KeyPair]) -> None:
    """HotClient in a web server: worker threads send through one client and one nonce counter."""
    from concurrent.futures import ThreadPoolExecutor

    account_id, key = app
    with BlockingNearRpc(near_rpc.url) as rpc, ThreadPoolExecutor(max_workers=4) as workers:
        outcomes = list(workers.map(lambda i: rpc.sign_and_send(
            account_id, key, account_id, [FunctionCall("approve", json_args({"msg_hash": f"w{i}"}), 10**14, 0)]),
            range(8)))
    assert all("SuccessValue" in o["status"] for o in outcomes)
    assert len({o["transaction"]["nonce"] for o in outcomes}) == 8
