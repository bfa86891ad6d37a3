# Touchpoint: the README's two commands are `make run` and `make test`.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Builds live outside the checkout so fresh clones (and CI runs) reuse a warm cache.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/touchpoint/target
APP := $(CARGO_TARGET_DIR)/debug/touchpoint
TAURI := ui/node_modules/.bin/tauri
DATA_DIR ?=
DEMO ?=
# Every process a run starts inherits this mark, so what outlives the run can be found.
export TOUCHPOINT_RUN ?= $(shell date +%s%N)-$$$$

.PHONY: help setup run dev app test test-rust test-api test-fuzz fuzz test-ui test-console lint bindings e2e screenshot server bench bench-app clean

help:
	@echo "make run         build and open Touchpoint (DATA_DIR=dir: another data folder; DEMO=1: demo store)"
	@echo "make test        every check and test: format, lint, types, unit, UI, end-to-end"
	@echo "make screenshot  DATA_DIR=dir OUT=shot.png: the app under Xvfb at 1280x800"
	@echo "make dev         hot-reloading UI development"
	@echo "make bindings    regenerate ui/src/bindings.ts from the Rust commands"
	@echo "make fuzz        the fuzz targets for 5 minutes each (SECONDS=n to change)"
	@echo "make server      a local sync server (PostgreSQL included) and an enrollment code for the app"

setup:
	@scripts/setup.sh

# The app with the UI embedded (what end-to-end tests and screenshots use).
app: setup
	$(TAURI) build --debug --no-bundle

run: app
	$(APP) $(if $(DATA_DIR),--data-dir "$(DATA_DIR)") $(if $(DEMO),--demo)

dev: setup
	$(TAURI) dev

bindings:
	UPDATE_BINDINGS=1 cargo test -q -p touchpoint-app --test bindings

lint: setup
	cargo fmt --all --check
	python3 scripts/structure.py --check > /dev/null
	npm --prefix ui run --silent typecheck
	npm --prefix ui run --silent lint
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	@# Test hooks (crash or stall at chosen points) never reach what ships: the app and the server.
	@if cargo tree -q -p touchpoint-app -p touchpoint-server -e features | grep -q 'test-faults'; then \
	  echo "lint: the test-faults feature reaches the app or the server build"; exit 1; fi

# The e2e crate needs the built app; it runs in `e2e`, after `app`. The sync scenarios need
# PostgreSQL: a throw-away cluster is started for them and removed afterwards.
test-rust: setup
	TOUCHPOINT_SECRET_STORE=file scripts/with-postgres.sh cargo test --workspace --exclude touchpoint-e2e --quiet

# The server against its own OpenAPI document, by schemathesis (every check, a fixed seed).
test-api: setup
	scripts/with-postgres.sh scripts/schemathesis.sh

# The fuzz targets (tests/fuzz), a fixed small number of inputs each; `make fuzz` runs them long.
test-fuzz: setup
	scripts/fuzz.sh runs 10000

fuzz: setup
	scripts/fuzz.sh seconds $(or $(SECONDS),300)

test-ui: setup
	npm --prefix ui run --silent test

# The head office's console in Debian's Chromium (playwright-core) against the real server, with
# a headless desk enrolled from it and axe on every page.
test-console: setup
	scripts/with-postgres.sh scripts/console-e2e.sh

# The sync end-to-end test runs the real server (on a throw-away PostgreSQL) beside two windows.
e2e: app
	cargo build -q -p touchpoint-server
	TOUCHPOINT_SECRET_STORE=file TOUCHPOINT_APP=$(APP) scripts/with-postgres.sh cargo test -p touchpoint-e2e --quiet -- --test-threads=1

test: setup lint test-rust test-api test-fuzz test-ui test-console e2e
	@scripts/leftovers.sh
	@echo "make test: all checks passed"

server: setup
	scripts/server.sh

# Benchmarks, each beside its floor measured in the same run (release builds).
bench: setup
	cargo bench -p touchpoint-core --bench budgets
	cargo bench -p touchpoint-core --bench insight
	cargo bench -p touchpoint-core --bench merge
	scripts/with-postgres.sh cargo bench -p touchpoint-sync-tests --bench sync_throughput
	scripts/with-postgres.sh cargo bench -p touchpoint-sync-tests --bench org_insight
	cargo build --release -q -p touchpoint-server
	scripts/with-postgres.sh cargo bench -p touchpoint-sync-tests --bench server_load
	$(MAKE) bench-app

# The release app's start and memory beside a blank WebKitGTK window's.
bench-app: setup
	$(TAURI) build --no-bundle
	TOUCHPOINT_APP=$(CARGO_TARGET_DIR)/release/touchpoint cargo bench -p touchpoint-e2e --bench app

OUT ?= .shots/touchpoint.png
screenshot: app
	scripts/screenshot.sh "$(or $(DATA_DIR),$(shell mktemp -d))" "$(OUT)" 4 $(if $(DEMO),--demo)

clean:
	rm -rf ui/dist .shots
