#!/usr/bin/env bash
# Runs every test. Installs what the tests need first, then builds once and runs each test project,
# writing one TRX file per project to artifacts/test-results (read by .ci/run).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build WxHub.slnx -c Debug -nologo -v minimal; then
  echo "test.sh: build failed" >&2
  exit 1
fi

status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  dotnet test "$project" -c Debug --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" "$@" || status=1
done
exit $status
