"""One way to print benchmark results: a rich table for people, `--json` for machines."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def median_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> float:
    """Median wall time of `fn()` in milliseconds over `repeat` runs, after `warmup` runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)


def percentile(samples_ms: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) of samples, by nearest rank."""
    ordered = sorted(samples_ms)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100.0 * (len(ordered) - 1))))
    return ordered[rank]


def emit(rows: list[dict[str, Any]], *, title: str, json_output: bool) -> None:
    """Print rows as JSON (a list of objects) or as a table whose columns are the row keys."""
    if json_output:
        print(json.dumps(rows))
        return
    table = Table(title=title)
    columns = list(rows[0].keys()) if rows else []
    for column in columns:
        table.add_column(column, justify="right" if any(_is_number(r[column]) for r in rows) else "left")
    for row in rows:
        table.add_row(*(_fmt(row[c]) for c in columns))
    Console().print(table)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fmt(value: object) -> str:
    if value is None:  # a figure that does not apply to the row
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
