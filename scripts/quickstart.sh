#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install dependencies, build, then run perf_test and
# an example on the bundled model.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh
./scripts/build.sh
echo "== perf_test on models/tiny_cnn =="
./build/perf_test -e cpu -m times -r 200 -s models/tiny_cnn/model.onnx
if [ -x build/examples/image_classification ]; then
  echo "== example: image classification =="
  ./build/examples/image_classification models/tiny_cnn/model.onnx
fi
