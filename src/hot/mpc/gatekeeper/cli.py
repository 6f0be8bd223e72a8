"""`hot gatekeeper ...`: serve the gatekeeper API (typer app; the root CLI mounts it as `gatekeeper`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(name="gatekeeper", help="The gatekeeper: the public signing API in front of the MPC nodes.", no_args_is_help=True)


@app.command()
def run(
    config: Annotated[Path, typer.Option("--config", exists=True, dir_okay=False, help="Gatekeeper config (JSON or .toml).")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")] = 8080,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log",
                                             help="Log a line per HTTP request (the /metrics counters are kept either way).")] = True,
) -> None:
    """Serve POST /v1/sign and GET /v1/keys/{key_id}/public_key (OpenAPI at /docs, /openapi.json)."""
    import uvicorn
    from hot.mpc.gatekeeper.app import create_app
    from hot.mpc.gatekeeper.config import load_config

    uvicorn.run(create_app(load_config(config)), host=host, port=port, log_level="info", access_log=access_log)


@app.command("hash-key")
def hash_key(api_key: Annotated[str, typer.Argument(help="The API key to configure.")]) -> None:
    """Print the SHA-256 digest to put in `api_keys[].key_sha256` (configs never hold raw keys)."""
    from hot.mpc.gatekeeper.config import api_key_digest

    typer.echo(api_key_digest(api_key))
