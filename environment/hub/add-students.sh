#!/usr/bin/env bash
# Creates course accounts for the NN Zoo hub (PAM authenticator, local spawner): one Unix user per
# name, in the course group, with a random initial password. Prints "user,password" lines (CSV) for
# the instructor to hand out; existing users are only added to the group (their password is kept).
#   sudo bash environment/hub/add-students.sh [--group G] [--home-base DIR] [--file names.txt] name...
# Students change their password with `passwd` in a Jupyter terminal.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

group=nnzoo-students
home_base=""
names=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --group) [[ $# -ge 2 ]] || nnzoo_die "--group needs a name"; group="$2"; shift ;;
        --home-base) [[ $# -ge 2 ]] || nnzoo_die "--home-base needs a folder"; home_base="$2"; shift ;;
        --file) [[ $# -ge 2 && -f "$2" ]] || nnzoo_die "--file needs a file of user names (one a line)"
                while IFS= read -r line; do
                    line="${line%%#*}"; line="${line//[[:space:]]/}"
                    [[ -n "$line" ]] && names+=("$line")
                done < "$2"; shift ;;
        -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) nnzoo_die "unknown option: $1 (see --help)" ;;
        *) names+=("$1") ;;
    esac
    shift
done
[[ ${#names[@]} -gt 0 ]] || nnzoo_die "no user names given (see --help)"
[[ "$(id -u)" -eq 0 ]] || nnzoo_die "creating Unix users needs root: sudo bash environment/hub/add-students.sh ..."
for n in "${names[@]}"; do
    [[ "$n" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] \
        || nnzoo_die "'$n' is not a valid user name: lower-case letters, digits, '_' and '-', starting with a letter"
done
getent group "$group" >/dev/null || groupadd "$group" || nnzoo_die "cannot create the group $group"
if [[ -n "$home_base" ]]; then
    mkdir -p "$home_base" && chmod 755 "$home_base"
    home_base="$(cd "$home_base" && pwd)"
fi

# the owners of the homes already there (kept from before: a re-created container, a volume) are reserved, so that a
# new account never gets one of those UIDs, and with it someone else's kept work
home_root="${home_base:-$(useradd -D | sed -n 's/^HOME=//p')}"
reserved=" "
for d in "$home_root"/*/; do
    [[ -d "$d" ]] && reserved+="$(stat -c %u "$d") "
done
next_free_uid() {
    local u=1000
    while getent passwd "$u" >/dev/null || [[ "$reserved" == *" $u "* ]]; do u=$((u + 1)); done
    echo "$u"
}

echo "user,password"
for n in "${names[@]}"; do
    if id "$n" >/dev/null 2>&1; then
        usermod -a -G "$group" "$n" || nnzoo_die "cannot add $n to $group"
        echo "$n,(existing user: password unchanged)"
        continue
    fi
    home_args=()
    [[ -n "$home_base" ]] && home_args=(--home-dir "$home_base/$n")
    home="$home_root/$n"
    if [[ -d "$home" ]]; then
        # a home kept from before (a re-created container, a volume): the account gets its owner's UID back, so
        # that the work in it stays this student's; never a UID another account has, or root's
        uid="$(stat -c %u "$home")"
        if (( uid == 0 )) || getent passwd "$uid" >/dev/null; then
            nnzoo_die "$home exists and belongs to UID $uid, $( ((uid == 0)) && echo root || echo "the account $(getent passwd "$uid" | cut -d: -f1)"): it cannot become $n's home; move it aside, or chown it to a free UID"
        fi
        home_args+=(--uid "$uid")
    else
        home_args+=(--uid "$(next_free_uid)")
    fi
    useradd --create-home "${home_args[@]+"${home_args[@]}"}" --shell /bin/bash --groups "$group" "$n" \
        || nnzoo_die "useradd $n failed"
    chmod 700 "$(getent passwd "$n" | cut -d: -f6)"
    password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | head -c 12)"
    printf '%s:%s\n' "$n" "$password" | chpasswd || nnzoo_die "chpasswd for $n failed"
    echo "$n,$password"
done
