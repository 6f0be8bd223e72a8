"""NEAR JSON-RPC over the localnet chain: `RpcNode` (server.py) serves `create_app` (app.py)."""
