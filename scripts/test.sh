#!/usr/bin/env bash
# The test command: install what is needed, then format check, lints and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --release
