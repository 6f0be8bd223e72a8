"""The gatekeeper (whitepaper §2.2.8, §3.2.2): the public signing API in front of the MPC nodes.

It checks API keys, rate limits and quotas, co-signs a receipt for every request, picks a threshold
subset of healthy nodes, coordinates FROST / threshold-ECDSA sessions over the node API
(docs/node-api.md), routes around slow or cheating nodes, verifies every signature under the derived
key and caches it so a repeated request spends nothing. `create_app(config)` is the FastAPI app;
`receipts.verify_receipt` is the one receipt check the nodes import.
"""
