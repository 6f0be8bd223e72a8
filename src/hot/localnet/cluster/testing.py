"""What the `hot_localnet` pytest fixture hands a test: a whole running localnet (started once, always stopped).

A dApp developer's integration test::

    def test_my_policy(hot_localnet):
        policy = hot_localnet.deploy_contract("mypolicy", Path("my_policy.py"))   # as test.near's sub-account
        with hot_localnet.client() as hot:                                        # HotClient: gatekeeper + NEAR
            key = hot.reserve_key([access_method(policy)])
            result = hot.sign(key.key_id, "ed25519", b"message", [b"proof"])
        assert result.public_key == hot_localnet.client().public_key(key.key_id, "ed25519")

The fixtures themselves live in the SDK's pytest plugin, `hot.sdk.testing`, which imports this
module inside them (the localnet sits above the SDK: docs/architecture.md). Options come from
environment variables so a suite can size the network without code: `HOT_LOCALNET_NODES`
(default 5), `HOT_LOCALNET_THRESHOLD` (3), `HOT_LOCALNET_TIMEOUT` (seconds per component, 60).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hot.localnet.cluster.config import ClusterOptions, ClusterPaths


@dataclass(frozen=True)
class LocalnetHandle:
    """A running localnet: its status document plus shortcuts to what tests use most."""

    data_dir: Path
    status: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        # near_rpc, gatekeeper, api_key, evm_rpc, solana_rpc, soroban_rpc, ton_api, bitcoin_api, contracts...
        try:
            return self.status[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    @property
    def root_key_file(self) -> Path:
        """NEAR key file of the chain's root account (`test.near`), which can create accounts."""
        return ClusterPaths(self.data_dir).root_key_file

    def deploy_contract(self, name: str, source: Path | str | bytes, init: str | None = None,
                        args: dict[str, Any] | None = None) -> str:
        """Deploy a Python contract (file path, or source text/bytes) to a new `<name>.<root>`; its account id."""
        from hot.near.actions import DeployContract, FunctionCall
        from hot.localnet.cluster.deploy import GAS, ProtocolDeployer

        code = source if isinstance(source, bytes) else (Path(source).read_bytes() if isinstance(source, Path)
                                                          else source.encode())
        deployer = ProtocolDeployer(self.near_rpc, self.root_key_file)
        try:
            account_id = deployer.account(name)
            deployer.create_account(account_id)
            actions: list[Any] = [DeployContract(code)]
            if init:
                actions.append(FunctionCall(init, json.dumps(args or {}).encode(), GAS, 0))
            deployer.send(account_id, account_id, actions)
        finally:
            deployer.close()
        return account_id

    def client(self, **kwargs: Any) -> Any:
        """A `hot.sdk.client.HotClient` for this localnet, signing NEAR transactions as the root account."""
        from hot.near.signer import read_key_file
        from hot.sdk.client import HotClient

        account_id, key = read_key_file(self.root_key_file)
        kwargs.setdefault("near_account_id", account_id)
        kwargs.setdefault("near_private_key", key.secret)
        return HotClient.from_localnet(self.data_dir, **kwargs)


def options_from_env() -> ClusterOptions:
    """The `hot_localnet_options` fixture's default: the HOT_LOCALNET_* variables, or 5 nodes, threshold 3."""
    return ClusterOptions(nodes=int(os.environ.get("HOT_LOCALNET_NODES", "5")),
                          threshold=int(os.environ.get("HOT_LOCALNET_THRESHOLD", "3")),
                          start_timeout=float(os.environ.get("HOT_LOCALNET_TIMEOUT", "60")))
