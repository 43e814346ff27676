#!/usr/bin/env bash
# The main job on the default configuration: generate, co-simulate, synthesize and report.
# Extra arguments go to `spikelm-hw flow` (e.g. --preset spikelm-bert-base --target ecp5-85k).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo run --release --quiet -- flow --out build/flow --force "$@"
