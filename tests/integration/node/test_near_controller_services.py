"""Node services on the Controller contract itself (`controller.kind = "near"`): keygen votes, then a reshare.

The nodes run in one event loop; the Controller (src/hot/contracts/controller.py) runs on the session's
NEAR JSON-RPC localnet. Nodes read `get_state()` over JSON-RPC and vote from their own accounts;
the test plays the DAO and the participants' governance votes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hot.contracts
import pytest
from hot.near.signer import write_key_file
from hot.mpc.node.config import NodeConfig
from hot.mpc.node.identity import NodeIdentity
from hot.mpc.node.registry_client import StaticAccessLists
from hot.mpc.node.service import NodeService
from hot.sdk.testing import LocalAccount, TestChain

from tests.support.cluster import free_port
from tests.support.inprocess import PayloadPolicy

pytestmark = pytest.mark.integration
CONTRACTS = Path(hot.contracts.__file__).parent


async def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)  # polling the chain under a deadline
    return found


def operator(chain: TestChain, root: Path, controller: LocalAccount, name: str) -> tuple[LocalAccount, dict[str, Any]]:
    """A node operator: NEAR account, identity, ports, `register_node`; returns its node config."""
    account = chain.create_account(name)
    data_dir = root / name
    identity = NodeIdentity.load_or_create(data_dir)
    write_key_file(data_dir / "near_key.json", account.account_id, account.key)
    http_port, p2p_port = free_port(), free_port()
    account.call(controller, "register_node", {
        "url": f"http://127.0.0.1:{http_port}", "p2p_public_key": identity.p2p_public_key.hex(),
        "signing_public_key": identity.signing_public_key.hex(), "p2p_address": f"127.0.0.1:{p2p_port}"})
    participant_id = controller.view("get_node", {"account_id": account.account_id})["participant_id"]
    return account, {"participant_id": participant_id, "data_dir": str(data_dir), "http_port": http_port, "p2p_port": p2p_port,
                     "round_timeout_seconds": 3.0, "presign": {"low_water": 0, "high_water": 1, "max_sets": 1}}


def test_nodes_generate_keys_and_reshare_through_the_controller_contract(tmp_path: Path, near_rpc: Any) -> None:
    chain = TestChain(near_rpc.chain)
    suffix = str(int(time.time() * 1000))
    dao, controller = chain.create_account(f"dao{suffix}"), chain.create_account(f"ctl{suffix}")
    controller.deploy(CONTRACTS / "controller.py", init="new", args={"dao": dao.account_id, "require_attestation": False})
    accounts, configs = {}, {}
    for i in range(1, 5):
        account, config = operator(chain, tmp_path, controller, f"n{i}x{suffix}")
        assert config["participant_id"] == i
        accounts[i] = account
        configs[i] = NodeConfig.model_validate({**config, "controller": {
            "kind": "near", "rpc_url": near_rpc.url, "account_id": controller.account_id,
            "near_account_id": account.account_id, "near_key_file": str(Path(config["data_dir"]) / "near_key.json"),
            "poll_seconds": 0.2}})

    async def scenario() -> None:
        services = {i: NodeService(configs[i], access_lists=StaticAccessLists({}), verifier=PayloadPolicy()) for i in configs}
        stop = asyncio.Event()
        try:
            await asyncio.gather(*(s.start() for s in services.values()))
            runs = [asyncio.create_task(s.serve_until(stop)) for s in services.values()]
            dao.call(controller, "begin_keygen", {"participants": [accounts[i].account_id for i in (1, 2, 3)],
                                                  "threshold": 2, "schemes": ["ed25519", "secp256k1"]})
            state = await wait_for(lambda: (s := controller.view("get_state"))["state"] == "Running" and s, "keygen votes")
            keys = {d["scheme"]: d["public_key"] for d in state["domains"]}
            assert all(keys.values()) and state["epoch"] == 0
            for i in (1, 2):  # 60% of three participants propose the fourth node
                accounts[i].call(controller, "vote_add_participant", {"account_id": accounts[4].account_id})
            state = await wait_for(lambda: (s := controller.view("get_state"))["state"] == "Running" and s["epoch"] > 0 and s,
                                   "the reshare's vote_reshared from all four")
            assert [p["participant_id"] for p in state["participants"]] == [1, 2, 3, 4]
            assert {d["scheme"]: d["public_key"] for d in state["domains"]} == keys  # resharing keeps the keys
            # key_share answers for the epoch the runner last read: wait until every runner has read the new one
            await wait_for(lambda: all(s.runner.epoch() == state["epoch"] and s.runner.key_share("secp256k1") is not None
                                       for s in services.values()), "every node loads its new-epoch share")
            for service in services.values():
                share = service.runner.key_share("secp256k1")
                assert share is not None and share.epoch == state["epoch"]
                assert share.suite.serialize_element(share.group_public_key).hex() == keys["secp256k1"]
            stop.set()
            await asyncio.gather(*runs)
        finally:
            stop.set()
            await asyncio.gather(*(s.close() for s in services.values()), return_exceptions=True)

    asyncio.run(asyncio.wait_for(scenario(), 120))
