# The README's two commands: `make demo` and `make test`. Needs only python3, make and git.
VENV    ?= .venv
PY      := $(VENV)/bin/python
HOT     := $(VENV)/bin/hot
STAMP   := $(VENV)/.installed
PYTEST_ARGS ?=
# Browser tests drive Debian's Chromium (playwright's own browser download is not reachable here).
CHROMIUM ?= /usr/bin/chromium
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install check test demo bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all,dev]'
	touch $(STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

install: $(STAMP) $(CHROMIUM)

# The layers (pyproject's [tool.importlinter], docs/architecture.md "Who imports whom") and mypy --strict
# on hot.wire, hot.mpc.crypto and hot.sdk ([tool.mypy]): a layering or typing error fails the run first.
check: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

test: check $(CHROMIUM)
	$(PY) -m pytest $(PYTEST_ARGS)

demo: $(STAMP) $(CHROMIUM)
	$(HOT) demo $(if $(KEEP),--keep)

bench: $(STAMP)
	$(HOT) bench crypto
	$(HOT) bench chain
	$(HOT) bench chains
	$(HOT) bench e2e

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .import_linter_cache build *.egg-info
