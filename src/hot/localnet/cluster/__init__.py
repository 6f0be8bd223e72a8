"""`hot localnet up/status/down`: the whole localnet as supervised processes in one data dir.

Modules: `processes` (spawn, readiness, graceful-then-forced stop), `config` (data dir layout and
`cluster.json`), `deploy` (the protocol contracts), `endpoints` (EVM/Solana/Soroban/TON server
process), `nodes`, `gatekeeper`, `network` (the MPC network on the chain), `status`
(health probes, `status.json`), `lifecycle` (`up`, `down`), `testing` (the session-scoped pytest
fixture). Names are imported lazily so `hot.localnet.cluster.testing` stays cheap to load.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_DATA_DIR": "config", "ClusterOptions": "config", "ClusterPaths": "config",
    "up": "lifecycle", "down": "lifecycle", "refresh_status": "status",
}
__all__ = ["DEFAULT_DATA_DIR", "ClusterOptions", "ClusterPaths", "down", "refresh_status", "up"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
