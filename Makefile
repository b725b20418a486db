# Portcullis — the two commands a newcomer needs are `make run` and `make test`.
SWIFT      ?= swift
BIN        := .build/debug
DEV_KEYS   := .dev/keys
PYTEST_ARGS ?=

include mk/python.mk
include mk/apt.mk

.PHONY: all build build-tests run keys test test-unit test-e2e bench clean distclean

all: build

## Build both servers (debug).
build:
	$(SWIFT) build

build-tests:
	$(SWIFT) build --build-tests

## Development keys: a session signing key pair, a derivation key and the dev issuer key,
## generated on first use into .dev/keys (git-ignored). No key is ever committed.
keys: $(DEV_KEYS)/session-signing-dev-1.pem

$(DEV_KEYS)/session-signing-dev-1.pem: | build
	$(BIN)/STSServer keygen --dir $(DEV_KEYS) --id dev-1 --dev-issuer

## Both servers on etc/dev.yaml: STS on :8090 (with the dev issuer), S3 on :8080 (filesystem
## backend in .dev/data), admin on :9080. Also installs aws-cli into .venv for the quick start.
run: build keys venv
	scripts/run-dev.sh

## Unit tests (Swift Testing), then the end-to-end suite with real clients and backends.
test: build-tests venv
	$(SWIFT) test --skip-build
	$(MAKE) test-e2e

test-unit: build-tests
	$(SWIFT) test --skip-build

test-e2e: build venv apt-tools
	$(VENV)/bin/pytest -q $(PYTEST_ARGS) tests/e2e

## Benchmarks: hot-path micro-benchmarks (release build of bench/swift), then throughput and
## memory through S3Server against the filesystem backend and SeaweedFS.
bench: build venv
	$(SWIFT) run -c release PortcullisBench
	$(VENV)/bin/python bench/throughput.py

clean:
	rm -rf .build .test-work

distclean: clean
	rm -rf .dev $(VENV)
