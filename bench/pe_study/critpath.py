#!/usr/bin/env python3
"""Critical path summary from a nextpnr --report JSON: from/to cells and logic vs routing delay."""
import json, sys
d = json.load(open(sys.argv[1]))
for cp in d["critical_paths"]:
    logic = sum(s["delay"] for s in cp["path"] if s["type"] != "routing")
    route = sum(s["delay"] for s in cp["path"] if s["type"] == "routing")
    p = cp["path"]
    print(f"{cp['from']} -> {cp['to']}: {len(p)} steps, logic {logic:.2f} ns, routing {route:.2f} ns")
    print("   from", p[0]["from"]["cell"][:90])
    print("   to  ", p[-1]["to"]["cell"][:90])
    cells = [s["to"]["cell"] for s in p if s["type"] != "routing"]
    print("   through", len(cells), "cells;", sum(1 for s in p if s["type"]=="routing"), "routed hops")
