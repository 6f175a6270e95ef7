# Baton: `make run` starts everything on the embedded default; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CONCURRENCY ?= 2
PYTEST_ARGS ?=

.PHONY: run test test-faults check worker beat bench migrate seed clean-var

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

migrate: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## The site at http://127.0.0.1:$(PORT) with one Celery worker and embedded beat; Ctrl-C stops both.
run: seed
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	PORT=$(PORT) $(BIN)/celery -A config worker -B --concurrency $(CONCURRENCY) --loglevel INFO & worker=$$!; \
	PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole suite (PostgreSQL, Redis, workers and browser tests skip unless CI=true).
test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Only the fault drills (CI=true make test-faults).
test-faults: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m faults $(PYTEST_ARGS)

## Lint, types, the import layers, migrations and the production deployment checklist.
check: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ENV=production DEBUG=false \
	  SECRET_KEY=check-deploy-$$(printf '%064d' 0) ALLOWED_HOSTS=baton.example \
	  DATABASE_URL=postgres://baton@127.0.0.1:5432/baton CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## A Celery worker (production runs N of these, on any hosts).
worker: $(VENV)/.runtime-installed
	$(BIN)/celery -A config worker --concurrency $(CONCURRENCY) --loglevel INFO

## The one Celery beat (production runs exactly one).
beat: $(VENV)/.runtime-installed
	$(BIN)/celery -A config beat --loglevel INFO

## Speed and memory benchmarks (never pass/fail tests).
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py

clean-var:
	rm -rf var/
