"""`hot wallet serve`: the passkey Bitcoin wallet of Appendix A on a running localnet.

It serves `create_wallet_app` with a `GatekeeperSigner`: keys reserved in the Registry by the
operator's NEAR account, passkeys bound in the passkey contract (deployed on first use unless
`--no-deploy`), spends signed by the gatekeeper after every node's hot_verify. Defaults come from
the localnet's `<data_dir>/status.json` (`hot localnet status --json`: `near_rpc`, `gatekeeper`,
`api_key`, `bitcoin_api`, `root_key_file`, `contracts.registry`). Runs until Ctrl-C, then stops the server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(name="wallet", help="The passkey Bitcoin wallet (whitepaper Appendix A).", no_args_is_help=True)

DEFAULT_ESPLORA = "http://127.0.0.1:3002"
DEFAULT_REGISTRY = "registry.test.near"
KEY_FILE_OPTION = typer.Option(None, "--key-file", help="Operator's NEAR key file (reserves keys).")
ORIGIN_OPTION = typer.Option([], "--origin", help="Allowed page origin; repeat (default http://localhost:PORT).")
LOCALNET_DIR_OPTION = typer.Option(None, "--localnet-dir", help="Where status.json is (default .localnet).")


@dataclass(frozen=True)
class WalletEndpoints:
    """Everything `serve` connects to, after defaults are filled in."""

    gatekeeper: str
    api_key: str
    near_rpc: str
    esplora: str
    operator_id: str
    operator_key: str
    registry: str


def resolve_endpoints(status: dict[str, Any], *, gatekeeper: str | None, api_key: str | None, near_rpc: str | None,
                      esplora: str | None, key_file: Path | None, registry: str | None = None) -> WalletEndpoints:
    """Options win over status.json (`bitcoin_api` is the Esplora URL, `root_key_file` the operator's
    key, `contracts.registry` the Registry); the key file falls back to `<data_dir>/chain/validator_key.json`."""
    from hot.near.signer import read_key_file

    gatekeeper, api_key = gatekeeper or status.get("gatekeeper"), api_key or status.get("api_key")
    near_rpc = near_rpc or status.get("near_rpc")
    if not (gatekeeper and api_key and near_rpc):
        raise typer.BadParameter("pass --gatekeeper, --api-key and --near-rpc, or start `hot localnet up` first")
    data_dir = Path(status.get("data_dir", ".localnet"))
    key_path = key_file or Path(status.get("root_key_file") or data_dir / "chain" / "validator_key.json")
    try:
        operator_id, operator_key = read_key_file(key_path)
    except (OSError, ValueError, KeyError) as exc:
        raise typer.BadParameter(f"cannot read the operator's NEAR key file {key_path}: {exc}") from exc
    esplora = esplora or status.get("bitcoin_api") or status.get("esplora") or DEFAULT_ESPLORA
    contracts = status.get("contracts")
    registry = registry or (contracts.get("registry") if isinstance(contracts, dict) else None) or DEFAULT_REGISTRY
    return WalletEndpoints(str(gatekeeper), str(api_key), str(near_rpc), str(esplora), operator_id,
                           operator_key.secret, str(registry))


@app.callback()
def wallet() -> None:
    """The passkey Bitcoin wallet of whitepaper Appendix A on HOT (a group, so `serve` stays a subcommand)."""


@app.command()
def serve(
    port: int = typer.Option(8000, "--port", help="HTTP port; the page must be opened at http://localhost:PORT."),
    gatekeeper: str | None = typer.Option(None, "--gatekeeper", envvar="HOT_GATEKEEPER", help="Gatekeeper URL."),
    api_key: str | None = typer.Option(None, "--api-key", envvar="HOT_API_KEY", help="Gatekeeper API key."),
    esplora: str | None = typer.Option(None, "--esplora", help="Esplora API of the Bitcoin localnet."),
    near_rpc: str | None = typer.Option(None, "--near-rpc", help="NEAR JSON-RPC URL of the localnet."),
    key_file: Path | None = KEY_FILE_OPTION,
    registry: str | None = typer.Option(None, "--registry", help="Key Registry account (default: the localnet's)."),
    passkey_contract: str | None = typer.Option(None, "--passkey-contract",
                                                help="Passkey contract account (default passkey.<operator>)."),
    deploy: bool = typer.Option(True, "--deploy/--no-deploy", help="Deploy the passkey contract if it is missing."),
    rp_id: str = typer.Option("localhost", "--rp-id", help="WebAuthn relying party id."),
    origin: list[str] = ORIGIN_OPTION,
    network: str = typer.Option("regtest", "--network", help="Bitcoin network for addresses."),
    localnet_dir: Path | None = LOCALNET_DIR_OPTION,
) -> None:
    """Serve the wallet page and API until Ctrl-C."""
    from hot.examples.passkey_wallet.gatekeeper_signer import (
        GatekeeperSigner,
        deploy_passkey_contract,
    )
    from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
    from hot.localnet.serve import ServerThread
    from hot.sdk.client import HotClient
    from hot.sdk.client.localnet_status import localnet_status

    ends = resolve_endpoints(localnet_status(localnet_dir), gatekeeper=gatekeeper, api_key=api_key,
                             near_rpc=near_rpc, esplora=esplora, key_file=key_file, registry=registry)
    contract_id = passkey_contract or f"passkey.{ends.operator_id}"
    if deploy and deploy_passkey_contract(ends.near_rpc, ends.operator_id, ends.operator_key, contract_id,
                                          ends.registry):
        typer.echo(f"deployed the passkey contract at {contract_id}")
    settings = WalletSettings(esplora_url=ends.esplora, rp_id=rp_id,
                              allowed_origins=tuple(origin) or (f"http://localhost:{port}",), network=network)
    with HotClient(ends.gatekeeper, ends.api_key, ends.near_rpc, near_account_id=ends.operator_id,
                   near_private_key=ends.operator_key, registry_id=ends.registry) as client:
        wallet = create_wallet_app(GatekeeperSigner(client, contract_id), settings)
        with ServerThread(wallet, port=port) as server:
            typer.echo(f"wallet on http://localhost:{server.port} (gatekeeper {ends.gatekeeper}); Ctrl-C stops")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                typer.echo("stopping")


__all__ = ["WalletEndpoints", "app", "resolve_endpoints", "serve"]
