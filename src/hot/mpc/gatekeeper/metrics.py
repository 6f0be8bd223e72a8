"""Prometheus metrics of one gatekeeper (`GET /metrics`), in a registry of its own per app.

What an operator watches for the whitepaper's availability threats (§4.1): answers by status,
signing latency per domain, attempts that failed, and nodes rested (uncooperative or slow nodes,
§4.1.1). A registry per app keeps two gatekeepers in one process (tests) apart.
"""

from __future__ import annotations

from hot.mpc.gatekeeper.health import NodeHealth
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class GatekeeperMetrics:
    """Counters and histograms, rendered in the Prometheus text format."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "hot_gatekeeper_requests", "HTTP answers by route and status.", ["route", "status"], registry=self.registry
        )
        self.sign_seconds = Histogram(
            "hot_gatekeeper_sign_seconds", "Time to sign a request through the network (cache misses).", ["domain"],
            registry=self.registry,
        )
        self.failed_attempts = Counter(
            "hot_gatekeeper_failed_attempts", "Signing attempts that failed and were retried or given up.", ["domain"],
            registry=self.registry,
        )
        self.rests = Counter("hot_gatekeeper_node_rests", "Times a node was rested.", ["participant"], registry=self.registry)
        self.rested_now = Gauge("hot_gatekeeper_rested_nodes", "Nodes resting now.", registry=self.registry)

    def render(self, health: NodeHealth) -> bytes:
        self.rested_now.set(len(health.rested()))
        return bytes(generate_latest(self.registry))
