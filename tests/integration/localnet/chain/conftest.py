"""Chain and RPC tests use hot.sdk.testing's fixtures (imported here until the pytest11 entry point exists)."""

from hot.sdk.testing import _hot_session_chain, hot_chain, hot_root, near_rpc  # noqa: F401  (pytest fixtures)
