# Keep the fan-in cone of one endpoint of a nextpnr SDF (all paths into it stay exact).
import re, sys
src, end, dst = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(src).read().rstrip()
assert text.endswith(")")
text = text[:-1].rstrip() + "\n"
head, rest = text.split("\n  (CELL\n", 1)
blocks = ["  (CELL\n" + b for b in ("\n  (CELL\n" + rest).split("\n  (CELL\n")[1:]]
top = blocks[0]
ic = re.findall(r"^(\s*\(INTERCONNECT (\S+) (\S+) .*\))$", top, re.M)
cells = {}
for b in blocks[1:]:
    m = re.search(r"\(INSTANCE (.*?)\)\n", b)
    inst = m.group(1)
    arcs = re.findall(r"\(IOPATH (\S+) (\S+) ", b)
    cells[inst] = (b, arcs)
cone = {end}
changed = True
while changed:
    changed = False
    for _, f, t in ic:
        if t in cone and f not in cone:
            cone.add(f); changed = True
    for inst, (b, arcs) in cells.items():
        for i, o in arcs:
            if f"{inst}/{o}" in cone and f"{inst}/{i}" not in cone:
                cone.add(f"{inst}/{i}"); changed = True
insts = {p.rsplit("/", 1)[0] for p in cone}
lines = [l for l, f, t in ic if t in cone]
toph = top.split("(INTERCONNECT", 1)[0]
out = head + "\n" + toph.rstrip(" ") + "\n".join(lines) + "\n      )\n    )\n  )\n"
for inst, (b, _) in cells.items():
    if inst in insts:
        out += b if b.endswith("\n") else b + "\n"
if not out.rstrip().endswith(")\n)") and not out.rstrip().endswith("))"):
    pass
out += ")\n"
open(dst, "w").write(out)
print(len(out), len(insts), len(lines))
