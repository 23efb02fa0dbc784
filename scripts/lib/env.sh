# Sourced by the scripts in scripts/: where the project's environment is and how to run in it.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
USERLAND="$REPO/scripts/lib/debian-userland"
MIN_PYTHON="3.14.2"
LEGS=(current oldest newest)

# Three test legs, each its own venv: the Home Assistant we target, the oldest one the
# integration declares in hacs.json, and the newest release (which has no test harness yet).
# FRA_LEG picks one for scripts/run; "current" by default.
select_leg() {
    LEG=$1
    case "$LEG" in
        current) VENV="$REPO/.venv" REQUIREMENTS="$REPO/requirements_test.txt" ;;
        oldest) VENV="$REPO/.venv-oldest" REQUIREMENTS="$REPO/requirements_oldest.txt" ;;
        newest) VENV="$REPO/.venv-newest" REQUIREMENTS="$REPO/requirements_newest.txt" ;;
        *) echo "unknown test leg '$LEG' (one of: ${LEGS[*]})" >&2; return 1 ;;
    esac
}
select_leg "${FRA_LEG:-current}"

# What a venv was built from: a change to any of these makes scripts/setup install again.
SETUP_INPUTS=("$REPO"/requirements_*.txt "$REPO/scripts/lib/env.sh" "$REPO/scripts/setup")

python_is_new_enough() {
    "$1" -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON//./, }))" 2>/dev/null
}

# A real Python >= MIN_PYTHON on this machine: PATH first, then uv (finding or installing one).
find_native_python() {
    local candidate
    for candidate in python3.14 python3.15 python3; do
        if command -v "$candidate" >/dev/null && python_is_new_enough "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    if command -v uv >/dev/null; then
        candidate="$(uv python find ">=$MIN_PYTHON" 2>/dev/null)" \
            || { uv python install "$MIN_PYTHON" >&2 2>/dev/null \
                 && candidate="$(uv python find ">=$MIN_PYTHON" 2>/dev/null)"; } \
            || return 1
        python_is_new_enough "$candidate" && { echo "$candidate"; return 0; }
    fi
    return 1
}

# "native" or "userland": how the existing venv was made (empty when there is none).
venv_runner() { cat "$VENV/.fra-runner" 2>/dev/null || true; }

setup_fingerprint() { cat "${SETUP_INPUTS[@]}" | sha256sum | cut -d' ' -f1; }

venv_is_current() {
    [ -n "$(venv_runner)" ] && [ "$(cat "$VENV/.fra-setup" 2>/dev/null)" = "$(setup_fingerprint)" ]
}

# The Home Assistant version installed in the selected leg's venv.
ha_version() { in_env python -c 'import homeassistant.const as c; print(c.__version__)'; }

# Run a command with the venv first on PATH, wherever the venv's Python lives.
in_env() {
    case "$(venv_runner)" in
        native) PATH="$VENV/bin:$PATH" VIRTUAL_ENV="$VENV" "$@" ;;
        userland) FRA_VENV="$VENV" "$USERLAND" run "$@" ;;
        *) echo "no project environment yet: run scripts/setup" >&2; return 1 ;;
    esac
}
