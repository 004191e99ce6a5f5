# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint bootstrap

CONNECTOR_HOST ?= 127.0.0.1
CONNECTOR_PORT ?= 8000
export CONNECTOR_HOST CONNECTOR_PORT
VENV_BIN := $(CURDIR)/.venv/bin
export PATH := $(VENV_BIN):$(PATH)

bootstrap:
	@scripts/bootstrap

## Set up everything and run web, worker and beat together (Ctrl-C stops all three).
run: bootstrap
	@python manage.py devsetup --url http://$(CONNECTOR_HOST):$(CONNECTOR_PORT)/
	@python scripts/run_all.py

## Lint, check migrations, run the whole test suite.
test: bootstrap lint
	@python -m pytest

lint:
	@python -m ruff check .
	@python -m ruff format --check .
	@lint-imports --no-cache
	@DEBUG=true python manage.py makemigrations --check --dry-run
