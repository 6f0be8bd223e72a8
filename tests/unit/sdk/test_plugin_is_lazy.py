"""The SDK loads without the chain emulator or the services (docs/architecture.md, "Who imports whom").

import-linter checks the imports written in the code; it cannot tell an import at the top of a module
from one inside a fixture. hot.sdk.testing is the pytest plugin every pytest run of every project that
installs hot-protocol loads: it may import hot.localnet only lazily. A fresh interpreter shows what
importing the SDK really loads.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SDK_MODULES = ["hot.sdk.testing", "hot.sdk.cli", "hot.sdk.client", "hot.sdk.contract", "hot.sdk.policies"]
ABOVE_OR_BESIDE_THE_SDK = ("hot.localnet", "hot.mpc.node", "hot.mpc.gatekeeper", "hot.contracts", "hot.examples",
                           "hot.cli", "hot.bench")


def loaded_after_import(module: str) -> list[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return list(json.loads(run.stdout))


@pytest.mark.parametrize("module", SDK_MODULES)
def test_importing_the_sdk_loads_nothing_above_it(module: str) -> None:
    loaded = loaded_after_import(module)
    assert module in loaded
    assert [m for m in loaded if m.startswith(ABOVE_OR_BESIDE_THE_SDK)] == []


def test_the_plugin_alone_loads_only_the_sdk_and_the_wire_layer() -> None:
    # pytest loads it in every run: not even hot.near (its HTTP client costs ~0.4 s to import).
    loaded = [m for m in loaded_after_import("hot.sdk.testing") if m.startswith("hot.")]
    # hot.wire.errors is a package of one module per area (base, service, contract, ...): all pure.
    assert [m for m in loaded if not m.startswith("hot.wire.errors.")] == [
        "hot.sdk", "hot.sdk.testing", "hot.wire", "hot.wire.errors"]


def test_the_plugins_helpers_load_the_emulator_on_first_use() -> None:
    import hot.sdk.testing as plugin
    from hot.localnet.chain import testing as chain_testing

    assert plugin.TestChain is chain_testing.TestChain and plugin.reverts is chain_testing.reverts
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        plugin.nothing  # noqa: B018
