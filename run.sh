#!/usr/bin/env bash
# fluxion's one entry point. On a fresh Debian/Ubuntu machine:
#   ./run.sh lessons [N]   install what is missing, build (release), run the lessons/examples into out/
#                          and write their web pages (out/index.html)
#   ./run.sh test          install, build, run the whole suite through CTest
#   ./run.sh bench [args]  install, build, run fluxion_bench (args go to it: --workload ID --threads N)
#   ./run.sh asan          build and test under AddressSanitizer + UBSan
#   ./run.sh tsan          build and run the threading tests under ThreadSanitizer
#   ./run.sh fuzz [secs] [seed]  build the libFuzzer targets (clang, ASan + UBSan) and run each for
#                          secs (default 30); a seed > 0 makes the run repeat (CI passes 1), 0 is random
# Each step is idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

# zlib1g-dev: gzip-compressed IDX files; dataset-fashion-mnist: the real-data example.
# chromium and chromium-driver: the test that loads the lesson pages in a headless browser.
# libopenmpi-dev, openmpi-bin: the distributed layer and its tests under mpirun.
PACKAGES=(cmake ninja-build g++ pkg-config libopenblas-openmp-dev libgtest-dev libstb-dev fonts-dejavu-core
          zlib1g-dev dataset-fashion-mnist chromium chromium-driver libopenmpi-dev openmpi-bin)
FUZZ_PACKAGES=(clang libclang-rt-dev libomp-dev)  # libFuzzer and clang's OpenMP runtime

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "run.sh: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {  # build PRESET [extra cmake args]; $TARGETS, when set, limits what is built
  local preset=$1; shift
  local args=("$@")
  [ "${CI:-}" = "true" ] && args+=(-DFLUXION_WERROR=ON)
  command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if [ ! -f "build/$preset/CMakeCache.txt" ] || [ ${#args[@]} -gt 0 ]; then
    cmake --preset "$preset" "${args[@]}" >/dev/null
  fi
  # shellcheck disable=SC2086
  cmake --build "build/$preset" -j "$(nproc)" ${TARGETS:+--target $TARGETS}
}

# Each program's stdout goes to the terminal and to out/logs/NAME.txt; figures
# get SVG copies beside the PNGs. fluxion_pages then writes the web pages from both.
run_lessons() {
  mkdir -p out/logs
  local bin=build/release/examples
  local ran=0
  for exe in "$bin"/lessons/lesson* "$bin"/*; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    local name; name=$(basename "$exe")
    if [ -n "${1:-}" ]; then
      [ "$name" = "lesson$(printf '%02d' "$1")" ] || continue
    fi
    echo "== $name"
    (cd "$ROOT" && FLUXION_FIGURE_FORMATS=${FLUXION_FIGURE_FORMATS:-png,svg} "$exe") | tee "out/logs/$name.txt"
    ran=$((ran + 1))
  done
  "$bin"/pages/fluxion_pages "$ROOT" out
  echo "run.sh: ran $ran program(s); figures and output are under $ROOT/out/, the pages start at out/index.html"
}

run_fuzz() {  # each target for $1 seconds with seed $2, from its committed seeds plus what earlier runs found
  for exe in build/fuzz/fuzz/fuzz_*; do
    [ -x "$exe" ] || continue
    local name; name=$(basename "$exe")
    mkdir -p "build/fuzz/corpus/$name"
    echo "== $name ($1 s)"
    "$exe" -max_total_time="$1" -seed="$2" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/$name-" "build/fuzz/corpus/$name" "fuzz/corpus/$name"
  done
}

cmd=${1:-lessons}
shift || true
case "$cmd" in
  lessons) install_packages; build release; run_lessons "${1:-}" ;;
  test)    install_packages; build release; ctest --test-dir build/release --output-on-failure -j "$(nproc)" ;;
  bench)   install_packages; build release; build/release/bench/fluxion_bench "$@" ;;
  asan)    install_packages; build asan; ctest --test-dir build/asan --output-on-failure -j "$(nproc)" ;;
  tsan)    install_packages; TARGETS=test_threads build tsan; TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build/tsan --output-on-failure ;;
  fuzz)    install_packages "${FUZZ_PACKAGES[@]}"; TARGETS="fuzz_load_state_dict fuzz_load_safetensors fuzz_load_numpy fuzz_ops" build fuzz; run_fuzz "${1:-30}" "${2:-0}" ;;
  *) echo "usage: ./run.sh {lessons [N]|test|bench [args]|asan|tsan|fuzz [secs] [seed]}" >&2; exit 2 ;;
esac
