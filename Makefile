# The README's two commands: `make demo` and `make test`. Needs only python3, make and git.
VENV    ?= .venv
PY      := $(VENV)/bin/python
HOT     := $(VENV)/bin/hot
STAMP   := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install test demo bench clean

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all,dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(HOT) demo

bench: $(STAMP)
	$(HOT) bench crypto

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
