"""`hot bench crypto`: the rows of both threshold-signature families in one table.

Schnorr rows (DKG, FROST) come from `crypto_frost`, ECDSA and resharing rows from `crypto_ecdsa`;
every row is `{"bench", "suite", "t", "n", "median_ms"}`.
"""

from __future__ import annotations

from typing import Any


def run(*, quick: bool = False) -> list[dict[str, Any]]:
    from hot.bench import crypto_ecdsa, crypto_frost

    return crypto_frost.rows(quick=quick) + crypto_ecdsa.rows(quick=quick)
