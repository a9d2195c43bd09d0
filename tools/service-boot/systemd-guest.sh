#!/bin/bash
# The systemd boot's guest side (tools/boot-service.sh): run by minisnoop-boottest.service in a
# Debian system booted with systemd as PID 1, where `make install` put minisnoop and its unit
# and the unit is enabled as shipped. Prints on the serial console, as `@@sd` lines, what
# minisnoop wrote and the truth (pids, uids, cwd, every argument in hex); the host
# (tools/service-boot/check.py) compares them. Nothing here judges minisnoop's output, except
# where shipping it all would be too much (the storm: each file's size, line count and
# malformed lines, and the storm indices seen, are sent).
# Phases: installed (the unit as shipped: JSON lines on standard output, i.e. the journal;
# the capabilities it holds once attached; -o root without CAP_SYS_PTRACE), capabilities
# (each one taken away in turn must make the unit fail), file (the shipped write-file.conf
# drop-in), gap (`systemctl restart` under a steady marker), storm (-w
# --rotate with a small SIZE under an exec storm), security (systemd-analyze security of a
# plain unit, of ours, of ours without CAP_SYS_PTRACE), then the sinks (the shipped journal.conf
# drop-in, an entry past a datagram, --syslog with rsyslog's two files, --kmsg's drop-in
# lines), then power off.
set -u
exec </dev/null
say() { printf '@@sd %s\n' "$*"; }
now() { local u _r; read -r u _r </proc/uptime; printf '%s' "$u"; } # builtins only
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
LOGDIR=/var/log/minisnoop
DROP=/etc/systemd/system/minisnoop.service.d
BIN=/usr/bin/minisnoop
mkdir -p "$DROP" /tmp/k.d

# NAME ARGV...: runs ARGV as a child of this shell in /tmp/k.d, and says the truth
run() {
	local name=$1 pid i=0 a
	shift
	(cd /tmp/k.d && exec "$@") >/dev/null 2>&1 &
	pid=$!
	wait $pid
	say truth "$name" pid=$pid ppid=$$ uid=0 cwd=/tmp/k.d argc=$#
	for a; do
		say arg "$name" $i "$(hex "$a")"
		i=$((i + 1))
	done
}
# NAME ARGV...: the same as uid and gid 65534 (setpriv execs ARGV in the same process)
run_nobody() {
	local name=$1 pid i=0 a
	shift
	(cd /tmp/k.d && exec setpriv --reuid 65534 --regid 65534 --clear-groups "$@") >/dev/null 2>&1 &
	pid=$!
	wait $pid
	say truth "$name" pid=$pid ppid=$$ uid=65534 cwd=/tmp/k.d argc=$#
	for a; do
		say arg "$name" $i "$(hex "$a")"
		i=$((i + 1))
	done
}
# wait_for CMD PATTERN [SECONDS]: until CMD's output has PATTERN (a fixed string), at most
# SECONDS by the clock (a journalctl takes a good part of a second under TCG)
wait_for() {
	local u _r end
	read -r u _r </proc/uptime
	end=$((${u%.*} + ${3:-20}))
	while :; do
		if eval "$1" 2>/dev/null | grep -qF -- "$2"; then return 0; fi
		read -r u _r </proc/uptime
		[ "${u%.*}" -lt $end ] || return 1
		sleep 0.1
	done
}
# restart_unit: `systemctl restart minisnoop`, timed; says how long it took
restart_unit() {
	local t0 t1
	t0=$(now)
	systemctl restart minisnoop
	say restart-rc "$1" $? "$(systemctl is-active minisnoop)"
	t1=$(now)
	say restart-time "$1" "$t0" "$t1"
}
unit_journal() { journalctl -u minisnoop -o cat --no-pager; }

say begin "$(uname -r)" "$(systemctl --version | head -n 1)"
say pid1 "$(cat /proc/1/comm)"
say boot-time "$(systemd-analyze time 2>&1 | head -n 1)"

# --- installed: as shipped, enabled, started before sysinit.target ----------------------------
say enabled "$(systemctl is-enabled minisnoop)"
say active "$(systemctl is-active minisnoop)"
say unit-options "$(systemctl show -p ExecStart --value minisnoop | tr -s ' ' | cut -c1-200)"
# the unit in a real system: systemd-analyze verify, and no ordering cycle at boot (what
# systemd itself logged, not minisnoop's own lines, which hold this grep's arguments)
systemd-analyze verify --man=no minisnoop.service >/tmp/verify.out 2>&1
say verify-rc $?
while IFS= read -r l; do say "verify| $l"; done </tmp/verify.out
journalctl -b --no-pager -o cat _PID=1 | grep -i -e 'ordering cycle' -e 'minisnoop.service: .*ignoring' |
	while IFS= read -r l; do say "boot-warning| $l"; done
