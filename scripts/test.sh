#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (unit tests, conformance, tools).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 1800
