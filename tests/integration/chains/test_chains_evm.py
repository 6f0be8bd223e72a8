"""EVM adapter against the real local EVM endpoint (py-evm), contracts deployed by unmodified web3.py."""

from __future__ import annotations

import asyncio
import os

import pytest
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import AuthMethod, Verdict
from hot.wire.errors import InsecureEndpoint, InvalidRequest, MalformedAnswer, PolicyCallFailed
from hot.mpc.chains.evm import (
    EvmVerifier,
    decode_bool_word,
    encode_hot_verify,
    selector,
)

from .chain_doubles import lying_proxy
from .chain_fixtures import EvmFixture

pytestmark = pytest.mark.integration


def ask(url: str, method: AuthMethod, msg_hash: bytes, payload: bytes = b"", confirmations: int = 2) -> Verdict:
    async def run() -> Verdict:
        verifier = EvmVerifier(url, confirmations=confirmations)
        try:
            return await verifier.verify(method, msg_hash, "key-1", payload)
        finally:
            await verifier.aclose()

    return asyncio.run(run())


def test_web3_calls_the_deployed_vyper_policy_directly(evm: EvmFixture) -> None:
    from hot.examples.policies.evm import compile_policy

    contract = evm.w3.eth.contract(address=evm.approved_messages, abi=compile_policy("approved_messages").abi)
    assert contract.functions.owner().call() == evm.owner
    assert contract.functions.hot_verify(os.urandom(32), b"k", b"", b"").call() is False


def test_owner_approved_message_is_allowed_once_deep_enough(evm: EvmFixture) -> None:
    msg_hash = os.urandom(32)
    method = AuthMethod(evm.chain_id, evm.approved_messages)
    evm.approve(msg_hash)
    # Reorg-aware: the approval is in the head block, 2 confirmations are required.
    assert ask(evm.url, method, msg_hash).allowed is False
    assert ask(evm.url, method, msg_hash, confirmations=0).allowed is True
    evm.mine(2)
    verdict = ask(evm.url, method, msg_hash)
    assert verdict.allowed and verdict.endpoints == (evm.url,)


def test_unapproved_message_is_denied(evm: EvmFixture) -> None:
    verdict = ask(evm.url, AuthMethod(evm.chain_id, evm.approved_messages), os.urandom(32), confirmations=0)
    assert verdict.allowed is False


def test_delegation_target_policy_reads_user_payload(evm: EvmFixture) -> None:
    msg_hash = os.urandom(32)
    method = AuthMethod(evm.chain_id, evm.payload_echo)
    assert ask(evm.url, method, msg_hash, msg_hash + b"tail").allowed is True
    assert ask(evm.url, method, msg_hash, os.urandom(32)).allowed is False
    assert ask(evm.url, method, msg_hash, b"short").allowed is False


def test_address_without_code_is_malformed_not_allow(evm: EvmFixture) -> None:
    with pytest.raises(MalformedAnswer):
        ask(evm.url, AuthMethod(evm.chain_id, "0x" + "42" * 20), os.urandom(32), confirmations=0)


def test_wrong_method_reverts_as_typed_failure(evm: EvmFixture) -> None:
    method = AuthMethod(evm.chain_id, evm.approved_messages, metadata='{"method": "no_such_method"}')
    with pytest.raises(PolicyCallFailed):
        ask(evm.url, method, os.urandom(32), confirmations=0)


@pytest.mark.parametrize("lie", [1, "0x01", "0x" + "00" * 31 + "02", "0x" + "00" * 31 + "01" + "00" * 32, "0xzz", None])
def test_malformed_eth_call_answers_are_typed_errors(evm: EvmFixture, lie: object) -> None:
    def rewrite(request: dict, answer: dict) -> dict:
        return {**answer, "result": lie} if request["method"] == "eth_call" else answer

    with ServerThread(lying_proxy(evm.url, rewrite)) as liar, pytest.raises(MalformedAnswer):
        ask(liar.url, AuthMethod(evm.chain_id, evm.approved_messages), os.urandom(32))


