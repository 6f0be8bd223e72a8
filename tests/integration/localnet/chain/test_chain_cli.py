"""`hot localnet chain` as a real process, and `hot contract deploy|call|view` against the RPC."""

from __future__ import annotations

from pathlib import Path

import hot.examples.approvals
import httpx
import pytest
from hot.localnet.cli import app as localnet_app
from hot.localnet.rpc.near.process import ChainProcess
from hot.sdk.cli import contract_app
from typer.testing import CliRunner

pytestmark = pytest.mark.integration
APPROVALS = Path(hot.examples.approvals.__file__).parent / "contract.py"


def _status(url: str) -> dict[str, object]:
    return httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "status", "params": []}).json()["result"]  # type: ignore[no-any-return]


def test_localnet_chain_command_serves_and_keeps_state_across_restarts(tmp_path: Path) -> None:
    chain = ChainProcess(tmp_path).start()
    try:
        status = _status(chain.url)
        assert status["chain_id"] == "localnet"
        genesis = status["sync_info"]["earliest_block_hash"]  # type: ignore[index]
    finally:
        assert chain.stop() == 0  # SIGTERM: a graceful stop
    assert any(line.strip() == "stopped" for line in chain.output)
    assert (tmp_path / "chain.sqlite3").exists() and (tmp_path / "validator_key.json").exists()
    with ChainProcess(tmp_path) as again:
        assert _status(again.url)["sync_info"]["earliest_block_hash"] == genesis  # type: ignore[index]


def test_help_on_every_command() -> None:
    runner = CliRunner()
    for app, argv in [(localnet_app, ["--help"]), (localnet_app, ["chain", "--help"]), (contract_app, ["--help"]),
                      (contract_app, ["deploy", "--help"]), (contract_app, ["call", "--help"]),
                      (contract_app, ["view", "--help"])]:
        result = runner.invoke(app, argv)
        assert result.exit_code == 0 and "Usage" in result.output, (argv, result.output)


def test_contract_deploy_call_view(near_rpc) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    common = ["--rpc", near_rpc.url]
    key = ["--key-file", str(near_rpc.root_key_file)]
    deployed = runner.invoke(contract_app, ["deploy", "cli.test.near", str(APPROVALS), "--create", "--init", "new",
                                            "--args", '{"owner": "test.near"}', *common, *key])
    assert deployed.exit_code == 0, deployed.output
    # The created account holds the same key, so the key file signs as it too.
    called = runner.invoke(contract_app, ["call", "cli.test.near", "approve", '{"msg_hash": "h1"}', *common, *key])
    assert called.exit_code == 0 and "EVENT_JSON" in called.output, called.output
    viewed = runner.invoke(contract_app, ["view", "cli.test.near", "hot_verify", '{"msg_hash": "h1"}', *common])
    assert viewed.exit_code == 0 and viewed.output.strip() == "true"
    refused = runner.invoke(contract_app, ["call", "cli.test.near", "approve", '{"msg_hash": "h2"}', "--as",
                                           "cli.test.near", *common, *key])
    assert refused.exit_code == 1 and "E_NOT_OWNER" in refused.output
    bad = runner.invoke(contract_app, ["view", "cli.test.near", "hot_verify", "[1]", *common])
    assert bad.exit_code != 0
    unknown = runner.invoke(contract_app, ["view", "ghost.test.near", "hot_verify", "{}", *common])
    assert unknown.exit_code == 1 and "UNKNOWN_ACCOUNT" in unknown.output
