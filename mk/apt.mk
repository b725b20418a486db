# Debian packages that PyPI does not provide: aws-cli v2 for the end-to-end client matrix
# (tests/e2e/test_clients.py; Debian's `awscli` 2.9.x installs /usr/bin/aws, the venv's `aws` is
# v1), and nginx (with its dav module) and wrk for `make bench`. Installed only when missing;
# needs root (CI runs as root). Included from the top-level Makefile.

APT_AWSCLI_V2 := /usr/bin/aws

.PHONY: apt-tools
apt-tools:
	@if [ -x $(APT_AWSCLI_V2) ]; then \
	    echo "apt-tools: $(APT_AWSCLI_V2) present"; \
	else \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli; \
	fi

# nginx-core carries http_dav_module. bench/compare.py runs its own nginx instances (own prefix,
# free ports, unprivileged); on a machine with an init system the package also starts the stock
# nginx service on port 80, which the benchmark neither needs nor touches.
.PHONY: bench-tools
bench-tools:
	@missing=""; \
	if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then missing="nginx-core"; fi; \
	if ! command -v wrk >/dev/null; then missing="$$missing wrk"; fi; \
	if ! command -v curl >/dev/null; then missing="$$missing curl"; fi; \
	if [ -z "$$missing" ]; then \
	    echo "bench-tools: nginx, wrk and curl present"; \
	else \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
