# shellcheck shell=bash
# The shared dataset folder of the hub: root-owned, readable by all, writable by nobody else.
# Sourced by environment/install-hub.sh (which makes it so) and environment/start-hub.sh (which checks
# it again at each start: a data folder mounted later, e.g. a Docker volume, is checked too).

# Prints the first thing in the folder DIR (or above it) that lets a student change the data, with the
# reason, and returns 0; returns 1 when there is none. Inside: an entry not owned by root (its owner
# can chmod it) or writable by group or others. Above: a folder writable by group or others without
# the sticky bit (a student could rename the data folder and put their own in its place), on the path
# as given and on the physical one (a symlink on the way is skipped itself: its own mode 777 means
# nothing; the folder it lives in and the folders it leads to are checked).
nnzoo_data_problem() {
    local dir="$1" bad parent start
    bad="$(find "$dir" \( ! -user 0 -o -perm /022 \) ! -type l -printf '%p (owner %u, mode %m)\n' -quit 2>/dev/null)"
    if [[ -n "$bad" ]]; then
        printf 'an entry a non-root user owns or may write: %s\n' "$bad"
        return 0
    fi
    bad="$(find "$dir" \( \( -type d ! -perm -005 \) -o \( -type f ! -perm -004 \) \) -printf '%p (mode %m)\n' -quit 2>/dev/null)"
    if [[ -n "$bad" ]]; then
        printf 'an entry students cannot read: %s\n' "$bad"
        return 0
    fi
    for start in "$dir" "$(cd -P -- "$dir" 2>/dev/null && pwd -P)"; do
        parent="$(dirname "$start")"
        while :; do
            if [[ -n "$(find "$parent" -maxdepth 0 ! -type l -perm /022 ! -perm -1000 2>/dev/null)" ]]; then
                printf 'a folder above it that others may write: %s (mode %s)\n' "$parent" "$(stat -c %a "$parent")"
                return 0
            fi
            [[ "$parent" == / ]] && break
            parent="$(dirname "$parent")"
        done
    done
    return 1
}

# True when DIR is on a file system mounted read-only (nobody can write it, whatever the modes say).
nnzoo_read_only_fs() {
    local opts
    opts="$(findmnt -n -o OPTIONS -T "$1" 2>/dev/null || true)"
    [[ ",$opts," == *,ro,* ]]
}
