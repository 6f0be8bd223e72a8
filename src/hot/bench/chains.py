"""`hot bench chains`: one hot_verify per chain through a 3-endpoint quorum on the local endpoints.

For each chain, one chain state is served by three HTTP endpoints (three "RPC nodes" of one
chain), a policy is deployed and one message hash approved through the chain's own client
library, then the node's `QuorumVerifier` asks all three concurrently. Rows:
`{"bench", "chain", "p50_ms", "p99_ms"}`. Target: p50 <= 20 ms for every chain.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from hot.bench.report import percentile
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import AuthMethod, ChainVerifier
from hot.mpc.chains.quorum import QuorumVerifier

ENDPOINTS = 3
Setup = tuple[list[str], Callable[[str], ChainVerifier], AuthMethod, bytes, bytes]  # urls, verifier, method, hash, payload


def _serve(stack: ExitStack, make_app: Callable[[], Any]) -> list[str]:
    """Three servers (three "RPC nodes") over one chain state."""
    urls = []
    for _ in range(ENDPOINTS):
        server = ServerThread(make_app())
        _enable_nodelay(server)
        urls.append(stack.enter_context(server).url)
    return urls


def _enable_nodelay(server: ServerThread) -> None:
    """TCP_NODELAY on the listening socket (accepted sockets inherit it on Linux).

    serve.bind_socket creates its socket with protocol 0, so asyncio does not set TCP_NODELAY on
    accepted connections and each response waits ~40 ms for a delayed ACK (Nagle). Remove once
    bind_socket passes socket.IPPROTO_TCP (reported to the lead; localnet/rpc/near does the same).
    """
    sock = getattr(server, "_sock", None)
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


@contextmanager
def evm_setup() -> Iterator[Setup]:
    from hot.examples.policies.evm import compile_policy
    from hot.localnet.rpc.evm import EvmChain, create_app
    from hot.mpc.chains.evm import EvmVerifier
    from web3 import HTTPProvider, Web3

    chain, msg_hash = EvmChain(), os.urandom(32)
    with ExitStack() as stack:
        urls = _serve(stack, lambda: create_app(chain=chain))
        w3 = Web3(HTTPProvider(urls[0]))
        policy, owner = compile_policy("approved_messages"), w3.eth.accounts[0]
        deployed = w3.eth.wait_for_transaction_receipt(
            w3.eth.contract(abi=policy.abi, bytecode=policy.bytecode).constructor().transact({"from": owner}))
        contract = w3.eth.contract(address=deployed.contractAddress, abi=policy.abi)
        w3.eth.wait_for_transaction_receipt(contract.functions.approve(msg_hash).transact({"from": owner}))
        w3.provider.make_request("evm_mine", [2])  # type: ignore[arg-type]
        yield urls, EvmVerifier, AuthMethod(w3.eth.chain_id, str(deployed.contractAddress)), msg_hash, b""


@contextmanager
def solana_setup() -> Iterator[Setup]:
    from hot.examples.policies.solana import approve_transaction
    from hot.localnet.rpc.solana import SolanaLedger, create_app
    from hot.mpc.chains.base import SOLANA_CHAIN_ID
    from hot.mpc.chains.solana import SolanaVerifier
    from solana.rpc.async_api import AsyncClient
    from solders.keypair import Keypair

    ledger, owner, msg_hash = SolanaLedger(), Keypair(), os.urandom(32)
    with ExitStack() as stack:
        urls = _serve(stack, lambda: create_app(ledger=ledger))

        async def approve() -> None:
            async with AsyncClient(urls[0]) as client:
                await client.confirm_transaction((await client.request_airdrop(owner.pubkey(), 10**9)).value)
                blockhash = (await client.get_latest_blockhash()).value.blockhash
                await client.send_transaction(approve_transaction(owner, msg_hash, blockhash))

        asyncio.run(approve())
        yield urls, SolanaVerifier, AuthMethod(SOLANA_CHAIN_ID, str(owner.pubkey())), msg_hash, b""


@contextmanager
def stellar_setup() -> Iterator[Setup]:
    import httpx
    from hot.examples.policies.stellar import ApprovedMessages
    from hot.localnet.rpc.soroban import SorobanLedger, create_app
    from hot.mpc.chains.base import STELLAR_CHAIN_ID
    from hot.mpc.chains.stellar import StellarVerifier
    from stellar_sdk import Keypair, SorobanServer, TransactionBuilder, scval

    ledger, owner, msg_hash = SorobanLedger(), Keypair.random(), os.urandom(32)
    contract_id = ledger.deploy(ApprovedMessages(owner.public_key), salt=b"bench")
    with ExitStack() as stack:
        urls = _serve(stack, lambda: create_app(ledger=ledger))
        httpx.get(urls[0] + "/friendbot", params={"addr": owner.public_key}).raise_for_status()
        server = SorobanServer(urls[0])
        builder = TransactionBuilder(server.load_account(owner.public_key), server.get_network().passphrase, 100)
        tx = server.prepare_transaction(
            builder.append_invoke_contract_function_op(contract_id, "approve", [scval.to_bytes(msg_hash)]).set_timeout(30).build())
        tx.sign(owner)
        server.send_transaction(tx)
        yield urls, StellarVerifier, AuthMethod(STELLAR_CHAIN_ID, contract_id), msg_hash, b""


@contextmanager
def ton_setup() -> Iterator[Setup]:
    import httpx
    from hot.examples.policies.ton import approval_message, policy_address
    from hot.localnet.rpc.ton import TonChain, create_app
    from hot.mpc.chains.base import TON_CHAIN_ID
    from hot.mpc.chains.ton import TonVerifier
    from nacl.signing import SigningKey

    chain, owner, msg_hash = TonChain(), SigningKey.generate(), os.urandom(32)
    with ExitStack() as stack:
        urls = _serve(stack, lambda: create_app(chain=chain))
        httpx.post(urls[0] + "/api/v2/sendBoc", json={"boc": approval_message(owner, msg_hash, 0, deploy=True)}).raise_for_status()
        yield urls, TonVerifier, AuthMethod(TON_CHAIN_ID, policy_address(owner)), msg_hash, b""


NEAR_POLICY = """
from hot.sdk.contract import contract, view


