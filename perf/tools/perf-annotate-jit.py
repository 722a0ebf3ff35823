#!/usr/bin/env python3
"""Per-instruction sample counts for one JIT-compiled .NET method, from `perf record` and DOTNET_JitDisasm.

perf cannot annotate JIT code by itself (no code bytes on disk); this joins the perf map (method start and
size), the samples (`perf script -F ip,sym`) and the JIT's own listing with code bytes, whose per-group
offsets plus instruction lengths give every instruction's offset. Both must come from the SAME process.

  rm -f /tmp/perf-*.map
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  DOTNET_JitDisasm="ReplaceOrder Insert Remove" DOTNET_JitDisasmWithCodeBytes=1 DOTNET_JitStdOutFile=/tmp/disasm.txt \
    perf record -F 4999 -e cpu-clock -o /tmp/lt.data \
    dotnet perf/Engine.LoadTest/bin/Release/net10.0/Engine.LoadTest.dll logic --runs 10
  perf script -i /tmp/lt.data -F ip,sym > /tmp/lt.script
  perf/tools/perf-annotate-jit.py /tmp/disasm.txt /tmp/lt.script '/tmp/perf-*.map' \
    'OrderBook::Insert(int32)' 'OrderBook:Insert(int):this (Tier1)'

Arguments: listing, perf script output, perf map glob, method name as in the perf map (Tier1 code is
picked), the listing's header text of the Tier1 compilation. Prints each instruction with the share of
the method's samples whose ip is that instruction (timer sampling: a stall is charged to the instruction
that waits, typically the first user of a missing load).
"""
import collections
import glob
import re
import sys


def main():
    disasm, script, map_glob, method, header = sys.argv[1:6]
    start = size = None
    for path in glob.glob(map_glob):
        for line in open(path):
            addr, sz, name = line.rstrip("\n").split(" ", 2)
            if method in name and "OptimizedTier1]" in name and "OSR" not in name:
                start, size = int(addr, 16), int(sz, 16)
    if start is None:
        sys.exit(f"{method}: no Tier1 code in the perf map")
    text = open(disasm).read()
    block = text[text.index(header):]
    end = block.find("; Assembly listing", 10)
    block = block[:end] if end > 0 else block
    instructions, offset = [], 0
    for line in block.split("\n"):
        group = re.search(r";; offset=0x([0-9A-F]+)", line)
        if group:
            offset = int(group.group(1), 16)
            instructions.append((None, line.strip()))
            continue
        ins = re.match(r"\s+([0-9A-F]+)\s+([a-z].*)", line)
        if ins and len(ins.group(1)) % 2 == 0:
            instructions.append((offset, ins.group(2).strip()))
            offset += len(ins.group(1)) // 2
    counts, total = collections.Counter(), 0
    for line in open(script):
        parts = line.split()
        if not parts:
            continue
        ip = int(parts[0], 16)
        if start <= ip < start + size:
            counts[ip - start] += 1
            total += 1
    print(f"{method}: start {start:#x}, size {size:#x}, {total} samples")
    for off, ins in instructions:
        if off is None:
            print(f"{'':>15}{ins}")
        else:
            share = 100.0 * counts.get(off, 0) / total if total else 0.0
            print(f"{share:6.1f}%  {off:05X}  {ins}")


if __name__ == "__main__":
    main()
