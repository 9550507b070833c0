#!/bin/bash
# The bash completion (contrib/bash-completion/fsprobe), driven as bash
# drives it: COMP_WORDS/COMP_CWORD set for a command line, the completion
# function called, COMPREPLY checked. Every value it offers for --engine,
# -o, --output and -t is then given to fsprobe, which must accept it.
# Needs bash-completion (Debian package bash-completion); no root, no mounts.
. "$(dirname "$0")/../lib.sh"
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || t_missing "bash-completion not installed (Debian package bash-completion)"
COMPLETION=$(cd "$(dirname "$0")/../../contrib/bash-completion" && pwd)/fsprobe
t_init

# A directory with "fsprobe" first in PATH: the completion runs the
# fsprobe of the command line, here the build under test.
mkdir "$T_DIR/bin"
ln -s "$FSPROBE" "$T_DIR/bin/fsprobe"

# complete LINE: what the completion offers at the end of LINE (one per
# line, sorted), run in a bash of its own with bash-completion loaded.
complete_line() {
	PATH="$T_DIR/bin:$PATH" bash --norc --noprofile -c '
		. "$1" 2>/dev/null; . "$2"
		compopt() { :; }  # only bash itself, completing, may call it
		line=$3
		read -r -a COMP_WORDS <<< "$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE=$line COMP_POINT=${#line}
		_fsprobe fsprobe "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$COMPLETION" "$1" | sort
}

t_is "$(bash -n "$COMPLETION" 2>&1)" "" "the completion file parses"
t_is "$(PATH="$T_DIR/bin:$PATH" bash --norc --noprofile -c '. "$1" 2>/dev/null; . "$2"; complete -p fsprobe' _ "$BC" "$COMPLETION")" \
	"complete -F _fsprobe fsprobe" "it completes the command fsprobe, with no filename fallback"

# Options, from fsprobe --help
got=$(complete_line "fsprobe --eng")
t_is "$got" "--engine" "--eng completes to --engine"
got=$(complete_line "fsprobe --")
t_is "$(for o in --all --type --exclude-type --timeout --engine --json --columns --list-columns \
	--output --nagios --prometheus --textfile --daemon --interval --help --version; do
	grep -qx -- "$o" <<< "$got" || echo "$o"; done)" "" "every main option is among them"
# each offered option is one fsprobe --help documents
undocumented=
while read -r o; do
	"$FSPROBE" --help | grep -q -- "$o\b" || undocumented="$undocumented $o"
done <<< "$got"
t_is "$undocumented" "" "every option offered is in fsprobe --help"

# --engine values, each accepted
got=$(complete_line "fsprobe --engine ")
t_is "$(echo $got)" "auto threads uring" "--engine offers auto, uring, threads"
bad=
for e in $got; do
	"$FSPROBE" --state-dir "$T_DIR/state" --engine "$e" -t proc -q >/dev/null 2>&1
	[ $? -le 1 ] || bad="$bad $e"
done
t_is "$bad" "" "fsprobe accepts each engine offered"

# -o: the names of fsprobe --list-columns, as a comma separated list
want=$("$FSPROBE" --list-columns | awk '{ print $1 }' | sed 's/$/,/' | sort)
got=$(complete_line "fsprobe -o ")
t_is "$got" "$want" "-o offers every column of --list-columns"
t_is "$(complete_line "fsprobe --columns TARGET,ST")" "TARGET,STATUS," "-o completes the element after a comma"
t_is "$(complete_line "fsprobe -o STATUS,TARGET,DET")" "STATUS,TARGET,DETAIL," "... and a third one"
t_is "$(complete_line "fsprobe -o TARGET," | grep -c '^TARGET,TARGET,')" 0 "... without the columns already given"
cols=$(complete_line "fsprobe -o " | tr -d , | paste -sd, -)
"$FSPROBE" --state-dir "$T_DIR/state" -t proc -o "$cols" >"$T_DIR/out" 2>&1
t_like "$?" '^[01]$' "fsprobe -o accepts all of them at once"

# --output=FIELDS: df's fields and fsprobe's, each accepted
got=$(complete_line "fsprobe --output=")
t_is "$(wc -l <<< "$got")" 15 "--output= offers 15 fields"
bad=
for f in $(tr -d , <<< "$got"); do
	"$FSPROBE" --state-dir "$T_DIR/state" -t proc --output="$f" >/dev/null 2>&1
	[ $? -le 1 ] || bad="$bad $f"
done
t_is "$bad" "" "fsprobe accepts each --output field offered"
t_is "$(complete_line "fsprobe --output=source,si")" "source,size," "--output= completes after a comma"

# -t/-x: the types of /proc/filesystems
want=$(awk '{ print $NF "," }' /proc/filesystems | sort)
t_is "$(complete_line "fsprobe -t ")" "$want" "-t offers the types of /proc/filesystems"
t_is "$(complete_line "fsprobe -x pro")" "proc," "-x completes a type"
t_is "$(complete_line "fsprobe -t proc,sys")" "proc,sysfs," "-t completes the element after a comma"

# FILE arguments: mount points from mountinfo, never the directories
# (no stat of a mount point): a mount point whose name has a space in it
# is offered escaped, and a plain directory is not offered.
if [ "$(id -u)" = 0 ] && grep -q '[[:space:]]tmpfs$' /proc/filesystems; then
	mkdir -p "$T_DIR/my mnt" "$T_DIR/plain"
	if mount -t tmpfs fsprobe-test "$T_DIR/my mnt"; then
		t_add_mount "$T_DIR/my mnt"
		t_is "$(complete_line "fsprobe $T_DIR/")" "$(printf '%q' "$T_DIR/my mnt")" \
			"FILE: the mount point (escaped), not the plain directory"
	else
		t_fail "mount a tmpfs to complete"
	fi
else
	t_is "$(complete_line "fsprobe /pro")" "/proc" "FILE: /proc, a mount point"
fi
t_is "$(complete_line "fsprobe /proc/sel")" "" "FILE: no directory below a mount point is read"

t_done
