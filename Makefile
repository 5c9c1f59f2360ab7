# vio-nfv: the two commands a new machine needs (nothing but Python 3.11+ and apt):
#   make plan STACK=prod   evaluate a stack offline and show what it would create
#   make test              run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STACK  ?= prod

.PHONY: venv plan test lint system-deps preflight bench clean openstack-sim openstack-sim-stop test-openstack toolchain e2e sim sim-down sim-status up

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

system-deps:
	scripts/install-system-deps.sh

# GNU make exits 2 whenever a recipe fails, whatever the program returned: the recipes below print the
# program's own exit code (README, "Configuration errors"); scripts that branch on it run the command.
RUN_REPORTING = rc=0; PYTHONPATH=. $(PY) -m $(1) || rc=$$?; \
	if [ $$rc -ne 0 ]; then echo "make $@: \`python -m $(1)\` exited with code $$rc ($(2)); make reports any failure as 2" >&2; fi; \
	exit $$rc

plan: venv
	@echo "PYTHONPATH=. $(PY) -m offline $(STACK) $(ARGS)"
	@$(call RUN_REPORTING,offline $(STACK) $(ARGS),2 = stack file or configuration invalid / 1 = program error)

# One worker per core (pytest-xdist); session fixtures are evaluated once per worker.
test: venv system-deps
	PYTHONPATH=. $(PY) -m pytest -n auto $(ARGS)

# Real OpenStack services (sim/openstack): start them (idempotent; prints the endpoints), stop them, and the
# `openstack` test layer against them (deselected from `make test`: minutes, see tests/openstack).
openstack-sim: venv
	scripts/install-system-deps.sh openstack
	PYTHONPATH=. $(PY) -m sim.openstack start $(ARGS)

openstack-sim-stop: venv
	PYTHONPATH=. $(PY) -m sim.openstack stop

test-openstack: venv
	scripts/install-system-deps.sh openstack
	PYTHONPATH=. $(PY) -m pytest -p no:xdist --openstack -m openstack tests/openstack $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy components offline tools preflight sim benchmarks policy/vionfv_policies.py

preflight: venv
	@echo "PYTHONPATH=. $(PY) -m preflight --stack $(STACK) $(ARGS)"
	@$(call RUN_REPORTING,preflight --stack $(STACK) $(ARGS),1 = a check failed / 2 = configuration or usage error)

bench: venv
	PYTHONPATH=. $(PY) -m benchmarks.tenant_scale_bench
	PYTHONPATH=. $(PY) -m benchmarks.preflight_bench
	PYTHONPATH=. $(PY) -m benchmarks.vio_poll_bench

# --- simulated datacenter (docs/simulators.md): every simulator of sim/ on the loopback addresses of
# Pulumi.$(STACK).yaml (STACK defaults to sim here); ARGS=--no-openstack skips the real OpenStack services.
SIM_STACK = $(if $(filter command line,$(origin STACK)),$(STACK),sim)
sim: venv
	PYTHONPATH=. $(PY) -m sim up --stack $(SIM_STACK) $(ARGS)

sim-down: venv
	PYTHONPATH=. $(PY) -m sim down --stack $(SIM_STACK) $(ARGS)

sim-status: venv
	PYTHONPATH=. $(PY) -m sim status --stack $(SIM_STACK) $(ARGS)

# The main job with the real CLI against the running simulated datacenter (sim/real_up.py): preview, up,
# refresh, no-change preview, day-2 up, destroy; stops at the first failing step with the engine's error.
up: venv
	@$(call RUN_REPORTING,sim.real_up --stack $(SIM_STACK) $(ARGS),1 = a step failed / 2 = datacenter or CLI missing)
# --- end simulated datacenter

# --- real toolchain (issue 15): the Pulumi CLI, its Python language host and shims, built from Go modules
# into ~/.cache/vio-nfv/toolchain (docs/real-toolchain.md); `make e2e` runs the end-to-end tests on it.
toolchain:
	scripts/toolchain.sh build

e2e: venv
	PYTHONPATH=. $(PY) -m pytest -m e2e --e2e $(ARGS)
# --- end real toolchain

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
