"""Node-service tests use hot.sdk.testing's NEAR localnet fixture (imported until the pytest11 entry point exists)."""

from hot.sdk.testing import near_rpc  # noqa: F401  (pytest fixture)
