"""The `hot` command line (typer + rich). Each command group lives beside the code it drives.

Sub-apps are registered here only; their modules import heavy dependencies lazily inside the
commands, so `hot --help` stays fast.
"""

from __future__ import annotations

import typer

from hot.bench.cli import app as bench_app
from hot.examples.passkey_wallet.cli import app as wallet_app
from hot.localnet.cli import app as localnet_app
from hot.mpc.gatekeeper.cli import app as gatekeeper_app
from hot.mpc.node.cli import app as node_app
from hot.sdk.cli import contract_app
from hot.sdk.sign_cli import sign as sign_command

app = typer.Typer(
    name="hot",
    help="hot-protocol: smart contracts that own private keys, signed by a threshold MPC network.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(bench_app, name="bench")
app.add_typer(localnet_app, name="localnet")
app.add_typer(contract_app, name="contract")
app.add_typer(node_app, name="node")
app.add_typer(gatekeeper_app, name="gatekeeper")
app.add_typer(wallet_app, name="wallet")
app.command("sign")(sign_command)


@app.command()
def demo(
    json_output: bool = typer.Option(False, "--json", help="Print only the signed records as JSON (progress on stderr)."),
    keep: bool = typer.Option(False, "--keep", help="Leave the localnet running and serve the wallet page until "
                                                   "Ctrl-C (stop the localnet with `hot localnet down --data-dir D`)."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="The localnet's data dir (default: a fresh temp dir)."),
    offline: bool = typer.Option(False, "--offline", help="Only the in-process cryptography (DKG + FROST), no localnet."),
) -> None:
    """Run the main job end to end on a localnet and show every result checked by independent libraries."""
    from pathlib import Path

    from hot.demo import main

    main(json_output=json_output, keep=keep, data_dir=Path(data_dir) if data_dir else None, offline=offline)

if __name__ == "__main__":
    app()
