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

## Benchmarks (not part of CI; about 5 minutes): hot-path micro-benchmarks (bench/PortcullisBench),
## then bench/compare.py on the release binaries: S3Server vs nginx as a plain proxy vs a bare
## Hummingbird + AsyncHTTPClient proxy (bench/BareProxy) vs direct, all against an nginx dav
## backend on /dev/shm, S3Server's memory under 64 concurrent uploads, and
## STSServer's AssumeRoleWithWebIdentity rate. `make bench BENCH_ARGS=--quick` checks the harness
## in a minute; `bench/compare.py --help` lists the knobs.
BENCH_ARGS ?=

bench: venv bench-tools
	$(SWIFT) build -c release
	$(SWIFT) run -c release --skip-build PortcullisBench
	PORTCULLIS_BIN_DIR="$$($(SWIFT) build -c release --show-bin-path)" $(VENV)/bin/python bench/compare.py $(BENCH_ARGS)

clean:
	rm -rf .build .test-work

distclean: clean
	rm -rf .dev $(VENV)
