"""Process supervision for `hot localnet up/down`: detached children, readiness, graceful-then-forced stop.

The habit of ape's `SubprocessProvider` and near-workspaces: every component is started in its own
session (so a Ctrl-C in the shell that ran `up` does not reach it), writes stdout and stderr to a
log file in the data dir, and is ready only when it printed its readiness line before a deadline.
A started process is recorded with its pid, command line and kernel start time; `down` signals a
pid only while all three still match, so a recycled pid that now belongs to someone else is
never touched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hot.wire.errors import ClusterError, ComponentStartError

LOG_TAIL_LINES = 25
POLL_S = 0.05


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of a log file (or a note that there is none)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _proc_start_time(pid: int) -> int | None:
    """Field 22 of /proc/PID/stat (start time in clock ticks); None when the pid is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "; comm may hold spaces
    if fields[0] == "Z":
        return None
    return int(fields[19])


def _proc_cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


@dataclass
class ProcessRecord:
    """One process `up` started: enough to find it again and to prove it is still ours."""

    name: str
    pid: int
    argv: list[str]
    start_time: int
    log: str
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ProcessRecord:
        return cls(raw["name"], int(raw["pid"]), list(raw["argv"]), int(raw["start_time"]), raw["log"],
                   dict(raw.get("info", {})))

    def is_ours(self) -> bool:
        """The pid is alive and is still the process we started (same start time and command line)."""
        return _proc_start_time(self.pid) == self.start_time and _proc_cmdline(self.pid) == self.argv

    def _reap(self) -> None:
        # When `up` ran in this very process (the pytest fixture) the child is ours to wait for;
        # otherwise it was re-parented and its new parent reaps it.
        try:
            os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            pass

    def wait_gone(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            self._reap()
            # Gone means exited (or a zombie), judged by the start time alone: an exiting process
            # drops its command line before it stops running.
            if _proc_start_time(self.pid) != self.start_time:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL_S)  # polling process exit under a deadline

    def stop(self, grace: float = 10.0) -> str:
        """SIGTERM, wait up to `grace`; then SIGKILL. Returns what happened (for the report)."""
        if not self.is_ours():
            self._reap()
            return "not running"
        os.kill(self.pid, signal.SIGTERM)
        if self.wait_gone(grace):
            return "stopped"
        if _proc_start_time(self.pid) == self.start_time:  # pid + start time: still the process we signalled
            os.kill(self.pid, signal.SIGKILL)
        if not self.wait_gone(5.0):
            raise ClusterError(f"{self.name} (pid {self.pid}) survived SIGKILL")
        return "killed"


def spawn(name: str, argv: list[str], log_path: Path, env: dict[str, str] | None = None) -> ProcessRecord:
    """Start `argv` detached (own session), stdout and stderr appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        log.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting {name}: {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env={**os.environ, **(env or {})})
    start_time = None
    deadline = time.monotonic() + 5.0
    while start_time is None and time.monotonic() < deadline and proc.poll() is None:
        start_time = _proc_start_time(proc.pid)
    return ProcessRecord(name, proc.pid, argv, start_time or -1, str(log_path))


def wait_for_line(record: ProcessRecord, parse: Callable[[str], dict[str, Any] | None], timeout: float,
                  offset: int) -> dict[str, Any]:
    """Read the log from `offset` until `parse(line)` returns a dict; fail if the process exits or time runs out."""
    path = Path(record.log)
    deadline = time.monotonic() + timeout
    pending = b""
    position = offset
    while True:
        with open(path, "rb") as log:
            log.seek(position)
            chunk = log.read()
        position += len(chunk)
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            found = parse(line.decode(errors="replace").strip())
            if found is not None:
                return found
        if not record.is_ours():
            record._reap()
            raise ComponentStartError(record.name, "exited before it was ready", path, log_tail(path))
        if time.monotonic() > deadline:
            raise ComponentStartError(record.name, f"was not ready after {timeout:.0f}s", path, log_tail(path))
        time.sleep(POLL_S)  # polling the log for the readiness line under a deadline


def wait_until(check: Callable[[], Any], watched: list[ProcessRecord], timeout: float, what: str) -> Any:
    """Poll `check()` until it returns a truthy value; fail with the log tail of a watched process that died."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        for record in watched:
            if not record.is_ours():
                record._reap()
                raise ComponentStartError(record.name, f"exited while waiting for {what}", Path(record.log), log_tail(Path(record.log)))
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {r.name}:\n{log_tail(Path(r.log), 8)}" for r in watched)
            raise ClusterError(f"timed out after {timeout:.0f}s waiting for {what}; recent logs:\n{tails}")
        time.sleep(POLL_S * 4)  # polling a readiness condition under a deadline
