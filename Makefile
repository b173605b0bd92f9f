# Plinth developer commands. `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Prefer a local Python 3.13 (pyenv); otherwise uv finds or downloads one (.python-version).
PY313 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
export UV_PYTHON := $(or $(PY313),3.13)
export PATH := $(HOME)/.local/bin:$(PATH)
UV := $(or $(shell command -v uv 2>/dev/null),$(HOME)/.local/bin/uv)
RUN := $(UV) run --frozen
# make deploy ENV=dev|prod (samconfig.toml); make build ARCH=x86_64 (default: the template's arm64).
ENV ?= dev
ARCH ?=
SAM_PATH := PATH="$(dir $(UV_PYTHON)):$$PATH"
SAM_ENV := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} \
	AWS_ACCESS_KEY_ID=$${AWS_ACCESS_KEY_ID:-dummy} AWS_SECRET_ACCESS_KEY=$${AWS_SECRET_ACCESS_KEY:-dummy}


.PHONY: help tools openapi install lint format typecheck layering ts ts-generate unit integration e2e test validate build test-artifact deploy run sam-local sam-local-deps bench pr clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

install: ## create .venv with runtime and dev dependencies (uv.lock)
	@command -v $(UV) >/dev/null || python3 -m pip install --user --quiet uv
	$(UV) sync --frozen

lint: install ## ruff lint and format check
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install ## apply ruff formatting and fixes
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

typecheck: install ## mypy --strict on layers/, functions/, tools/ and the Python SDK
	$(RUN) mypy layers functions tools clients/python/src clients/python/examples

layering: install ## import-linter contracts (pyproject.toml): logic → ports ← repositories, models know no boto3
	$(RUN) lint-imports

TS := clients/typescript

$(TS)/node_modules/.package-lock.json: $(TS)/package-lock.json
	cd $(TS) && npm ci --no-audit --no-fund

ts: $(TS)/node_modules/.package-lock.json ## TypeScript SDK: types match docs/openapi.json, tsc, build, unit tests
	cd $(TS) && npm run --silent check && npm run --silent build && npm test

ts-generate: $(TS)/node_modules/.package-lock.json ## regenerate the TypeScript SDK's types from docs/openapi.json
	cd $(TS) && npm run --silent generate

test: lint typecheck layering tools ts ## lint, types, the TypeScript SDK, and the whole pytest suite (unit, integration, e2e; both SDKs against the local stack)
	$(RUN) pytest

run: install ## serve the whole API on http://127.0.0.1:3000 (plinth dev; ARGS="--port 8080")
	$(RUN) plinth dev $(ARGS)

sam-local: install sam-local-deps ## the same stack, every function in a Lambda container (sam local; ARGS="--port 8080")
	$(RUN) plinth dev --sam $(ARGS)

sam-local-deps: tools ## Docker (installed and started where root and apt allow) and the Lambda Python image
	bash tools/sam_local/deps.sh

openapi: install ## regenerate docs/openapi.json from the code
	$(RUN) plinth openapi

HOST_ARCH := $(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x86_64)

bench: install ## benchmarks, one table: cold start (as built for this machine), AWS calls, local latency, jobs
	$(MAKE) --no-print-directory build ARCH=$(HOST_ARCH) >/dev/null
	$(RUN) python bench/report.py

tools: ## install sam and checkov as uv tools (each in its own environment)
	@command -v sam >/dev/null || $(UV) tool install aws-sam-cli
	@command -v checkov >/dev/null || $(UV) tool install checkov

validate: tools ## static checks of template.yaml: sam validate --lint (cfn-lint) and checkov
	$(SAM_ENV) sam validate --lint
	checkov -f template.yaml --config-file .checkov.yaml

build: tools ## sam build (ARCH=x86_64 overrides Architecture), then precompile .pyc
	$(SAM_PATH) $(SAM_ENV) sam build $(if $(ARCH),--parameter-overrides Architecture=$(ARCH))
	$(UV_PYTHON) -m compileall -q -j0 --invalidation-mode unchecked-hash .aws-sam/build

test-artifact: ## import every built handler as Lambda lays it out, and hold each cold import to its budget (after make build ARCH=<this machine>)
	$(RUN) python -m plinth_tools.artifact

deploy: tools ## sam build + sam deploy --config-env $(ENV) (samconfig.toml: dev or prod)
	@test -z "$(ARCH)" || { echo "make deploy: set Architecture in samconfig.toml [$(ENV).global.parameters], not ARCH"; exit 2; }
	$(SAM_PATH) $(SAM_ENV) sam build --config-env $(ENV)
	$(UV_PYTHON) -m compileall -q -j0 --invalidation-mode unchecked-hash .aws-sam/build
	SAM_CLI_TELEMETRY=0 sam deploy --config-env $(ENV)

pr: test validate ## everything a reviewer would run

clean: ## remove build and cache output
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache .coverage
