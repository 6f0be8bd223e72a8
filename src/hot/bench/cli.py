"""`hot bench ...`: benchmarks that print a table, or JSON with `--json` (never timed test asserts)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Benchmarks: each prints a table, or a JSON list with --json.", no_args_is_help=True)

JSON_OPTION = typer.Option(False, "--json", help="Print a JSON list of result objects instead of a table.")


@app.command("crypto")
def crypto(json_output: bool = JSON_OPTION, quick: bool = typer.Option(False, help="Fewer repetitions.")) -> None:
    """DKG, FROST rounds and aggregation (both suites); threshold ECDSA and resharing."""
    from hot.bench.crypto import run
    from hot.bench.report import emit

    emit(run(quick=quick), title="hot bench crypto (median ms per participant)", json_output=json_output)


@app.command("chain")
def chain(json_output: bool = JSON_OPTION, quick: bool = typer.Option(False, help="Fewer requests.")) -> None:
    """View calls and committed transactions per second through the NEAR JSON-RPC, with a real client."""
    from hot.bench.chain import run
    from hot.bench.report import emit

    emit(run(quick=quick), title="hot bench chain (NEAR JSON-RPC on localnet)", json_output=json_output)


@app.command("chains")
def chains(json_output: bool = JSON_OPTION, quick: bool = typer.Option(False, help="Fewer requests.")) -> None:
    """One hot_verify per chain through a 3-endpoint quorum against the local endpoints."""
    from hot.bench.chains import run
    from hot.bench.report import emit

    emit(run(quick=quick), title="hot bench chains (3-endpoint quorum)", json_output=json_output)


@app.command("e2e")
def e2e(json_output: bool = JSON_OPTION, quick: bool = typer.Option(False, help="Fewer requests.")) -> None:
    """Signatures through the gatekeeper: 5 nodes, threshold 3, both domains (p50, p99, per second)."""
    from hot.bench.e2e import run
    from hot.bench.report import emit

    emit(run(quick=quick), title="hot bench e2e (gatekeeper, 5 nodes, threshold 3)", json_output=json_output)
