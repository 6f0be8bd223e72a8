"""Contract sources the tests deploy by path (never imported): kitchen.py, the contract SDK's feature-test contract."""

from pathlib import Path

CONTRACTS = Path(__file__).parent
KITCHEN = CONTRACTS / "kitchen.py"
