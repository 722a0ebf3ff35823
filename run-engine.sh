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
if stale; then
  echo "building engine host (Release)..." >&2
  dotnet build "$root/gateway/Host/Host.csproj" -c Release --nologo -v quiet >&2
fi
exec dotnet "$exe" "$@"