# rsyslogd starts after sysinit.target: its exec must be in minisnoop's output
if wait_for unit_journal '"comm":"rsyslogd"' 10; then say early rsyslogd-seen; else say early rsyslogd-missing; fi
# no reload without -w (SIGHUP would end it): refused, and it goes on
systemctl reload minisnoop >/dev/null 2>&1
say reload-installed $? "$(systemctl is-active minisnoop)"
run A1 /bin/echo msk-A1 "two words" "" "tab	x"
run_nobody A2 /bin/true msk-A2
wait_for unit_journal msk-A2 20
unit_journal | grep -F '"msk-A' | while IFS= read -r l; do say "out A| $l"; done
# once attached minisnoop holds no capability (permitted, effective, ambient all 0); the
# bounding set is the unit's
say caps "$(grep -E '^Cap(Prm|Eff|Amb|Bnd):' /proc/"$(systemctl show -p MainPID --value minisnoop)"/status | tr -s '\t\n' '  ')"
# root: without CAP_SYS_PTRACE, /proc/1/ns/mnt cannot be read (pid 1 has capabilities the unit
# does not: the ptrace access check), and the unit's own mount namespace (its sandbox) becomes
# the reference: every host process's root would be "/"; with it (as shipped, the storm
# below), null
printf '[Service]\nExecStart=\nExecStart=%s --pidfile /run/minisnoop/minisnoop.pid -j -o +root,mntns\nCapabilityBoundingSet=~CAP_SYS_PTRACE\n' $BIN >"$DROP/zz-root.conf"
systemctl daemon-reload
restart_unit noptrace
run R1 /bin/echo msk-R1
wait_for unit_journal msk-R1 20
unit_journal | grep -F '"msk-R1"' | while IFS= read -r l; do say "out R| $l"; done
say ns-mnt "$(stat -L -c %i /proc/1/ns/mnt)"
rm -f "$DROP/zz-root.conf"
systemctl daemon-reload
systemctl restart minisnoop

# --- capabilities: each one needed, and no more -------------------------------------------------
# cap_case PARANOID CAP...: the unit at kernel.perf_event_paranoid PARANOID without CAP...
cap_case() {
	local par=$1
	shift
	echo "$par" >/proc/sys/kernel/perf_event_paranoid
	printf '[Service]\nCapabilityBoundingSet=~%s\nRestart=no\n' "$*" >"$DROP/zz-cap.conf"
	systemctl daemon-reload
	systemctl restart minisnoop >/dev/null 2>&1
	say cap paranoid="$par" without="$(echo "$*" | tr ' ' ,)" "$(systemctl is-active minisnoop)" \
		"$(systemctl show -p Result --value minisnoop)"
	journalctl -u minisnoop -o cat --no-pager -n 30 | grep '^minisnoop: ' | grep -v 'events,' |
		tail -n 1 | sed "s/^/@@sd cap-msg paranoid=$par without=$(echo "$*" | tr ' ' ,) /"
	systemctl stop minisnoop
	systemctl reset-failed minisnoop 2>/dev/null
}
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
say paranoid "$paranoid"
cap_case "$paranoid" CAP_SYS_ADMIN
cap_case 2 CAP_SYS_ADMIN
cap_case 2 CAP_SYS_ADMIN CAP_BPF
cap_case 2 CAP_SYS_ADMIN CAP_PERFMON
echo "$paranoid" >/proc/sys/kernel/perf_event_paranoid
rm -f "$DROP/zz-cap.conf"
systemctl daemon-reload

# --- file: the shipped drop-in (-w /var/log/minisnoop/exec.log --rotate 10M,10) ----------------
cp /usr/share/minisnoop/examples/write-file.conf "$DROP/"
systemctl daemon-reload
restart_unit file
say file-options "$(systemctl show -p ExecStart --value minisnoop | tr -s ' ' | cut -c1-200)"
say logdir "$(stat -c '%a %U' $LOGDIR)"
run B1 /bin/echo msk-B1 "a b" ""
# reload: SIGHUP, the file reopened, tracing goes on
systemctl reload minisnoop
say reload-file $? "$(systemctl is-active minisnoop)" "$(systemctl show -p MainPID --value minisnoop)"
run_nobody B2 /bin/true msk-B2
wait_for "cat $LOGDIR/exec.log" msk-B2 20
say file-mode "$(stat -c '%a %U' $LOGDIR/exec.log)"
grep -F '"msk-B' $LOGDIR/exec.log | while IFS= read -r l; do say "out B| $l"; done

