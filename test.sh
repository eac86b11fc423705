#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (PostgreSQL and Chromium from Debian's packages) and starts a throwaway
# PostgreSQL server for them, then builds once and runs each test project, writing one TRX file per project to
# artifacts/test-results (read by .ci/run). The server and its folder are removed at exit, whatever happened.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# Debian's packages the tests need, installed once per machine: PostgreSQL when initdb/pg_ctl are not found (on PATH
# or under /usr/lib/postgresql), Chromium (/usr/bin/chromium, driven by the browser tests) when it is missing.
missing=()
tests/throwaway-postgres.sh installed || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if (( ${#missing[@]} )); then
  echo "test.sh: installing ${missing[*]} from Debian's packages"
  if [[ $EUID -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "test.sh: could not install ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
pg_folder="${TMPDIR:-/tmp}/wxhub-pg-$$-$RANDOM"
trap 'tests/throwaway-postgres.sh stop "$pg_folder"' EXIT
trap 'exit 130' INT TERM
if ! WXHUB_TEST_POSTGRES="$(tests/throwaway-postgres.sh start "$pg_folder")"; then
  echo "test.sh: could not start the throwaway PostgreSQL server" >&2
  exit 1
fi
export WXHUB_TEST_POSTGRES

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
