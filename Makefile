# callscope — two commands:
#   make run    install what is missing, build, and serve at http://127.0.0.1:3000
#   make test   fmt, clippy (ssr + wasm), unit, Postgres integration and browser tests
#
# Nothing is needed beforehand but the Rust toolchain: scripts/ensure-tools.sh
# installs the rest (wasm32 target, wasm-bindgen-cli, PostgreSQL, Chromium,
# Playwright) at pinned versions, skipping what is already there.

SHELL := /bin/bash
.DEFAULT_GOAL := help

export CARGO_TARGET_DIR ?= $(CURDIR)/target
# Builds never need a database: queries are checked against .sqlx/.
export SQLX_OFFLINE ?= true

SITE  := $(CARGO_TARGET_DIR)/site
STAGE := $(CARGO_TARGET_DIR)/site-stage
BIN   := $(CARGO_TARGET_DIR)/debug/callscope
WASM  := $(CARGO_TARGET_DIR)/wasm32-unknown-unknown/wasm-release/callscope.wasm
export LEPTOS_SITE_ROOT := $(SITE)

# Scratch data directories of the test runs. Outside the target directory:
# when run as root the private cluster runs as `postgres`, which must be able
# to reach it (a target dir under /root would not do).
TEST_DATA ?= /tmp/callscope-test-$(shell id -u)

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
DIST     := dist/callscope-$(VERSION)-$(shell uname -m)-linux

WASM_BUILD := --lib --target wasm32-unknown-unknown --no-default-features --features hydrate

.PHONY: help run test tools test-tools build server site dist fmt clippy unit fuzz sdk sdk-unit lifecycle e2e bench-ingest bench-dashboard bench-summary sqlx-prepare clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: build ## build and serve (Ctrl-C stops the server and its private PostgreSQL)
	$(BIN) serve

test: ## run every check and test, then print a summary
	@scripts/test.sh

tools: ## install the build tools that are missing
	@scripts/ensure-tools.sh build

test-tools: ## install the build and test tools that are missing
	@scripts/ensure-tools.sh test

build: tools site server ## build the browser bundle and the server

server: ## build the server binary
	cargo build --features ssr --bin callscope

# The bundle without its names and producers sections (3.4 MB of debug
# names otherwise). wasm-opt is not run: measured, its output is smaller but
# compresses worse, so more goes over the wire (docs/benchmarks.md).
site: tools ## build the hydrated browser bundle, hashed and precompressed, into $(SITE)
	cargo build $(WASM_BUILD) --profile wasm-release
	rm -rf $(STAGE) && mkdir -p $(STAGE)
	wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
	  --out-dir $(STAGE) --out-name callscope $(WASM)
	cp style/main.css $(STAGE)/callscope.css
	node scripts/build-sdk.mjs $(STAGE)
	node scripts/build-site.mjs $(STAGE) $(SITE)

dist: site ## the release artefact: one binary with the site built in, and its checksum, in dist/
	CALLSCOPE_SITE_DIR=$(SITE) cargo build --release --features embed-site --bin callscope
	mkdir -p dist
	cp $(CARGO_TARGET_DIR)/release/callscope $(DIST)
	cd dist && sha256sum $(notdir $(DIST)) >$(notdir $(DIST)).sha256
	@echo "$(DIST) ($$(du -h $(DIST) | cut -f1)), checksum in $(DIST).sha256"

fmt: ## check formatting
	cargo fmt --check

clippy: ## lint the server and the browser builds
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy $(WASM_BUILD) -- -D warnings

unit: server site ## unit and Postgres integration tests (DATABASE_URL, else a private cluster)
	$(BIN) --data-dir $(TEST_DATA)/unit db exec -- cargo nextest run --features ssr $(T)

# `make fuzz`: the long run of the "never 5xx" test (its short run is part of `make unit`).
FUZZ_CASES ?= 100000
FUZZ_SEED ?= $(shell date +%s)
fuzz: server site ## generated requests to every collector route, none answered 5xx (FUZZ_CASES=100000, FUZZ_SEED=)
	CALLSCOPE_FUZZ_CASES=$(FUZZ_CASES) CALLSCOPE_FUZZ_SEED=$(FUZZ_SEED) \
	  $(BIN) --data-dir $(TEST_DATA)/fuzz db exec -- cargo nextest run --features ssr --no-capture -E 'test(/collector::fuzz::/)'

bench-ingest: server site ## stats ingestion rate and latency, release build (DATABASE_URL, else a private cluster; ARGS=)
	$(BIN) --data-dir $(TEST_DATA)/bench db exec -- cargo bench --features ssr --bench ingest -- $(ARGS)

bench-dashboard: server site ## search and page timings over 1 M conferences, release build (DATABASE_URL, else a private cluster; ARGS=)
	$(BIN) --data-dir $(TEST_DATA)/bench db exec -- cargo bench --features ssr --bench dashboard -- $(ARGS)

sdk: tools ## build public/callstats.js, .mjs and .d.ts from the SDK's modules in sdk/src
	node scripts/build-sdk.mjs --write

sdk-unit: tools ## the SDK: lint (ESLint), type check (tsc, from JSDoc), public/ built from sdk/src, unit tests, typings' usage
	cd sdk && npx eslint .
	cd sdk && npx tsc -p tsconfig.json
	node scripts/build-sdk.mjs --check
	node --test sdk/test/
	cd sdk && npx tsc -p test/types/tsconfig.json

lifecycle: server site dist ## start/stop the real binary: no orphaned postgres, data kept; the release artefact alone
	scripts/lifecycle-test.sh $(BIN)
	scripts/dist-test.sh $(DIST)

e2e: build test-tools ## Playwright in Chromium, JavaScript on and off
	rm -rf $(TEST_DATA)/e2e
	cd end2end && CALLSCOPE_BIN=$(BIN) CALLSCOPE_E2E_DATA_DIR=$(TEST_DATA)/e2e npx playwright test

bench-summary: server site ## summarising a 1-hour 8-party call, detectors included, release build (DATABASE_URL, else a private cluster; ARGS=)
	$(BIN) --data-dir $(TEST_DATA)/bench db exec -- cargo bench --features ssr --bench summary -- $(ARGS)

sqlx-prepare: ## regenerate .sqlx/ after changing a query (needs DATABASE_URL of a migrated database)
	rm -rf .sqlx && mkdir .sqlx
	SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$(CURDIR)/.sqlx cargo check --features ssr --all-targets
	@test -n "$$(ls .sqlx)" || { echo "no query data written: is DATABASE_URL set?"; exit 1; }

clean: ## remove build output (keeps .callscope/, the local data)
	cargo clean
