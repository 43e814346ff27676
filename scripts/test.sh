#!/usr/bin/env bash
# The test command: install what is needed, then format check, lints and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
# setup.sh installed chromium: the report's browser test must run, not skip.
export SPIKELM_HW_REQUIRE_BROWSER="${SPIKELM_HW_REQUIRE_BROWSER:-1}"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --release
