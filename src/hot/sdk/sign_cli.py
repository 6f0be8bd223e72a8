"""`hot sign`: ask the gatekeeper for one signature and check it locally (a thin shell over HotClient).

Where the gatekeeper is: `--gatekeeper` / `--api-key` (or HOT_GATEKEEPER / HOT_API_KEY), else the
running localnet's `<data_dir>/status.json` (written by `hot localnet up` / `status`; keys
`gatekeeper` and `api_key`); the data dir is `--localnet-dir`, HOT_LOCALNET_DIR, or `.localnet`.
Exit status: 0 signed, 1 refused or failed (the error's code is printed), 2 bad usage.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

PAYLOAD_OPTION = typer.Option([], "--payload", help="A user_payload as hex, one per auth method; repeat.")
LOCALNET_DIR_OPTION = typer.Option(None, "--localnet-dir",
                                   help="Where `hot localnet up` keeps status.json (default .localnet).")


def _hex(value: str, what: str) -> bytes:
    text = value.removeprefix("0x")
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{what} must be hex, got {value!r}") from exc


def sign(
    key_id: str = typer.Option(..., "--key-id", help="The key's id in the Key Registry."),
    domain: str = typer.Option(..., "--domain", help="ed25519 or secp256k1 (secp256k1 signs a 32-byte hash)."),
    message: str = typer.Option(..., "--message", help="The message as hex (secp256k1: the 32-byte hash)."),
    payload: list[str] = PAYLOAD_OPTION,
    json_output: bool = typer.Option(False, "--json", help="Print {signature, public_key, recovery_id, ...} as JSON."),
    gatekeeper: str | None = typer.Option(None, "--gatekeeper", envvar="HOT_GATEKEEPER",
                                          help="Gatekeeper URL (default: the localnet's status.json)."),
    api_key: str | None = typer.Option(None, "--api-key", envvar="HOT_API_KEY",
                                       help="Gatekeeper API key (default: the localnet's status.json)."),
    localnet_dir: Path | None = LOCALNET_DIR_OPTION,
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for the gatekeeper."),
) -> None:
    """Sign MESSAGE with KEY_ID's key if its access list authorizes it; the signature is verified locally."""
    from hot.sdk.client import HotClient
    from hot.sdk.client.localnet_status import localnet_status

    from hot.wire.domains import DOMAIN_NAMES
    from hot.wire.errors import HotError

    if domain not in DOMAIN_NAMES:
        raise typer.BadParameter(f"domain is one of {', '.join(DOMAIN_NAMES)}", param_hint="--domain")
    status = localnet_status(localnet_dir) if gatekeeper is None or api_key is None else {}
    url, key = gatekeeper or status.get("gatekeeper"), api_key or status.get("api_key")
    if not url or not key:
        raise typer.BadParameter("no gatekeeper known: pass --gatekeeper and --api-key or start `hot localnet up`")
    raw_message, payloads = _hex(message, "--message"), [_hex(p, "--payload") for p in payload]
    try:
        with HotClient(str(url), str(key), timeout_s=timeout) as client:
            result = client.sign(key_id, domain, raw_message, payloads)  # type: ignore[arg-type]
    except HotError as exc:
        error = {"code": exc.code, "message": str(exc)}
        typer.echo(json.dumps({"error": error}) if json_output else f"error: {exc.code}: {exc}", err=not json_output)
        raise typer.Exit(1) from exc
    answer = {"key_id": key_id, "domain": domain, "message": raw_message.hex(), **result.to_json()}
    if json_output:
        typer.echo(json.dumps(answer))
        return
    for name in ("key_id", "domain", "signature", "public_key", "recovery_id"):
        typer.echo(f"{name:12} {answer[name]}")
    typer.echo("verified     yes (checked locally against the key's public key)")


__all__ = ["sign"]
