"""TON adapter against the local toncenter v2 API running FunC code (compiled by func-js) in TON's emulator."""

from __future__ import annotations

import os

import httpx
import pytest
from hot.examples.policies.ton import approval_message, policy_address
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import TON_CHAIN_ID, AuthMethod
from hot.wire.errors import InvalidRequest, MalformedAnswer, PolicyCallFailed
from hot.mpc.chains.ton import TonVerifier, integer_from_run_result
from nacl.signing import SigningKey

from .chain_doubles import lying_proxy
from .chain_fixtures import ChainCase, TonFixture, run_verify

pytestmark = pytest.mark.integration


def test_owner_approval_allows_and_other_hash_denies(ton_case: ChainCase) -> None:
    approved = os.urandom(32)
    ton_case.approve(approved)
    assert run_verify(TonVerifier(ton_case.url), ton_case.method, approved).allowed is True
    assert run_verify(TonVerifier(ton_case.url), ton_case.method, os.urandom(32)).allowed is False


def test_forged_and_replayed_approvals_are_rejected_by_the_contract(ton: TonFixture, ton_case: ChainCase) -> None:
    msg_hash, seqno = os.urandom(32), ton.seqno()
    forged = approval_message(SigningKey.generate(), msg_hash, seqno)  # a stranger's key: another address
    assert ton.send(forged)["ok"] is False
    good = approval_message(ton.owner, msg_hash, seqno)
    assert ton.send(good)["ok"] is True
    assert ton.send(good)["ok"] is False  # replay: the seqno moved on (exit code 33)
    assert ton.seqno() == seqno + 1


def test_address_information_shows_the_deployed_code(ton: TonFixture) -> None:
    info = httpx.get(ton.url + "/api/v2/getAddressInformation", params={"address": ton.address}).json()
    assert info["ok"] and info["result"]["state"] == "active" and info["result"]["code"]


def test_undeployed_contract_and_unknown_method_are_policy_failures(ton_case: ChainCase) -> None:
    undeployed = AuthMethod(TON_CHAIN_ID, policy_address(SigningKey.generate()))
    with pytest.raises(PolicyCallFailed, match="-13"):
        run_verify(TonVerifier(ton_case.url), undeployed, os.urandom(32))
    unknown = AuthMethod(TON_CHAIN_ID, ton_case.method.contract_id, metadata='{"method": "no_such_getter"}')
    with pytest.raises(PolicyCallFailed):
        run_verify(TonVerifier(ton_case.url), unknown, os.urandom(32))


@pytest.mark.parametrize("corrupt", [
    lambda a: {**a, "result": {**a["result"], "stack": []}},
    lambda a: {**a, "result": {**a["result"], "stack": [["num", 1]]}},  # wrong type
    lambda a: {**a, "result": {**a["result"], "stack": [["num", "0x1"], ["num", "0x1"]]}},
    lambda a: {**a, "result": {**a["result"], "exit_code": "0"}},
    lambda a: {"result": a["result"]},  # no ok flag
    lambda a: [a],
])
def test_malformed_run_results_are_typed_errors(ton_case: ChainCase, corrupt: object) -> None:
    liar_app = lying_proxy(ton_case.url, lambda request, answer: corrupt(answer))  # type: ignore[operator]
    with ServerThread(liar_app) as liar, pytest.raises(MalformedAnswer):
        run_verify(TonVerifier(liar.url), ton_case.method, os.urandom(32))


def test_bad_address_is_refused() -> None:
    with pytest.raises(InvalidRequest):
        run_verify(TonVerifier("http://127.0.0.1:9"), AuthMethod(TON_CHAIN_ID, "not-an-address"), os.urandom(32))
    assert integer_from_run_result({"ok": True, "result": {"exit_code": 0, "stack": [["num", "-0x1"]]}}) == -1
