"""Gas metering for Python contract code: count executed lines, stop at the prepaid gas.

Deterministic: the meter counts line and call events of frames compiled from deployed contract
source (their filename starts with `<contract:`) and of the contract-side library code they import
(`hot.contracts`, `hot.sdk.policies`), so the same call on the same state burns the same gas on
every machine. The SDK's own collections and the standard library are not counted line by line;
they are bounded by what the contract passes them (argument and value size limits). A wall
clock deadline is a backstop only (a single long C-level call cannot be interrupted).

`OutOfGas` derives from BaseException so a contract's `except Exception:` cannot swallow it, and
the meter keeps raising on every further line if a bare `except:` does.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any, Self

import hot.contracts
import hot.sdk.policies
from hot.localnet.chain.loader import CONTRACT_FILENAME_PREFIX

METERED_PREFIXES = (
    CONTRACT_FILENAME_PREFIX,
    str(Path(hot.contracts.__file__).parent) + os.sep,
    str(Path(hot.sdk.policies.__file__).parent) + os.sep,
)
GAS_PER_LINE = 100_000_000  # 0.1 Ggas: 300 Tgas buys 3 million contract lines
WALL_CLOCK_BACKSTOP_S = 10.0


class OutOfGas(BaseException):
    """The call used more gas than it was given (NEAR: "Exceeded the prepaid gas.")."""

    def __init__(self, limit: int, wall_clock: bool = False) -> None:
        super().__init__("Exceeded the prepaid gas." + (" (wall-clock backstop)" if wall_clock else ""))
        self.limit = limit


class GasMeter:
    """A context manager that installs the tracer on this thread and restores the previous one."""

    def __init__(self, gas_limit: int) -> None:
        self.gas_limit = gas_limit
        self.gas_used = 0
        self._deadline = 0.0
        self._previous: Any = None
        self._exhausted = False

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" or event == "call":
            self.gas_used += GAS_PER_LINE
            if self.gas_used > self.gas_limit or self._exhausted:
                self._exhausted = True
                raise OutOfGas(self.gas_limit)
            if not self.gas_used % (GAS_PER_LINE * 4096) and time.monotonic() > self._deadline:
                self._exhausted = True
                raise OutOfGas(self.gas_limit, wall_clock=True)
        return self._local

    def _global(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename.startswith(METERED_PREFIXES):
            return self._local(frame, event, arg)
        return None

    def __enter__(self) -> Self:
        self._deadline = time.monotonic() + WALL_CLOCK_BACKSTOP_S
        self._previous = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(self._previous)
