"""Measure the installed node software: the code hash a software quote reports.

The I/O half of `hot.mpc.node.attestation.measure_sources` (which stays pure for the Controller).
On a TEE the hardware measures the image instead (TDX RTMR3, tee-keystore-and-ckd-notes); on
localnet we hash the `hot` packages' source files, so any edit to the code changes the
measurement and a Controller pinning the old one refuses the node.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hot.mpc.node.attestation import measure_sources

from hot.wire.errors import MeasurementError

# The whole distribution (one `hot` package tree under src/): the node can import any of it.
MEASURED_PACKAGES = ("hot",)
# Source and package-data suffixes (pyproject's package-data); caches and editor files are not code.
MEASURED_SUFFIXES = frozenset({".py", ".json", ".html", ".js", ".css", ".vy", ".fc", ".boc", ".sql"})


def installed_source_files(packages: tuple[str, ...] = MEASURED_PACKAGES) -> list[tuple[str, bytes]]:
    """(logical path, content) of every measured file, e.g. ("hot/mpc/node/keystore.py", b"...")."""
    files: dict[str, bytes] = {}
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise MeasurementError(f"package {package} is not installed")
        prefix = package.replace(".", "/")
        for location in spec.submodule_search_locations:
            root = Path(location)
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                if path.is_file() and path.suffix in MEASURED_SUFFIXES and "__pycache__" not in relative.parts:
                    files[f"{prefix}/{relative.as_posix()}"] = path.read_bytes()
    return sorted(files.items())


def measure_installed() -> bytes:
    """The 32-byte measurement of the installed node software."""
    return measure_sources(installed_source_files())
