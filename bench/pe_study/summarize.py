#!/usr/bin/env python3
"""slc/PE = max(LUT4-eq, FF) / 2 / PEs: a lower bound on ECP5 slices (2 LUT4 + 2 FF each).
Table of every out/NAME: LUT4, CCU2C, LUT4-eq (= LUT4 + 2 CCU2C), per-PE figures, FF, wide
muxes, Fmax at speed 6 / 8 (post-route, from the nextpnr --report JSON)."""
import json, os, re, sys
PES = {"bare": 1}
def stat(path):
    cells = {}
    for line in open(path):
        m = re.match(r"\s+(\d+)\s+(\S+)\s*$", line)
        if m:
            cells[m.group(2)] = int(m.group(1))
    return cells
def fmax(path):
    if not os.path.exists(path):
        return None
    return json.load(open(path))["fmax"]["clk"]["achieved"]
rows = []
names = sys.argv[1:] or sorted(os.listdir("out"))
print(f"{'variant':28} {'PEs':>4} {'LUT4':>6} {'CCU2C':>6} {'LUT4eq':>7} {'eq/PE':>6} {'FF':>6} {'FF/PE':>6} {'PFUMX':>5} {'L6MUX':>5} {'F6':>6} {'F8':>6} {'slc/PE':>6}")
for n in names:
    p = f"out/{n}/stat.txt"
    if not os.path.exists(p):
        continue
    c = stat(p)
    pes = int(open(f"out/{n}/pes").read()) if os.path.exists(f"out/{n}/pes") else PES.get(n, 256)
    lut, ccu, ff = c.get("LUT4", 0), c.get("CCU2C", 0), c.get("TRELLIS_FF", 0)
    eq = lut + 2 * ccu
    f6, f8 = fmax(f"out/{n}/pnr_6.json"), fmax(f"out/{n}/pnr_8.json")
    fs = lambda f: f"{f:6.1f}" if f else "     -"
    print(f"{n:28} {pes:4d} {lut:6d} {ccu:6d} {eq:7d} {eq/pes:6.1f} {ff:6d} {ff/pes:6.1f} {c.get('PFUMX',0):5d} {c.get('L6MUX21',0):5d} {fs(f6)} {fs(f8)} {max(eq, ff)/2/pes:6.1f}")
