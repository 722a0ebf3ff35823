#!/usr/bin/env bash
# Builds the engine host in Release if needed, then runs it. With no argument it starts the engine on its
# embedded default configuration; other sub-commands are listed by `./run-engine.sh help`.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
out="$root/gateway/Host/bin/Release/net10.0"
exe="$out/engine-host.dll"
# rebuild when any source, project or embedded configuration is newer than the host
stale() {
  [ ! -f "$exe" ] && return 0
  [ -n "$(find "$root/engine" "$root/journal" "$root/gateway" \( -name bin -o -name obj \) -prune -o \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' \) -newer "$exe" -print -quit)" ]
}
if [ "${1:-}" = "bench" ]; then
  # run-engine.sh bench [all|micro|logic|pipeline|tcp|e2e] [--quick] [--wait W] [--durability D] [--layout two|three] [--publisher-wait W] [--ring N] [--pin] [--out DIR]
  shift
  suite=all
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then suite="$1"; shift; fi
  case "$suite" in all|micro|logic|pipeline|tcp|e2e) ;; *) echo "unknown bench suite '$suite': all, micro, logic, pipeline, tcp or e2e" >&2; exit 2 ;; esac
  bdn="$root/perf/Engine.Benchmarks/bin/Release/net10.0/Engine.Benchmarks.dll"
  load="$root/perf/Engine.LoadTest/bin/Release/net10.0/Engine.LoadTest.dll"
  perf_stale() {
    [ ! -f "$1" ] && return 0
    [ -n "$(find "$root/engine" "$root/journal" "$root/gateway" "$root/perf" \( -name bin -o -name obj -o -name results \) -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' \) -newer "$1" -print -quit)" ]
  }
  if perf_stale "$bdn" || perf_stale "$load"; then
    echo "building benchmarks (Release)..." >&2
    dotnet build "$root/perf/Engine.Benchmarks/Engine.Benchmarks.csproj" -c Release --nologo -v quiet >&2
    dotnet build "$root/perf/Engine.LoadTest/Engine.LoadTest.csproj" -c Release --nologo -v quiet >&2
  fi
  cd "$root"
  status=0
  if [ "$suite" = all ] || [ "$suite" = micro ]; then
    micro_args=()
    for a in "$@"; do case "$a" in --quick) micro_args+=(--quick) ;; esac; done
    out_next=0
    for a in "$@"; do if [ $out_next = 1 ]; then micro_args+=(--out "$a"); out_next=0; fi; [ "$a" = --out ] && out_next=1; done
    dotnet "$bdn" suite "${micro_args[@]}" || status=$?
  fi
  if [ "$suite" != micro ]; then
    [ "$suite" = all ] && suite=e2e
    dotnet "$load" bench "$suite" "$@" || status=$?
  fi
  exit $status
fi
if stale; then
  echo "building engine host (Release)..." >&2
  dotnet build "$root/gateway/Host/Host.csproj" -c Release --nologo -v quiet >&2
fi
exec dotnet "$exe" "$@"
