#!/usr/bin/env bash
# Starts STSServer and S3Server on etc/dev.yaml (what `make run` does) and stops both on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${PORTCULLIS_BIN_DIR:-.build/debug}"
CONFIG="${PORTCULLIS_CONFIG:-etc/dev.yaml}"
mkdir -p .dev/data
"$BIN/STSServer" run --config "$CONFIG" &
sts=$!
"$BIN/S3Server" run --config "$CONFIG" &
s3=$!
trap 'kill -TERM $sts $s3 2>/dev/null; wait $sts $s3 2>/dev/null' EXIT INT TERM
echo "Portcullis is up: STS http://127.0.0.1:8090  S3 http://127.0.0.1:8080  admin http://127.0.0.1:9080 (Ctrl-C stops)" >&2
wait -n $sts $s3
