# Sourced by scripts that take paths on their command line (scripts/bench, scripts/develop).
# shellcheck shell=bash
#
# The scripts cd to the repository and may run their command inside the Debian userland, whose
# /tmp is not the caller's /tmp. So a path option is made absolute against the caller's working
# directory, and a path outside the repository is listed in FRA_BIND_PATHS, which
# debian-userland binds in at the same place. Source this before any cd.

FRA_CALLER_DIR="$PWD"
FRA_BIND_PATHS="${FRA_BIND_PATHS:-}"

# host_path PATH: the absolute path in HOST_PATH; created, and listed for binding when it lies
# outside the repository.
host_path() {
    local path
    path="$(cd "$FRA_CALLER_DIR" && realpath -m -- "$1")" || return 1
    case "$path" in
        *:*) echo "a path with ':' cannot be passed on: $path" >&2; return 1 ;;
    esac
    case "$path" in
        "$REPO" | "$REPO"/*) ;;
        *)
            mkdir -p -- "$path" || return 1
            path="$(realpath -e -- "$path")"
            FRA_BIND_PATHS="${FRA_BIND_PATHS:+$FRA_BIND_PATHS:}$path"
            ;;
    esac
    HOST_PATH="$path"
}

# host_path_options "OPTION ..." ARG ...: ARG with each named option's value (`--opt VALUE` or
# `--opt=VALUE`) passed through host_path, in the array HOST_ARGS.
host_path_options() {
    local options=" $1 " arg name
    shift
    HOST_ARGS=()
    while [ $# -gt 0 ]; do
        arg=$1
        shift
        name=${arg%%=*}
        if [[ "$options" != *" $name "* ]]; then
            HOST_ARGS+=("$arg")
        elif [[ "$arg" == *=* ]]; then
            host_path "${arg#*=}" || return 1
            HOST_ARGS+=("$name=$HOST_PATH")
        elif [ $# -gt 0 ]; then
            host_path "$1" || return 1
            shift
            HOST_ARGS+=("$name" "$HOST_PATH")
        else
            HOST_ARGS+=("$arg") # no value: the program's own parser says so
        fi
    done
    export FRA_BIND_PATHS
}
