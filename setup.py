"""Maps the top-level folders into the `hot` import namespace (ARCHITECTURE.md, Layout).

pyproject.toml holds the metadata; only the package list lives here, because setuptools'
declarative config cannot prefix discovered packages with a namespace.
"""
from setuptools import find_packages, setup

NAMESPACE_MAP = {
    "hot": "hot",
    "hot.mpc": "mpc",
    "hot.sdk": "sdk",
    "hot.contracts": "contracts",
    "hot.localnet": "localnet",
    "hot.bench": "bench",
    "hot.examples": "examples",
}


def _packages() -> list[str]:
    found = []
    for package, folder in NAMESPACE_MAP.items():
        found.append(package)
        found.extend(f"{package}.{sub}" for sub in find_packages(folder))
    return found


setup(
    packages=_packages(),
    package_dir=NAMESPACE_MAP,
    package_data={"": ["*.json", "*.html", "*.js", "*.css", "*.vy", "*.fc", "*.boc", "*.sql"]},
    include_package_data=True,
)
