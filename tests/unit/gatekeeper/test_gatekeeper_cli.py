"""`hot gatekeeper` commands in process (typer's CliRunner); serving from a config file as a real
process is tests/integration/gatekeeper/test_gatekeeper_cli.py."""

from __future__ import annotations

from hot.mpc.gatekeeper.cli import app
from hot.mpc.gatekeeper.config import api_key_digest
from typer.testing import CliRunner


def test_hash_key_prints_the_configured_digest() -> None:
    result = CliRunner().invoke(app, ["hash-key", "secret"])
    assert result.exit_code == 0 and result.stdout.strip() == api_key_digest("secret")


def test_run_needs_an_existing_config() -> None:
    result = CliRunner().invoke(app, ["run", "--config", "/nonexistent/gk.json"])
    assert result.exit_code != 0