# --- gap: what `systemctl restart` loses, with a marker exec'd steadily --------------------------
rm -f /tmp/gap.stop /tmp/gap.truth
(
	i=0
	while [ ! -e /tmp/gap.stop ]; do
		i=$((i + 1))
		read -r u _r </proc/uptime
		/bin/true msk-gap $i "$u"
		echo "$i $u" >>/tmp/gap.truth
	done
) &
gapper=$!
sleep 2
restart_unit gap
sleep 2
# where the gap goes: the old one's stop, the new one's start (the journal's monotonic times)
journalctl -u minisnoop -o short-monotonic --no-pager -n 12 | while IFS= read -r l; do say "gap-journal| $l"; done
: >/tmp/gap.stop
wait $gapper
say gap-truth-count "$(wc -l </tmp/gap.truth)"
while read -r i u; do say gt "$i" "$u"; done </tmp/gap.truth
# the indices seen, as ranges A-B
grep -hoE '"msk-gap","[0-9]+"' $LOGDIR/exec.log | grep -oE '[0-9]+' | sort -n |
	awk 'NR == 1 { a = b = $1; next } $1 == b + 1 { b = $1; next } $1 == b { d++; next }
	     { print a "-" b; a = b = $1 } END { if (NR) print a "-" b; print "dups " d + 0 }' |
	while read -r r; do say gap-seen "$r"; done

# --- storm: -w --rotate 16k under an exec storm; every line whole, none lost -------------------------
N=1000
cat >"$DROP/zz-storm.conf" <<EOT
[Service]
ExecStart=
ExecStart=$BIN --pidfile /run/minisnoop/minisnoop.pid -j -o +cwd,root,mntns -w $LOGDIR/storm.log --rotate 16k,999
EOT
systemctl daemon-reload
restart_unit storm
run C1 /bin/echo msk-C1 "x y"
t0=$(now)
for w in 1 2; do
	(
		i=1
		while [ $i -le $N ]; do
			/bin/true msk-storm $w $i
			i=$((i + 1))
		done
	) &
done
wait
t1=$(now)
say storm "$N" 2 "$t0" "$t1"
sleep 1
systemctl stop minisnoop
say storm-summary "$(journalctl -u minisnoop -o cat --no-pager | grep -E '^minisnoop: [0-9]+ events' | tail -n 1)"
for f in "$LOGDIR"/storm.log*; do
	# bytes, lines, lines that are not one whole JSON object ({ ... } with a final newline)
	say storm-file "${f##*/}" "$(stat -c %s "$f")" "$(wc -l <"$f")" \
		"$(grep -cvE '^\{.*\}$' "$f")" "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')"
done
grep -F '"msk-C1"' $LOGDIR/storm.log* | sed 's/^[^:]*://' | while IFS= read -r l; do say "out C| $l"; done
for w in 1 2; do
	cat $LOGDIR/storm.log* | grep -oE "\"msk-storm\",\"$w\",\"[0-9]+\"" | grep -oE '[0-9]+"$' | tr -d '"' |
		sort -n | awk 'NR == 1 { a = b = $1; next } $1 == b + 1 { b = $1; next } $1 == b { d++; next }
		{ print a "-" b; a = b = $1 } END { if (NR) print a "-" b; print "dups " d + 0 }' |
		while read -r r; do say storm-seen $w "$r"; done
done
rm -f "$DROP/zz-storm.conf"
systemctl daemon-reload

# --- security: systemd-analyze security, a plain unit against ours ------------------------------
# the shipped unit less CAP_SYS_ADMIN: what is left where perf_event_paranoid is 2 or less
sed '/^CapabilityBoundingSet=/s/ CAP_SYS_ADMIN//' /usr/lib/systemd/system/minisnoop.service \
	>/etc/systemd/system/minisnoop-perfmon.service
# and less CAP_SYS_PTRACE: what reading init's mount namespace costs in exposure
sed '/^CapabilityBoundingSet=/s/ CAP_SYS_PTRACE//' /usr/lib/systemd/system/minisnoop.service \
	>/etc/systemd/system/minisnoop-noptrace.service
systemctl daemon-reload
for u in minisnoop-plain minisnoop minisnoop-perfmon minisnoop-noptrace; do
	systemd-analyze security --no-pager $u.service 2>&1 | while IFS= read -r l; do say "security $u| $l"; done
done

