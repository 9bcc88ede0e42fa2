# ticket-router – developer and CI entry points. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
LOCAL := deploy/local
PYTEST_ARGS ?=

.PHONY: help install infra lint test test-unit test-integration demo up down status bench clean schemas

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml deploy/local/python-env.sh
	@echo "==> Python environment in $(VENV)"
	PYTHON=$(PYTHON) $(LOCAL)/python-env.sh $(VENV)
	@touch $@

install: $(STAMP) ## create .venv and install the project with its dev tools and the ONNX encoders

infra: $(STAMP) ## fetch the Kafka jars (Maven Central, cached); install Redis and Prometheus (Debian) if absent
	$(LOCAL)/kafka.sh fetch
	$(LOCAL)/redis.sh install
	$(LOCAL)/prometheus.sh install

up: infra ## start local Kafka (KRaft) and Redis on 127.0.0.1
	$(LOCAL)/kafka.sh up
	$(LOCAL)/redis.sh up

down: ## stop local Kafka, Redis and Prometheus
	-$(LOCAL)/prometheus.sh down
	-$(LOCAL)/kafka.sh down
	-$(LOCAL)/redis.sh down

status: ## show whether local Kafka, Redis and Prometheus are running
	-$(LOCAL)/kafka.sh status
	-$(LOCAL)/redis.sh status
	-$(LOCAL)/prometheus.sh status

lint: $(STAMP) ## ruff (lint + format check) and mypy strict on models/ and router/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check models router streams tests benchmarks
	$(BIN)/mypy

test-unit: $(STAMP) ## fast unit tests (no broker)
	$(BIN)/pytest tests/unit -q $(PYTEST_ARGS)

test-integration: infra ## integration tests against real Kafka 4.x, Redis and Prometheus (started if needed)
	$(BIN)/pytest tests/integration -q $(PYTEST_ARGS)

test: install infra lint test-unit test-integration ## everything CI runs: install, lint, unit and integration tests

demo: up ## local Kafka + Redis + worker + load generator: watch the router even out two agents' queues
	$(LOCAL)/demo.sh

bench: up ## run every benchmark and print its figures (takes several minutes)
	@for b in benchmarks/bench_*.py; do echo "==> $$b"; $(PY) $$b || exit 1; done

schemas: $(STAMP) ## regenerate the JSON Schemas, examples and AsyncAPI document from models/
	$(BIN)/ticket-router schemas generate

clean: down ## remove local state (broker data, logs); keeps the jar cache
	rm -rf .local
