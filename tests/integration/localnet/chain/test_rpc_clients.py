"""Unmodified NEAR clients against the localnet RPC: py-near (async) and near-api-py (sync).

Each creates an account, deploys the guide's contract, sends function calls signed with its own keys
and reads views; failures surface as the clients' own error types with the contract's code intact.
"""

from __future__ import annotations

import asyncio

import pytest
from hot.examples.approvals.contract import Approvals
from hot.localnet.chain.chain import NEAR
from hot.near.signer import KeyPair, read_key_file
from hot.sdk.testing import contract_source

pytestmark = pytest.mark.integration


def test_py_near_creates_accounts_calls_and_views(near_rpc) -> None:  # type: ignore[no-untyped-def]
    from py_near import transactions
    from py_near.account import Account

    async def scenario() -> None:
        root = Account(near_rpc.root_account, near_rpc.root_secret_key, rpc_addr=near_rpc.url)
        await root.startup()
        key = KeyPair.generate()
        created = await root.create_account("pynear.test.near", str(key.public_key), 20 * NEAR)
        assert created.status == {"SuccessValue": ""}
        owner = Account("pynear.test.near", key.secret, rpc_addr=near_rpc.url)
        await owner.startup()
        deploy = await owner.sign_and_submit_tx("pynear.test.near", [
            transactions.create_deploy_contract_action(contract_source(Approvals)),
            transactions.create_function_call_action("new", b'{"owner": "pynear.test.near"}', 10**14, 0)])
        assert deploy.status == {"SuccessValue": ""}
        approved = await owner.function_call("pynear.test.near", "approve", {"msg_hash": "3yZe7d"})
        assert approved.status == {"SuccessValue": ""} and approved.logs[0].startswith("EVENT_JSON:")
        assert (await owner.view_function("pynear.test.near", "hot_verify", {"msg_hash": "3yZe7d"})).result is True
        assert (await root.view_function("pynear.test.near", "hot_verify", {"msg_hash": "nope"})).result is False
        refused = await root.function_call("pynear.test.near", "approve", {"msg_hash": "x"})
        assert "E_NOT_OWNER" in refused.status["Failure"]["ActionError"]["kind"]["FunctionCallError"]["ExecutionError"]
        state = await owner.fetch_state()
        assert int(state["amount"]) > 19 * NEAR
        tx_hash = await owner.function_call("pynear.test.near", "approve", {"msg_hash": "abc"}, included=True)
        assert isinstance(tx_hash, str)
        status = await owner.provider.get_tx(tx_hash, "pynear.test.near")
        assert status.status == {"SuccessValue": ""}
        experimental = await owner.provider.get_tx_status(tx_hash, "pynear.test.near")
        assert experimental.receipts[0]["receiver_id"] == "pynear.test.near"
        await root.shutdown()
        await owner.shutdown()

    asyncio.run(scenario())


def test_near_api_py_creates_accounts_calls_and_views(near_rpc) -> None:  # type: ignore[no-untyped-def]
    import near_api

    provider = near_api.providers.JsonProvider(near_rpc.url)
    root_id, root_key = read_key_file(near_rpc.root_key_file)
    root = near_api.account.Account(provider, near_api.signer.Signer(
        root_id, near_api.signer.KeyPair(root_key.secret)), root_id)
    key = KeyPair.generate()
    root.create_account("nearapi.test.near", key.public_key.data, 20 * NEAR)
    owner = near_api.account.Account(provider, near_api.signer.Signer(
        "nearapi.test.near", near_api.signer.KeyPair(key.secret)), "nearapi.test.near")
    owner.deploy_contract(contract_source(Approvals))
    owner.function_call("nearapi.test.near", "new", {"owner": "nearapi.test.near"})
    owner.function_call("nearapi.test.near", "approve", {"msg_hash": "3yZe7d"})
    assert owner.view_function("nearapi.test.near", "hot_verify", {"msg_hash": "3yZe7d"})["result"] is True
    with pytest.raises(near_api.account.TransactionError) as refused:
        root.function_call("nearapi.test.near", "approve", {"msg_hash": "x"})
    assert "E_NOT_OWNER" in str(refused.value)
    with pytest.raises(near_api.account.ViewFunctionError, match="MethodNotFound"):
        owner.view_function("nearapi.test.near", "nope", {})
    assert provider.get_account("nearapi.test.near")["code_hash"] != "11111111111111111111111111111111"
