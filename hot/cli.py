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
    json_output: bool = typer.Option(False, "--json", help="Print the signed records as JSON."),
) -> None:
    """Run the main job end to end and show signatures checked by independent libraries."""
    from hot.demo import run_demo

    run_demo(json_output=json_output)


if __name__ == "__main__":
    app()
