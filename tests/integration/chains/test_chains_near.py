"""NEAR adapter (HOT's hot_verify arguments) and delegation from NEAR to a real EVM contract."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Iterator
from typing import Any

import base58
import pytest
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import NEAR_CHAIN_ID, AuthMethod, Decision, Verdict
from hot.wire.errors import DelegationRefused, InvalidRequest, MalformedAnswer, PolicyCallFailed, UnknownChain
from hot.mpc.chains.near import NearVerifier
from hot.mpc.chains.registry import ChainRegistry, registry_from_config

from .chain_doubles import lying_proxy, near_policy_host
from .chain_fixtures import EvmFixture

pytestmark = pytest.mark.integration
SEEN: list[dict[str, Any]] = []


def approve_if_payload_says_yes(args: dict[str, Any]) -> Any:
    SEEN.append(args)
    return args["user_payload"] == "yes"


@pytest.fixture(scope="module")
def near(evm: EvmFixture) -> Iterator[str]:
    policies = {
        ("wallet.near", "hot_verify"): approve_if_payload_says_yes,
        ("wallet.near", "custom_verify"): lambda args: True,
        # Delegates to the EVM payload_echo contract: allow iff the payload starts with msg_hash.
        ("to-evm.near", "hot_verify"): lambda args: {
            "chain_id": evm.chain_id, "contract_id": evm.payload_echo, "method": "hot_verify",
            "input": "0x" + base58.b58decode(args["msg_hash"]).hex() + args["user_payload"],
        },
        ("loop-a.near", "hot_verify"): lambda args: {"chain_id": NEAR_CHAIN_ID, "contract_id": "loop-b.near", "input": "x"},
        ("loop-b.near", "hot_verify"): lambda args: {"chain_id": NEAR_CHAIN_ID, "contract_id": "loop-a.near", "input": "x"},
        ("to-nowhere.near", "hot_verify"): lambda args: {"chain_id": 999_999, "contract_id": "0x" + "00" * 20},
        ("bad.near", "hot_verify"): lambda args: {"chain_id": "evm"},
        ("number.near", "hot_verify"): lambda args: 1,
    }
    with ServerThread(near_policy_host(policies)) as server:
        yield server.url


def ask(near_urls: list[str], evm: EvmFixture, contract: str, payload: bytes, msg_hash: bytes | None = None,
        metadata: str | None = None) -> Verdict:
    async def run() -> Verdict:
        registry = registry_from_config({NEAR_CHAIN_ID: near_urls, evm.chain_id: [evm.url]})
        try:
            method = AuthMethod(NEAR_CHAIN_ID, contract, metadata=metadata)
            return await registry.verify(method, msg_hash or os.urandom(32), "wallet-7", payload, "body")
        finally:
            await registry.aclose()

    return asyncio.run(run())


def test_allow_and_deny_with_hot_arguments(near: str, evm: EvmFixture) -> None:
    msg_hash = os.urandom(32)
    assert ask([near], evm, "wallet.near", b"yes", msg_hash).decision is Decision.ALLOW
    assert SEEN[-1] == {"wallet_id": "wallet-7", "msg_hash": base58.b58encode(msg_hash).decode(), "msg_body": "body",
                        "user_payload": "yes"}
    assert ask([near], evm, "wallet.near", b"no").decision is Decision.DENY


def test_metadata_names_the_method(near: str, evm: EvmFixture) -> None:
    assert ask([near], evm, "wallet.near", b"no", metadata='{"method": "custom_verify"}').allowed


def test_near_method_delegates_to_evm_contract(near: str, evm: EvmFixture) -> None:
    # evm.payload_echo is stateless, so confirmations do not matter.
    assert ask([near], evm, "to-evm.near", b"").allowed is True
    assert ask([near, near, near], evm, "to-evm.near", b"").allowed is True


def test_delegation_loop_is_refused(near: str, evm: EvmFixture) -> None:
    with pytest.raises(DelegationRefused):
        ask([near], evm, "loop-a.near", b"")


def test_delegation_depth_is_bounded(near: str) -> None:
    async def run() -> None:
        registry = registry_from_config({NEAR_CHAIN_ID: [near]})
        registry.max_depth = 0
        try:
            await registry.verify(AuthMethod(NEAR_CHAIN_ID, "loop-a.near"), os.urandom(32), "w", b"")
        finally:
            await registry.aclose()

    with pytest.raises(DelegationRefused, match="deeper"):
        asyncio.run(run())


def test_delegation_to_unconfigured_chain_fails_closed(near: str, evm: EvmFixture) -> None:
    with pytest.raises(UnknownChain):
        ask([near], evm, "to-nowhere.near", b"")


@pytest.mark.parametrize(("contract", "error"), [
    ("bad.near", MalformedAnswer), ("number.near", MalformedAnswer), ("missing.near", PolicyCallFailed),
])
def test_bad_policy_answers_are_typed_errors(near: str, contract: str, error: type[Exception]) -> None:
    async def run() -> Verdict:
        verifier = NearVerifier(near)
        try:
            return await verifier.verify(AuthMethod(NEAR_CHAIN_ID, contract), os.urandom(32), "w", b"")
        finally:
            await verifier.aclose()

    with pytest.raises(error):
        asyncio.run(run())


def _rewrite_result(new_result: Any):
    def rewrite(request: dict, answer: dict) -> dict:
        return {**answer, "result": new_result(answer["result"])}

    return rewrite


@pytest.mark.parametrize("corrupt", [
    lambda r: {**r, "result": r["result"][:-1]},            # truncated JSON
    lambda r: {**r, "result": base64.b64encode(b"true").decode()},  # wrong type (a string)
    lambda r: {**r, "result": [300, 1]},                    # not bytes
    lambda r: "true",                                       # result not an object
    lambda r: {**r, "result": list(json.dumps("true").encode())},  # JSON string, not bool
])
def test_malformed_near_answers_are_typed_errors(near: str, corrupt: Any) -> None:
    with ServerThread(lying_proxy(near, _rewrite_result(corrupt))) as liar:
        async def run() -> Verdict:
            verifier = NearVerifier(liar.url)
            try:
                return await verifier.verify(AuthMethod(NEAR_CHAIN_ID, "wallet.near"), os.urandom(32), "w", b"yes")
            finally:
                await verifier.aclose()

        with pytest.raises(MalformedAnswer):
            asyncio.run(run())


def test_non_utf8_payload_is_refused_for_near() -> None:
    async def run() -> None:
        registry = ChainRegistry({NEAR_CHAIN_ID: NearVerifier("http://127.0.0.1:9")})
        await registry.verify(AuthMethod(NEAR_CHAIN_ID, "wallet.near"), os.urandom(32), "w", b"\xff\xfe")

    with pytest.raises(InvalidRequest):
        asyncio.run(run())
