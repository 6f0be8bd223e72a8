"""`hot sign` (hot.sdk.sign_cli.sign) against the test gatekeeper: defaults from the localnet's status.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import coincurve
import pytest
import typer
from hot.sdk.client import GatekeeperError, HotClient
from hot.sdk.sign_cli import sign
from typer.testing import CliRunner

from tests.support.client_fixtures import API_KEY, PasskeyKey
from tests.support.threshold_gatekeeper import ThresholdGatekeeper

pytestmark = pytest.mark.integration
SIGHASH = hashlib.sha256(b"cli input").digest()

app = typer.Typer()
app.callback()(lambda: None)  # keep `sign` a subcommand, as under `hot`
app.command("sign")(sign)


@pytest.fixture
def localnet_dir(tmp_path: Path, gatekeeper: ThresholdGatekeeper) -> Path:
    status = {"near_rpc": "http://127.0.0.1:1", "gatekeeper": gatekeeper.url, "api_key": API_KEY,
              "data_dir": str(tmp_path)}
    (tmp_path / "status.json").write_text(json.dumps(status))
    return tmp_path


def test_sign_with_defaults_from_the_status_file(localnet_dir: Path, wallet: PasskeyKey) -> None:
    args = ["sign", "--key-id", wallet.key_id, "--domain", "secp256k1", "--message", SIGHASH.hex(),
            "--payload", wallet.payload([SIGHASH]).hex(), "--json", "--localnet-dir", str(localnet_dir)]
    result = CliRunner().invoke(app, args, env={"HOT_GATEKEEPER": None, "HOT_API_KEY": None})
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    recoverable = bytes.fromhex(answer["signature"]) + bytes([answer["recovery_id"]])
    recovered = coincurve.PublicKey.from_signature_and_message(recoverable, SIGHASH, hasher=None)
    assert recovered.format().hex() == answer["public_key"] and answer["key_id"] == wallet.key_id


def test_denied_and_bad_usage_exit_codes(gatekeeper: ThresholdGatekeeper, wallet: PasskeyKey, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["sign", "--key-id", wallet.key_id, "--domain", "secp256k1", "--message", SIGHASH.hex()]
    explicit = ["--gatekeeper", gatekeeper.url, "--api-key", API_KEY]
    denied = runner.invoke(app, [*base, *explicit, "--json"])
    assert denied.exit_code == 1 and json.loads(denied.output)["error"]["code"] == "authorization_denied"
    ok = runner.invoke(app, [*base, *explicit, "--payload", wallet.payload([SIGHASH]).hex()])
    assert ok.exit_code == 0 and "verified     yes" in ok.output
    nowhere = runner.invoke(app, [*base, "--localnet-dir", str(tmp_path)], env={"HOT_GATEKEEPER": None})
    assert nowhere.exit_code == 2 and "no gatekeeper known" in nowhere.output
    assert runner.invoke(app, [*base[:-1], "zz", *explicit]).exit_code == 2
    assert runner.invoke(app, [*base[:4], "rsa", *base[5:], *explicit]).exit_code == 2


def test_a_client_from_the_localnet_status(localnet_dir: Path, wallet: PasskeyKey) -> None:
    status = json.loads((localnet_dir / "status.json").read_text())
    (localnet_dir / "status.json").write_text(json.dumps({**status, "contracts": {"registry": "reg.test.near"}}))
    with HotClient.from_localnet(localnet_dir) as hot:
        assert hot.registry_id == "reg.test.near"
        assert len(hot.public_key(wallet.key_id, "secp256k1")) == 33
    with pytest.raises(GatekeeperError):
        HotClient.from_localnet(localnet_dir / "nothing-here")
