# consult: `make run` serves the demo (web server and job worker), `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo and the build's own commands run as development unless told otherwise; an unset
# CONSULT_ENV elsewhere (gunicorn, systemd) means production and needs CONSULT_SECRET_KEY.
export CONSULT_ENV ?= development
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format translations static-checks audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(FLASK) translate compile >/dev/null

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Demo logins (role, pseudonym, password):"
	@cat instance/demo-logins.txt 2>/dev/null || echo "  (none recorded)"
	@echo "Serving on http://$(HOST):$(PORT) with a job worker beside it; Ctrl-C stops both."
	@trap 'kill 0' EXIT; $(FLASK) jobs worker & $(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed translations static-checks
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff for correctness, bandit for security findings (each one fixed or justified inline with nosec).
static-checks: $(VENV)/.installed
	$(BIN)/ruff check --quiet .
	$(BIN)/bandit --quiet --recursive consult

# pip-audit of the installed set: a known vulnerability fails; an unreachable advisory database is
# reported as "nothing was audited" (and fails with CONSULT_AUDIT_REQUIRED=1).
audit: $(VENV)/.installed
	$(BIN)/python .ci/audit

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance/consult.db* .pytest_cache
