"""Where a running localnet is: `<data_dir>/status.json`, written by `hot localnet up`.

The file `hot localnet status --json` prints (localnet/cluster/status.py): `near_rpc`, `gatekeeper`,
`api_key`, `data_dir`, `bitcoin_api`, `root_account`, `root_key_file`, `contracts` {role: account}, ...
The data dir is the argument, else HOT_LOCALNET_DIR, else `.localnet`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEFAULT_LOCALNET_DIR = Path(".localnet")
STATUS_FILE = "status.json"


def localnet_status(data_dir: Path | None = None) -> dict[str, Any]:
    """The running localnet's status.json, or {} when there is none (or it is unreadable)."""
    directory = data_dir or Path(os.environ.get("HOT_LOCALNET_DIR", DEFAULT_LOCALNET_DIR))
    try:
        status = json.loads((directory / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}


__all__ = ["DEFAULT_LOCALNET_DIR", "STATUS_FILE", "localnet_status"]
