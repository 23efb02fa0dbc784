#!/usr/bin/env bash
# Paths given to the scripts mean what they mean in the caller's shell (scripts/lib/host-paths.sh,
# scripts/lib/debian-userland). Runs on the host, not in the project's environment: scripts/test
# calls it directly.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/env.sh"

failures=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "  ok: $what"; else echo "  FAILED: $what" >&2; failures=$((failures + 1)); fi
}

outside="$(mktemp -d)"
trap 'rm -rf "$outside"' EXIT

# A relative path from a folder outside the repository: absolute, created, listed for binding.
(
    cd "$outside"
    source "$REPO/scripts/lib/host-paths.sh"
    host_path_options "--out-dir" --smoke --out-dir results --other x
    check "relative --out-dir becomes absolute" \
        test "${HOST_ARGS[*]}" = "--smoke --out-dir $outside/results --other x"
    check "it exists on the host" test -d "$outside/results"
    check "it is listed for binding" test "$FRA_BIND_PATHS" = "$outside/results"

    # What the command inside the environment writes there shows up in the caller's folder.
    in_env python -c 'import pathlib, sys; pathlib.Path(sys.argv[1], "probe").write_text("seen")' \
        "$outside/results"
    check "a file written inside appears on the host" \
        test "$(cat "$outside/results/probe" 2>/dev/null)" = seen
    exit "$failures"
) || failures=$((failures + $?))

# --opt=VALUE, and a path inside the repository: resolved from the caller's folder, not bound.
(
    cd "$REPO/docs"
    source "$REPO/scripts/lib/host-paths.sh"
    host_path_options "--config" --config=../.ha-config-test
    check "--config=VALUE resolved against the caller's folder" \
        test "${HOST_ARGS[*]}" = "--config=$REPO/.ha-config-test"
    check "a folder in the repository is not bound" test -z "$FRA_BIND_PATHS"
    check "nor created by the script" test ! -e "$REPO/.ha-config-test"
    exit "$failures"
) || failures=$((failures + $?))

# Folders the Debian userland needs for itself are refused with a message, not hidden.
if [ "$(venv_runner)" = userland ]; then
    message="$(FRA_BIND_PATHS=/usr/local/share/fra-probe in_env true 2>&1)"
    check "a system folder is refused" test $? -ne 0
    check "with a message saying why" grep -q "system folder" <<< "$message"
fi

[ "$failures" -eq 0 ] || { echo "host paths: $failures check(s) failed" >&2; exit 1; }
echo "host paths: all checks passed"
