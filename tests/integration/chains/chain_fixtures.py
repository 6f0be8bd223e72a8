"""Shared fixtures and helpers for the chain-adapter tests (imported by conftest.py and the tests).

Each chain also yields a `ChainCase`: what the chain-generic quorum tests need to know (an
endpoint, a verifier for a URL, an auth method, how to approve a hash, and how a liar lies).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hot.examples.policies.evm import compile_policy
from hot.localnet.rpc.evm import create_app as create_evm_app
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import AuthMethod, ChainVerifier
from web3 import HTTPProvider, Web3

Rewrite = Callable[[dict[str, Any], Any], Any]


@dataclass
class ChainCase:
    """One chain as the generic tests see it."""

    label: str
    url: str
    make_verifier: Callable[[str], ChainVerifier]
    method: AuthMethod
    approve: Callable[[bytes], None]
    lie_allow: Callable[[bytes], Rewrite]
    lie_deny: Rewrite
    garbage: Rewrite


def run_verify(verifier: ChainVerifier, method: AuthMethod, msg_hash: bytes, payload: bytes = b"") -> Any:
    """Ask `verifier` once in a fresh event loop and close its connections."""

    async def run() -> Any:
        try:
            return await verifier.verify(method, msg_hash, "key-1", payload)
        finally:
            await verifier.aclose()

    return asyncio.run(run())


def rewrite_result(methods: set[str], fn: Callable[[Any], Any]) -> Rewrite:
    """A JSON-RPC lie: replace `result` of calls to `methods` with fn(result)."""

    def rewrite(request: dict[str, Any], answer: Any) -> Any:
        if request.get("method") in methods and isinstance(answer, dict) and "result" in answer:
            return {**answer, "result": fn(answer["result"])}
        return answer

    return rewrite


# --- EVM --------------------------------------------------------------------------------------


@dataclass
class EvmFixture:
    url: str
    w3: Web3
    chain_id: int
    owner: str
    approved_messages: str
    payload_echo: str

    def approve(self, msg_hash: bytes) -> None:
        """The owner approves msg_hash on-chain; blocks are mined past the verifier's depth."""
        abi = compile_policy("approved_messages").abi
        contract = self.w3.eth.contract(address=self.approved_messages, abi=abi)
        tx = contract.functions.approve(msg_hash).transact({"from": self.owner})
        self.w3.eth.wait_for_transaction_receipt(tx)

    def mine(self, blocks: int) -> None:
        self.w3.provider.make_request("evm_mine", [blocks])  # type: ignore[arg-type]


def deploy(w3: Web3, owner: str, name: str) -> str:
    policy = compile_policy(name)
    tx = w3.eth.contract(abi=policy.abi, bytecode=policy.bytecode).constructor().transact({"from": owner})
    return str(w3.eth.wait_for_transaction_receipt(tx).contractAddress)


@pytest.fixture(scope="session")
def evm() -> Iterator[EvmFixture]:
    """One local EVM for the session; tests use fresh random message hashes, so they do not interact."""
    with ServerThread(create_evm_app()) as server:
        w3 = Web3(HTTPProvider(server.url))
        owner = w3.eth.accounts[0]
        fixture = EvmFixture(
            url=server.url, w3=w3, chain_id=w3.eth.chain_id, owner=owner,
            approved_messages=deploy(w3, owner, "approved_messages"),
            payload_echo=deploy(w3, owner, "payload_echo"),
        )
        fixture.mine(2)  # deployments are deeper than the verifier's default confirmations
        yield fixture


@pytest.fixture(scope="session")
def evm_case(evm: EvmFixture) -> ChainCase:
    from hot.mpc.chains.evm import EvmVerifier

    def approve(msg_hash: bytes) -> None:
        evm.approve(msg_hash)
        evm.mine(2)

    word = "0x" + "00" * 31
    return ChainCase(
        label="evm", url=evm.url, make_verifier=EvmVerifier, method=AuthMethod(evm.chain_id, evm.approved_messages),
        approve=approve,
        lie_allow=lambda h: rewrite_result({"eth_call"}, lambda r: word + "01"),
        lie_deny=rewrite_result({"eth_call"}, lambda r: word + "00"),
        garbage=rewrite_result({"eth_call"}, lambda r: "0x1234"),
    )


# --- Solana -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def solana_case() -> Iterator[ChainCase]:
    from hot.examples.policies.solana import approve_transaction
    from hot.localnet.rpc.solana import create_app
    from hot.mpc.chains.base import SOLANA_CHAIN_ID
    from hot.mpc.chains.solana import SolanaVerifier
    from solana.rpc.async_api import AsyncClient
    from solders.keypair import Keypair
    from solders.pubkey import Pubkey

    owner = Keypair()
    with ServerThread(create_app()) as server:
        async def fund() -> None:
            async with AsyncClient(server.url) as client:
                await client.confirm_transaction((await client.request_airdrop(owner.pubkey(), 10**10)).value)

        asyncio.run(fund())

        def approve(msg_hash: bytes) -> None:
            async def send() -> None:
                async with AsyncClient(server.url) as client:
                    blockhash = (await client.get_latest_blockhash()).value.blockhash
                    signature = (await client.send_transaction(approve_transaction(owner, msg_hash, blockhash))).value
                    await client.confirm_transaction(signature, commitment="finalized")

            asyncio.run(send())

        def fake_account(msg_hash: bytes) -> Callable[[Any], Any]:
            account = {"lamports": 890880, "data": ["", "base64"], "owner": str(Pubkey(msg_hash)),
                       "executable": False, "rentEpoch": 0, "space": 0}
            return lambda result: {**result, "value": account}

        yield ChainCase(
            label="solana", url=server.url, make_verifier=SolanaVerifier,
            method=AuthMethod(SOLANA_CHAIN_ID, str(owner.pubkey())), approve=approve,
            lie_allow=lambda h: rewrite_result({"getAccountInfo"}, fake_account(h)),
            lie_deny=rewrite_result({"getAccountInfo"}, lambda r: {**r, "value": None}),
            garbage=rewrite_result({"getAccountInfo"}, lambda r: {**r, "value": {"owner": 7}}),
        )


