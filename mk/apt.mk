# Debian packages for the end-to-end client matrix (tests/e2e/test_clients.py) that PyPI does not
# provide: aws-cli v2 (Debian's `awscli` 2.9.x installs /usr/bin/aws; the venv's `aws` is v1).
# Installs only when missing; needs root (CI runs as root). Included from the top-level Makefile.

APT_AWSCLI_V2 := /usr/bin/aws

.PHONY: apt-tools
apt-tools:
	@if [ -x $(APT_AWSCLI_V2) ]; then \
	    echo "apt-tools: $(APT_AWSCLI_V2) present"; \
	else \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli; \
	fi
