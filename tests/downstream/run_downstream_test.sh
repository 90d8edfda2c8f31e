#!/bin/sh
# Installs the ortlite build tree to a fresh prefix, checks the installed CMake package exports
# no private include paths or link dependencies, then configures, builds and runs the
# downstream project (tests/downstream) against that prefix.
#   run_downstream_test.sh <ortlite build dir> <ortlite source dir> <work dir>
set -eu
build_dir=$1
source_dir=$2
work=$3

rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

echo "== cmake --install $build_dir --prefix $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"

targets=$(find "$prefix" -name ortliteTargets.cmake)
[ -n "$targets" ] || { echo "FAIL: ortliteTargets.cmake not installed"; exit 1; }
echo "== checking $targets"
cfg_dir=$(dirname "$targets")
# Nothing may point into the source or build tree, and the imported target must not require
# the engine's private dependencies (onnx, protobuf, Eigen, OpenMP, spdlog, json).
if grep -n -E "$source_dir|$build_dir" "$cfg_dir"/*.cmake; then
  echo "FAIL: the installed package refers to the source or build tree"; exit 1
fi
if grep -n -E "INTERFACE_LINK_LIBRARIES|onnx|protobuf|Eigen|OpenMP|spdlog|nlohmann" "$cfg_dir"/ortliteTargets*.cmake; then
  echo "FAIL: the installed target leaks private link requirements"; exit 1
fi
for h in onnxruntime_c_api.h onnxruntime_cxx_api.h onnxruntime_lite_custom_op.h; do
  [ -f "$prefix/include/ort_compat/$h" ] || { echo "FAIL: $h not installed"; exit 1; }
done

echo "== configuring tests/downstream against $prefix"
generator=
command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
# shellcheck disable=SC2086
cmake -S "$source_dir/tests/downstream" -B "$work/build" $generator -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log"
grep -q "ortlite_DIR:PATH=$cfg_dir" "$work/build/CMakeCache.txt" || {
  echo "FAIL: find_package(ortlite) did not use the installed package"; grep ortlite_DIR "$work/build/CMakeCache.txt"; exit 1; }
echo "== building"
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
echo "== running"
"$work/build/app" "$source_dir/models/tiny_cnn/model.onnx"
# The app must use the installed library, not the build tree's.
if command -v ldd >/dev/null 2>&1; then
  lib=$(ldd "$work/build/app" | grep libortlite || true)
  echo "   $lib"
  case "$lib" in
    *"$prefix"*) ;;
    *) echo "FAIL: app does not load libortlite from the install prefix"; exit 1 ;;
  esac
fi
echo "downstream test passed"
