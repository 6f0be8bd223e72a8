"""The demo's printed tables: what was signed, who checked it, and the wallet's spend."""

from __future__ import annotations

from typing import Any

from hot.demo_signing import APPROVED_MESSAGE, REFUSED_MESSAGE, PolicyOutcome
from hot.demo_verify import Checks
from hot.wire.domains import DOMAINS
from hot.demo_wallet import WalletOutcome

SCHEME = {d.value: s.protocol for d, s in DOMAINS.items()}


def print_policy_table(console: Any, policy: PolicyOutcome) -> None:
    from rich.table import Table

    table = Table(title=f"policy {policy.policy} governs key {policy.key_id}")
    table.add_column("domain", overflow="fold")
    table.add_column("request and answer", overflow="fold")
    table.add_column("independent checks", overflow="fold")
    for record, checks in zip(policy.records, policy.checks, strict=True):
        message = (repr(APPROVED_MESSAGE.decode()) if record["domain"] == "ed25519"
                   else f"SHA-256 of it: {_short(record['message'])}")
        recovery = f"\nrecovery id {record['recovery_id']}" if record["recovery_id"] is not None else ""
        table.add_row(f"{record['domain']}\n{SCHEME[record['domain']]}",
                      f"{message}\npublic key {_short(record['public_key'])}\n"
                      f"signature {_short(record['signature'])}{recovery}", _checks(checks))
    refused_ok = policy.refusal == "authorization_denied"
    table.add_row("ed25519\nnot approved", f"{REFUSED_MESSAGE.decode()!r}\n{policy.refusal or 'SIGNED (wrong!)'}",
                  _checks({"refused with authorization_denied": refused_ok}))
    console.print(table)


def print_wallet_table(console: Any, outcome: WalletOutcome) -> None:
    from rich.table import Table

    flow = outcome.flow
    table = Table(title="passkey wallet (headless Chromium, virtual passkey, Bitcoin regtest)", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in (("wallet page", outcome.url), ("passkey contract", outcome.passkey_contract),
                        ("key_id", flow.key_id), ("address", flow.address),
                        ("funded amount", f"{flow.funded_sats} sats"),
                        ("sent", f"{flow.sent_sats} sats to {flow.destination}"), ("txid", flow.txid),
                        ("block height", str(outcome.block_height)), ("fee", f"{outcome.fee} sats"),
                        ("balance after", f"{flow.balance_after} sats")):
        table.add_row(name, value)
    checks: Checks = dict(outcome.chain_checks)
    for index, record_checks in enumerate(outcome.checks):
        checks.update({f"input {index}: {name}": ok for name, ok in record_checks.items()})
    if not outcome.checks:
        checks["the gatekeeper's signatures were recorded"] = False
    table.add_row("independent checks", _checks(checks))
    console.print(table)


def _checks(checks: Checks) -> str:
    return "\n".join(f"{'[green]✓[/]' if ok else '[red]✗[/]'} {name}" for name, ok in checks.items())


def _short(hex_value: str) -> str:
    return f"{hex_value[:12]}…{hex_value[-6:]}"


__all__ = ["print_policy_table", "print_wallet_table"]
