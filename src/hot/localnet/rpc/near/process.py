"""`ChainProcess`: `hot localnet chain` in a child process, ready-checked, always stopped.

Used by benchmarks (a separate process keeps the server off the client's GIL) and by tests of the
command itself. Stop is graceful (SIGTERM, the chain finishes its block) then forced.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from hot.wire.errors import ComponentStartError


class ChainProcess:
    def __init__(self, data_dir: Path, port: int = 0, start_timeout: float = 30.0) -> None:
        self.data_dir, self.port, self.start_timeout = Path(data_dir), port, start_timeout
        self.url = ""
        self.output: list[str] = []
        self._proc: subprocess.Popen[str] | None = None

    @property
    def root_key_file(self) -> Path:
        return self.data_dir / "validator_key.json"

    def start(self) -> ChainProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "hot.localnet.cli", "chain", "--port", str(self.port), "--data-dir",
             str(self.data_dir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ComponentStartError("chain", f"not ready after {self.start_timeout}s: {self.output[-5:]}")
                try:
                    line = lines.get(timeout=remaining)
                except queue.Empty:
                    continue
                if line is None:
                    raise ComponentStartError("chain", f"exited during start: {self.output[-5:]}")
                if line.startswith("NEAR RPC: "):
                    self.url = line.split(": ", 1)[1].strip()
                if line.strip() == "ready":
                    return self
        except BaseException:
            self.stop()
            raise

    def _pump(self, lines: queue.Queue[str | None]) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            self.output.append(line)
            lines.put(line)
        lines.put(None)

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait; then SIGKILL. Returns the exit code."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                return proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
        return proc.wait(timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
