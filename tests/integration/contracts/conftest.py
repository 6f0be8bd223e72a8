"""The contracts' lifecycle over the real NEAR RPC (hot.sdk.testing's `near_rpc`, one for this folder)."""

from hot.sdk.testing import near_rpc  # noqa: F401  (pytest fixture)
