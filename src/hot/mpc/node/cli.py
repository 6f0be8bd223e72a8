"""`hot node ...`: operator commands for an MPC node (the lead mounts `app` as `hot node`).

`hot node log verify FILE --public-key HEX` is what a fisherman or an operator runs to check a
node's signed log end to end (whitepaper §3.2.3); it exits non-zero on any failure.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(help="MPC node: run, identity, signed log.", no_args_is_help=True)
log_app = typer.Typer(help="The node's hash-chained, signed log.", no_args_is_help=True)
identity_app = typer.Typer(help="The node's signing and p2p keys.", no_args_is_help=True)
app.add_typer(log_app, name="log")
app.add_typer(identity_app, name="identity")

JSON_OPTION = typer.Option(False, "--json", help="Print a JSON object instead of rich text.")
LOG_FILE_ARGUMENT = typer.Argument(..., help="The log file (JSON lines) to check.")
PUBLIC_KEY_OPTION = typer.Option(..., "--public-key", help="The node's Ed25519 signing public key, hex.")
DATA_DIR_OPTION = typer.Option(..., "--data-dir", help="The node's data directory (keys created on first use).")


@log_app.command("verify")
def log_verify(
    file: Path = LOG_FILE_ARGUMENT,
    public_key: str = PUBLIC_KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Check every entry's encoding, seq, chain link, hash and signature; exit 1 on the first failure."""
    from hot.mpc.node.identity import parse_public_key_hex
    from hot.wire.errors import KeyFileError
    from hot.mpc.node.signed_log import verify_log
    from rich.console import Console

    console = Console(soft_wrap=True)  # keep hashes and keys on one line
    try:
        key = parse_public_key_hex(public_key)
    except KeyFileError as exc:
        console.print(f"[red]invalid --public-key:[/red] {exc.message}")
        raise typer.Exit(2) from exc
    report = verify_log(file, key)
    if json_output:
        typer.echo(json.dumps({"file": str(file), **report.to_dict()}))
    elif report.ok:
        console.print(f"[green]OK[/green] {file}: {report.entries} entries verified; head {report.head_hash}")
    else:
        console.print(
            f"[red]FAILED[/red] {file}: entry {report.first_bad_index}: {report.reason} "
            f"({report.entries} entries verified before it)"
        )
    if not report.ok:
        raise typer.Exit(1)


@identity_app.command("show")
def identity_show(
    data_dir: Path = DATA_DIR_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Print the node's public keys (hex): register the p2p key on the Controller, give the signing key to monitors."""
    from hot.mpc.node.identity import NodeIdentity
    from rich.console import Console

    keys = NodeIdentity.load_or_create(data_dir).public_keys_hex()
    if json_output:
        typer.echo(json.dumps(keys))
        return
    console = Console(soft_wrap=True)  # keep hashes and keys on one line
    for name, value in keys.items():
        console.print(f"{name}: [bold]{value}[/bold]")


CONFIG_OPTION = typer.Option(..., "--config", help="The node's configuration file (.json or .toml).")


@app.command("run")
def run(config: Path = CONFIG_OPTION) -> None:
    """Run the node: HTTP signing API, peer transport, Controller-driven protocol runner, attester."""
    import asyncio

    from hot.mpc.node.config import load_config
    from hot.wire.errors import ConfigError
    from hot.mpc.node.service import run_node

    try:
        node_config = load_config(config)
    except ConfigError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    asyncio.run(run_node(node_config))