# --- the sinks: --journal through the installed drop-in, --syslog into Debian's rsyslog, --kmsg --
# journal: the shipped drop-in journal.conf, as man 8 minisnoop says to install it
rm -f "$DROP/write-file.conf"
cp /usr/share/minisnoop/examples/journal.conf "$DROP/"
systemctl daemon-reload
restart_unit journal
say journal-options "$(systemctl show -p ExecStart --value minisnoop | tr -s ' ' | cut -c1-200)"
# a newline and a tab in arguments: binary-safe through the real journald
run J1 /bin/echo msk-J1 "two words" "" "line1
line2" "tab	x"
run_nobody J2 /bin/true msk-J2
say exe J1 "$(readlink -f /bin/echo)"
say exe J2 "$(readlink -f /bin/true)"
wait_for "journalctl -o cat -u minisnoop" msk-J2 20
# by the structured field (ARGS may be binary, i.e. an array of bytes in JSON: not greppable)
journalctl -o json --no-pager MINISNOOP_COMM=echo MINISNOOP_COMM=true |
	while IFS= read -r l; do say "out J| $l"; done
# an entry past a datagram (net.core.wmem_default): -j -e with 15 arguments and 15 variables of
# 1000 control bytes (6 bytes each in MESSAGE's JSON), sent as a sealed memfd; ARGV and ENV exact
say wmem "$(cat /proc/sys/net/core/wmem_default)"
printf '[Service]\nExecStart=\nExecStart=%s --pidfile /run/minisnoop/minisnoop.pid --journal -j -e\n' $BIN >"$DROP/zz-sink.conf"
systemctl daemon-reload
restart_unit journal-big
ctl=$(printf '\001%.0s' $(seq 1000))
set -- msk-J3
for i in 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14; do set -- "$@" "$ctl"; done
(cd /tmp/k.d && exec env -i V00="$ctl" V01="$ctl" V02="$ctl" V03="$ctl" V04="$ctl" V05="$ctl" \
	V06="$ctl" V07="$ctl" V08="$ctl" V09="$ctl" V10="$ctl" V11="$ctl" V12="$ctl" V13="$ctl" \
	V14="$ctl" /bin/true "$@") &
j3=$!
wait $j3
say truth J3 pid=$j3 ppid=$$ uid=0 cwd=/tmp/k.d argc=17
wait_for "journalctl -o cat -u minisnoop MINISNOOP_PID=$j3" msk-J3 20
journalctl -o json -a --no-pager MINISNOOP_PID=$j3 \
	--output-fields=MINISNOOP_PID,MINISNOOP_ARGC,MINISNOOP_ARGV,MINISNOOP_ENV,MINISNOOP_ENV_TRUNCATED,MINISNOOP_TRUNCATED |
	while IFS= read -r l; do say "out J3| $l"; done
rm -f "$DROP/zz-sink.conf" "$DROP/journal.conf"

# syslog: Debian's rsyslog.conf sends auth,authpriv.* to /var/log/auth.log and keeps them out of
# /var/log/syslog (*.*;auth,authpriv.none): the default facility (authpriv) must land in auth.log
# only; --syslog=local0 in /var/log/syslog
for fac in default local0; do
	opt=--syslog
	[ $fac = default ] || opt=--syslog=$fac
	printf '[Service]\nExecStart=\nExecStart=%s --pidfile /run/minisnoop/minisnoop.pid -j %s\n' $BIN $opt >"$DROP/zz-sink.conf"
	systemctl daemon-reload
	restart_unit "syslog-$fac"
	run "S-$fac" /bin/echo "msk-S-$fac" "two words" "" "tab	x"
	if [ $fac = default ]; then f=/var/log/auth.log; else f=/var/log/syslog; fi
	wait_for "cat $f" "msk-S-$fac" 20
	for g in /var/log/auth.log /var/log/syslog; do
		grep -F "msk-S-$fac" $g | while IFS= read -r l; do say "out S-$fac ${g##*/}| $l"; done
	done
done
rm -f "$DROP/zz-sink.conf"

# kmsg: what a --kmsg drop-in must undo of the unit's sandbox (man 8 minisnoop, SERVICES)
echo on >/proc/sys/kernel/printk_devkmsg
printf '[Service]\nExecStart=\nExecStart=%s --pidfile /run/minisnoop/minisnoop.pid -j --kmsg\nPrivateDevices=no\nProtectKernelLogs=no\nDeviceAllow=/dev/kmsg w\n' $BIN >"$DROP/zz-sink.conf"
systemctl daemon-reload
restart_unit kmsg
run K1 /bin/echo msk-K1 "two words" ""
wait_for "dmesg" msk-K1 20
dmesg | grep -F '"msk-K1"' | while IFS= read -r l; do say "out K| $l"; done
rm -f "$DROP/zz-sink.conf"
say "done"
systemctl poweroff --no-block
