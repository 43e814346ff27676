#!/usr/bin/env bash
# Render a flow report in headless Chromium (installed by scripts/setup.sh) and save a PNG, to see
# the page as a reader does. tests/report_html.rs makes the same check automatically.
# Usage: bash scripts/report_screenshot.sh [REPORT.html] [OUT.png] [WIDTHxHEIGHT]
#        (defaults: build/flow/report.html, the same name with .png, 1600x3600)
set -euo pipefail
html="${1:-build/flow/report.html}"
png="${2:-${html%.html}.png}"
size="${3:-1600x3600}"
command -v chromium >/dev/null 2>&1 || { echo "chromium not found: run scripts/setup.sh" >&2; exit 1; }
[ -f "$html" ] || { echo "$html: no such report (bash scripts/main.sh writes one)" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="${size/x/,}" \
    --screenshot="$(realpath -m "$png")" "file://$(realpath "$html")" 2>/dev/null
echo "screenshot: $png ($size)"
