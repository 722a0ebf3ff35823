#!/bin/bash
# Waits until the (shared) machine is idle before a measured run: CPU busy < $1 percent over 3 s (default 8),
# at most $2 seconds (default 900); prints the state it started in. Used for perf/results/risk.md:
#   perf/tools/wait-idle.sh >> out.txt; dotnet run -c Release --project perf/Engine.LoadTest -- risk-tick >> out.txt
limit=${1:-8}; max=${2:-900}; waited=0
busy() { read -r _ a b c d e f g h _ < /proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$((d+e)); sleep 3
         read -r _ a b c d e f g h _ < /proc/stat; t2=$((a+b+c+d+e+f+g+h)); i2=$((d+e)); echo $(( 100 - 100*(i2-i1)/(t2-t1) )); }
while :; do
  b=$(busy)
  [ "$b" -lt "$limit" ] && break
  if [ $waited -ge $max ]; then echo "wait-idle.sh: gave up after ${max}s (busy ${b}%)"; break; fi
  sleep 5; waited=$((waited+8))
done
echo "machine before run: busy ${b}% over 3 s, loadavg $(cut -d' ' -f1-3 /proc/loadavg), waited ${waited}s"
