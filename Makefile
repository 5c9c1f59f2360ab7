# vio-nfv: the two commands a new machine needs (nothing but Python 3.11+ and apt):
#   make plan STACK=prod   evaluate a stack offline and show what it would create
#   make test              run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STACK  ?= prod

.PHONY: venv plan test lint system-deps preflight bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

system-deps:
	scripts/install-system-deps.sh

plan: venv
	PYTHONPATH=. $(PY) -m offline $(STACK) $(ARGS)

test: venv system-deps
	PYTHONPATH=. $(PY) -m pytest $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy components offline tools preflight sim benchmarks policy/vionfv_policies.py

preflight: venv
	PYTHONPATH=. $(PY) -m preflight --stack $(STACK) $(ARGS)

bench: venv
	PYTHONPATH=. $(PY) -m benchmarks.tenant_scale_bench
	PYTHONPATH=. $(PY) -m benchmarks.preflight_bench
	PYTHONPATH=. $(PY) -m benchmarks.vio_poll_bench

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
