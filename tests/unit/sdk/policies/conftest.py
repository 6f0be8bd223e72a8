"""Policy tests that need a contract run on hot.sdk.testing's in-process chain."""

from hot.sdk.testing import _hot_session_chain, hot_chain, hot_root  # noqa: F401  (pytest fixtures)