# --- Stellar (Soroban) ------------------------------------------------------------------------


@dataclass
class StellarFixture:
    url: str
    owner: Any
    contract_id: str
    ledger: Any

    def invoke(self, signer: Any, function: str, args: list[Any], *, prepare: bool = True) -> str:
        """Prepare (simulate), sign and send a contract call with unmodified stellar-sdk; its final status."""
        from stellar_sdk import SorobanServer, TransactionBuilder

        server = SorobanServer(self.url)
        passphrase = server.get_network().passphrase
        builder = TransactionBuilder(server.load_account(signer.public_key), passphrase, base_fee=100)
        tx = builder.append_invoke_contract_function_op(self.contract_id, function, args).set_timeout(30).build()
        if prepare:
            tx = server.prepare_transaction(tx)
        tx.sign(signer)
        sent = server.send_transaction(tx)
        return server.get_transaction(sent.hash).status.value


@pytest.fixture(scope="session")
def stellar() -> Iterator[StellarFixture]:
    import httpx
    from hot.examples.policies.stellar import ApprovedMessages
    from hot.localnet.rpc.soroban import SorobanLedger, create_app
    from stellar_sdk import Keypair

    ledger, owner = SorobanLedger(), Keypair.random()
    contract_id = ledger.deploy(ApprovedMessages(owner.public_key), salt=b"approved-messages")
    with ServerThread(create_app(ledger=ledger)) as server:
        httpx.get(server.url + "/friendbot", params={"addr": owner.public_key}).raise_for_status()
        yield StellarFixture(server.url, owner, contract_id, ledger)


@pytest.fixture(scope="session")
def stellar_case(stellar: StellarFixture) -> ChainCase:
    from hot.mpc.chains.base import STELLAR_CHAIN_ID
    from hot.mpc.chains.stellar import StellarVerifier
    from stellar_sdk import scval

    def approve(msg_hash: bytes) -> None:
        assert stellar.invoke(stellar.owner, "approve", [scval.to_bytes(msg_hash)]) == "SUCCESS"

    def result_xdr(value: Any) -> Callable[[Any], Any]:
        return lambda result: {**result, "results": [{"xdr": value.to_xdr(), "auth": []}]}

    return ChainCase(
        label="stellar", url=stellar.url, make_verifier=StellarVerifier,
        method=AuthMethod(STELLAR_CHAIN_ID, stellar.contract_id), approve=approve,
        lie_allow=lambda h: rewrite_result({"simulateTransaction"}, result_xdr(scval.to_bool(True))),
        lie_deny=rewrite_result({"simulateTransaction"}, result_xdr(scval.to_bool(False))),
        garbage=rewrite_result({"simulateTransaction"}, result_xdr(scval.to_uint32(1))),
    )


# --- TON --------------------------------------------------------------------------------------


@dataclass
class TonFixture:
    url: str
    owner: Any
    address: str

    def seqno(self) -> int:
        import httpx

        answer = httpx.post(self.url + "/api/v2/runGetMethod", json={"address": self.address, "method": "seqno", "stack": []}).json()
        return int(answer["result"]["stack"][0][1], 16)

    def send(self, boc: str) -> dict[str, Any]:
        import httpx

        return httpx.post(self.url + "/api/v2/sendBoc", json={"boc": boc}).json()  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def ton() -> Iterator[TonFixture]:
    import os

    from hot.examples.policies.ton import approval_message, policy_address
    from hot.localnet.rpc.ton import create_app
    from nacl.signing import SigningKey

    owner = SigningKey.generate()
    with ServerThread(create_app()) as server:
        fixture = TonFixture(server.url, owner, policy_address(owner))
        assert fixture.send(approval_message(owner, os.urandom(32), 0, deploy=True))["ok"] is True
        yield fixture


@pytest.fixture(scope="session")
def ton_case(ton: TonFixture) -> ChainCase:
    from hot.examples.policies.ton import approval_message
    from hot.mpc.chains.base import TON_CHAIN_ID
    from hot.mpc.chains.ton import TonVerifier

    def approve(msg_hash: bytes) -> None:
        assert ton.send(approval_message(ton.owner, msg_hash, ton.seqno()))["ok"] is True

    def stack(entries: list[Any]) -> Rewrite:
        return lambda request, answer: {**answer, "result": {**answer["result"], "stack": entries}}

    return ChainCase(
        label="ton", url=ton.url, make_verifier=TonVerifier, method=AuthMethod(TON_CHAIN_ID, ton.address),
        approve=approve, lie_allow=lambda h: stack([["num", "-0x1"]]), lie_deny=stack([["num", "0x0"]]),
        garbage=stack([["cell", {"bytes": ""}]]),
    )
