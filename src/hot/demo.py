"""`hot demo` (`make demo`): the main job on a real localnet, every result checked by code that is not ours.

1. `hot localnet up` in a data dir (a fresh temp dir unless `--data-dir`): chain, protocol
   contracts, Bitcoin regtest, MPC nodes, gatekeeper.
2. The policy story (hot/demo_signing.py): the approvals contract governs a fresh key; an approved
   message is signed with Ed25519 (FROST) and secp256k1 (threshold ECDSA), an unapproved one is
   refused with `authorization_denied`.
3. The passkey wallet (hot/demo_wallet.py): the wallet page served on the localnet, headless
   Chromium with a virtual passkey creates a wallet, funds it and sends; the spend is judged by
   libbitcoinkernel.
4. `hot localnet down`, unless `--keep`: then the wallet page stays up in the foreground for a
   person to click through (Ctrl-C stops the page; `hot localnet down --data-dir D` the localnet).

`--json` prints only the JSON list of signed records (progress goes to stderr); `--offline` runs
the in-process cryptography demo instead (hot/demo_offline.py). The exit status is 1 if any step
or any independent check failed.
"""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from hot.demo_offline import run_offline_demo
from hot.wire.errors import DemoFailed

NODES, THRESHOLD = 5, 3


class Step:
    """One running step: `update` shows a detail on the spinner; `result` ends the step's line."""

    def __init__(self, title: str, status: Any) -> None:
        self.title, self._status, self.result = title, status, ""

    def update(self, detail: str) -> None:
        self._status.update(f"{self.title}: {detail}")


class Progress:
    """Step lines with a spinner (rich), on stderr when stdout carries JSON."""

    def __init__(self, to_stderr: bool) -> None:
        from rich.console import Console

        self.console = Console(stderr=to_stderr, soft_wrap=True)

    @contextmanager
    def step(self, title: str) -> Iterator[Step]:
        started = time.monotonic()
        with self.console.status(title) as status:
            step = Step(title, status)
            try:
                yield step
            except BaseException:
                self.console.print(f"[red]✗[/] {title} ({time.monotonic() - started:.1f} s)")
                raise
        result = f": {step.result}" if step.result else ""
        self.console.print(f"[green]✓[/] {title}{result} ({time.monotonic() - started:.1f} s)")


def main(*, json_output: bool, keep: bool, data_dir: Path | None, offline: bool) -> None:
    """`hot demo`: raises SystemExit(1) when anything failed."""
    if offline:
        run_offline_demo(json_output)
        return
    from hot.demo_localnet import running_components, stop_localnet

    progress = Progress(to_stderr=json_output)
    own_dir = data_dir is None
    root = Path(tempfile.mkdtemp(prefix="hot-demo-")) if data_dir is None else data_dir.resolve()
    if running := _already_running(root, running_components):
        # Not ours to run the demo on, nor to take down afterwards.
        progress.console.print(f"[red]demo failed:[/] a localnet already runs in {root} ({', '.join(running)}); "
                               f"pass another --data-dir, or stop it with `hot localnet down --data-dir {root}`")
        raise SystemExit(1)
    failure: str | None = None
    status = 1
    # SIGTERM unwinds like Ctrl-C, so the `finally` below still takes the localnet down.
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    try:
        failure = _run_stories(progress, root, keep=keep, json_output=json_output)
    except KeyboardInterrupt:
        failure, status = "interrupted", 130
    except Exception as exc:  # noqa: BLE001 -- any failure is exit status 1 with its reason, after `down`
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)  # a second SIGTERM during `down` stops us at once
        if keep:
            progress.console.print(f"localnet left running in {root}: `hot localnet status --data-dir {root}`; "
                                   f"stop it with `hot localnet down --data-dir {root}`")
        else:
            failure = _down(progress, root, stop_localnet, running_components) or failure
            if own_dir and failure is None:
                shutil.rmtree(root, ignore_errors=True)
            elif failure is not None:
                progress.console.print(f"logs kept in {root / 'logs'}")
    if failure is not None:
        progress.console.print(f"[red]demo failed:[/] {failure}")
        raise SystemExit(status)


def _already_running(root: Path, running: Callable[[Path], list[str]]) -> list[str]:
    try:
        return running(root)
    except OSError:  # not even a readable data dir: nothing runs there (and `up` will say why it cannot)
        return []


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _run_stories(progress: Progress, root: Path, *, keep: bool, json_output: bool) -> str | None:
    """Localnet up, both stories, the tables (and JSON); returns what failed, or None."""
    from hot.demo_localnet import start_localnet
    from hot.demo_report import print_policy_table, print_wallet_table
    from hot.demo_signing import run_policy_story
    from hot.demo_wallet import WALLET_PORT, serve_wallet

    with progress.step(f"localnet up in {root} ({NODES} nodes, threshold {THRESHOLD})"):
        # With --keep the NEAR RPC takes 3030 if free: what `hot contract` expects by default.
        localnet = start_localnet(root, nodes=NODES, threshold=THRESHOLD, near_port=3030 if keep else 0)
    with progress.step("policy: approvals contract, a key it governs, Ed25519 + ECDSA signatures, a refusal"):
        policy = run_policy_story(localnet)
    with ExitStack() as stack:
        with progress.step("passkey wallet: contract deployed, page up") as step:
            wallet = stack.enter_context(serve_wallet(localnet, port=WALLET_PORT if keep else 0))
            step.result = wallet.url
        with progress.step("passkey wallet: create, fund and send in headless Chromium") as step:
            outcome = wallet.run_flow(on_step=step.update)
            step.result = f"txid {outcome.flow.txid[:16]}…, {outcome.flow.tx_status}"
        print_policy_table(progress.console, policy)
        print_wallet_table(progress.console, outcome)
        if json_output:
            print(json.dumps(policy.records + outcome.records), flush=True)
        if keep:
            _serve_until_interrupted(progress.console, wallet.url, root)
    if not policy.ok:
        return "an independent check of the policy story failed (see the table)"
    if not outcome.ok:
        return "an independent check of the wallet spend failed (see the table)"
    return None


def _down(progress: Progress, root: Path, stop: Callable[[Path], dict[str, str]],
          running: Callable[[Path], list[str]]) -> str | None:
    try:
        with progress.step("localnet down") as step:
            outcome = stop(root)
            left = running(root)
            if left:
                raise DemoFailed(f"still running after down: {', '.join(left)}")
            counts = {what: sum(1 for v in outcome.values() if v == what) for what in sorted(set(outcome.values()))}
            step.result = ", ".join(f"{n} {what}" for what, n in counts.items())
    except Exception as exc:  # noqa: BLE001 -- a failed `down` is reported, never hidden behind another error
        return f"localnet down: {exc}"
    return None


def _serve_until_interrupted(console: Any, url: str, root: Path) -> None:
    """--keep: the wallet page lives in this process; serve it until Ctrl-C (SIGINT) or SIGTERM."""
    stop = threading.Event()
    # Both end the wait: a shell starts background jobs with SIGINT ignored, so SIGTERM must work too.
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    console.print(f"\n[bold]wallet page: {url}[/]  (open it in a browser on this machine; Ctrl-C stops the page)")
    console.print(f"afterwards: `hot wallet serve --localnet-dir {root}` serves it again; "
                  f"`hot localnet down --data-dir {root}` stops the localnet")
    try:
        stop.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print("wallet page stopped")


__all__ = ["DemoFailed", "main"]