@contract
class PayloadApproves:
    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        return user_payload == "approve:" + msg_hash
"""


@contextmanager
def near_setup() -> Iterator[Setup]:
    """The NEAR localnet (one RPC server; the quorum asks it three times over three connections)."""
    import tempfile
    from pathlib import Path

    import base58
    from hot.localnet.rpc.near.server import RpcNode
    from hot.mpc.chains.base import NEAR_CHAIN_ID
    from hot.mpc.chains.near import NearVerifier
    from hot.near import BlockingNearRpc, DeployContract, outcome_value

    msg_hash = os.urandom(32)
    with tempfile.TemporaryDirectory() as data_dir, RpcNode(Path(data_dir)) as node:
        assert node.chain is not None
        with BlockingNearRpc(node.url) as client:
            outcome_value(client.sign_and_send(node.root_account, node.chain.root_key, node.root_account,
                                               [DeployContract(NEAR_POLICY.encode())]))
        payload = ("approve:" + base58.b58encode(msg_hash).decode()).encode()
        yield [node.url] * ENDPOINTS, NearVerifier, AuthMethod(NEAR_CHAIN_ID, node.root_account), msg_hash, payload


SETUPS: dict[str, Callable[[], Any]] = {
    "near": near_setup, "evm": evm_setup, "solana": solana_setup, "stellar": stellar_setup, "ton": ton_setup,
}


def _measure(setup: Setup, repeat: int) -> list[float]:
    urls, make_verifier, method, msg_hash, payload = setup

    async def run() -> list[float]:
        quorum = QuorumVerifier([make_verifier(url) for url in urls])
        samples = []
        try:
            for i in range(repeat + 3):
                start = time.perf_counter()
                verdict = await quorum.verify(method, msg_hash, "bench-key", payload)
                if i >= 3:  # the first calls open connections
                    samples.append((time.perf_counter() - start) * 1000.0)
                if not verdict.allowed:
                    raise RuntimeError(f"bench policy denied an approved hash: {verdict}")
        finally:
            await quorum.aclose()
        return samples

    return asyncio.run(run())


def run(*, quick: bool = False) -> list[dict[str, Any]]:
    """One row per chain: p50/p99 latency of one quorum verification (ms)."""
    repeat = 30 if quick else 200
    rows = []
    for chain, setup in SETUPS.items():
        with setup() as ready:
            samples = _measure(ready, repeat)
        rows.append({"bench": "quorum_verify", "chain": chain, "p50_ms": percentile(samples, 50),
                     "p99_ms": percentile(samples, 99)})
    return rows


if __name__ == "__main__":
    from hot.bench.report import emit

    emit(run(quick=True), title="hot bench chains (3-endpoint quorum, ms)", json_output=False)