def test_bad_requests_are_refused_before_any_call(evm: EvmFixture) -> None:
    with pytest.raises(InvalidRequest):
        ask(evm.url, AuthMethod(evm.chain_id, "not-an-address"), os.urandom(32))
    with pytest.raises(InvalidRequest):
        ask(evm.url, AuthMethod(evm.chain_id, evm.approved_messages), b"\x01" * 31)
    with pytest.raises(InsecureEndpoint):
        EvmVerifier("http://example.com:8545")


def test_abi_encoding_matches_hot_signature() -> None:
    assert selector("hot_verify").hex() == __import__("eth_utils").keccak(text="hot_verify(bytes32,bytes,bytes,bytes)")[:4].hex()
    data = encode_hot_verify("hot_verify", b"\x00" * 32, b"w", b"p", b"")
    assert data.startswith("0x" + selector("hot_verify").hex()) and (len(data) - 2) // 2 == 4 + 32 * 4 + 64 + 64 + 32  # heads, two one-word tails, empty metadata
    assert decode_bool_word("0x" + "00" * 31 + "01") is True and decode_bool_word("0x" + "00" * 32) is False


def test_locally_signed_raw_transaction_deploys_and_approves(evm: EvmFixture) -> None:
    """web3.py's own fee/nonce/gas filling and eth_sendRawTransaction against the endpoint."""
    from eth_account import Account
    from hot.examples.policies.evm import compile_policy

    owner = Account.create()
    evm.w3.eth.wait_for_transaction_receipt(
        evm.w3.eth.send_transaction({"from": evm.owner, "to": owner.address, "value": 10**18}))
    policy = compile_policy("approved_messages")
    factory = evm.w3.eth.contract(abi=policy.abi, bytecode=policy.bytecode)
    deploy_tx = factory.constructor().build_transaction(
        {"from": owner.address, "nonce": evm.w3.eth.get_transaction_count(owner.address)})
    signed = owner.sign_transaction(deploy_tx)
    receipt = evm.w3.eth.wait_for_transaction_receipt(evm.w3.eth.send_raw_transaction(signed.raw_transaction))
    contract = evm.w3.eth.contract(address=receipt.contractAddress, abi=policy.abi)
    msg_hash = os.urandom(32)
    approve_tx = contract.functions.approve(msg_hash).build_transaction(
        {"from": owner.address, "nonce": evm.w3.eth.get_transaction_count(owner.address)})
    evm.w3.eth.wait_for_transaction_receipt(evm.w3.eth.send_raw_transaction(owner.sign_transaction(approve_tx).raw_transaction))
    assert ask(evm.url, AuthMethod(evm.chain_id, receipt.contractAddress), msg_hash, confirmations=0).allowed is True
    # The default evm.owner is not this contract's owner: its approve reverts (E_NOT_OWNER).
    with pytest.raises(Exception, match="E_NOT_OWNER|revert"):
        contract.functions.approve(os.urandom(32)).transact({"from": evm.owner})


def test_endpoint_of_another_chain_is_refused(evm: EvmFixture) -> None:
    from hot.wire.errors import WrongChain
    from hot.mpc.chains.registry import endpoint_verifier

    method = AuthMethod(1, evm.approved_messages)  # configured as Ethereum mainnet, served by the dev chain
    with pytest.raises(WrongChain):
        asyncio.run(_verify_once(endpoint_verifier(1, evm.url), method))
    right = endpoint_verifier(evm.chain_id, evm.url)
    assert asyncio.run(_verify_once(right, AuthMethod(evm.chain_id, evm.approved_messages))).allowed is False


async def _verify_once(verifier, method: AuthMethod) -> Verdict:
    try:
        return await verifier.verify(method, os.urandom(32), "key-1", b"")
    finally:
        await verifier.aclose()
