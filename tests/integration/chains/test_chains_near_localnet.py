"""NEAR adapter against the real NEAR localnet (src/hot/localnet/rpc/near): a Python policy deployed on chain.

The policy is an ordinary `hot.sdk` contract with HOT's `hot_verify` signature; a second view
(chosen through the auth method's metadata) delegates to the EVM payload-echo contract.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import base58
import pytest
from hot.near import BlockingNearRpc, DeployContract
from hot.localnet.rpc.near.server import RpcNode
from hot.mpc.chains.base import NEAR_CHAIN_ID, AuthMethod, Verdict
from hot.mpc.chains.registry import registry_from_config

from .chain_fixtures import EvmFixture

pytestmark = pytest.mark.integration

POLICY = '''
from hot.sdk.contract import contract, view

EVM_CHAIN_ID = {evm_chain_id}
EVM_CONTRACT = "{evm_contract}"


@contract
class OwnerApproved:
    """Allows a message when the payload repeats its hash; or hands the decision to an EVM contract."""

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        return user_payload == "approve:" + msg_hash

    @view
    def delegate_to_evm(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                        metadata: str = "") -> dict:
        return {{"chain_id": EVM_CHAIN_ID, "contract_id": EVM_CONTRACT, "method": "hot_verify",
                 "input": user_payload}}
'''


@pytest.fixture(scope="module")
def near_node(tmp_path_factory: pytest.TempPathFactory, evm: EvmFixture) -> Iterator[RpcNode]:
    with RpcNode(Path(tmp_path_factory.mktemp("near"))) as node:
        assert node.chain is not None
        source = POLICY.format(evm_chain_id=evm.chain_id, evm_contract=evm.payload_echo)
        with BlockingNearRpc(node.url) as client:
            outcome = client.sign_and_send(node.root_account, node.chain.root_key, node.root_account,
                                           [DeployContract(source.encode())])
        assert "SuccessValue" in outcome["status"]
        yield node


def ask(urls: list[str], evm: EvmFixture, method: AuthMethod, msg_hash: bytes, payload: bytes) -> Verdict:
    async def run() -> Verdict:
        registry = registry_from_config({NEAR_CHAIN_ID: urls, evm.chain_id: [evm.url]})
        try:
            return await registry.verify(method, msg_hash, "wallet-1", payload, "")
        finally:
            await registry.aclose()

    return asyncio.run(run())


def test_policy_on_the_near_localnet_allows_and_denies(near_node: RpcNode, evm: EvmFixture) -> None:
    msg_hash, method = os.urandom(32), AuthMethod(NEAR_CHAIN_ID, near_node.root_account)
    approval = ("approve:" + base58.b58encode(msg_hash).decode()).encode()
    urls = [near_node.url] * 3
    assert ask(urls, evm, method, msg_hash, approval).allowed is True
    assert ask(urls, evm, method, msg_hash, b"approve:someone-else").allowed is False


def test_near_policy_delegates_to_the_evm_contract(near_node: RpcNode, evm: EvmFixture) -> None:
    msg_hash = os.urandom(32)
    method = AuthMethod(NEAR_CHAIN_ID, near_node.root_account, metadata='{"method": "delegate_to_evm"}')
    payload_for_evm = ("0x" + msg_hash.hex()).encode()  # becomes the EVM call's user_payload bytes
    assert ask([near_node.url], evm, method, msg_hash, payload_for_evm).allowed is True
    assert ask([near_node.url], evm, method, msg_hash, ("0x" + os.urandom(32).hex()).encode()).allowed is False
