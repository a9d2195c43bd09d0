#!/bin/sh
# make install-check: runs `make install` into scratch DESTDIRs (PREFIX=/usr, and the default
# /usr/local) and checks what it laid out: exactly the expected files with their modes, the
# binary stripped and runnable, every @BINDIR@ of the service files replaced by the installed
# binary's path, the shell scripts parsed by sh -n, and the unit by `systemd-analyze verify`
# where systemd-analyze is installed. Prints `install-check: ok` or what is wrong; exit 1.
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "install-check: $*" >&2; fail=1; }

# check PREFIX: one install, then its layout
check() {
	prefix=$1 d=$tmp/root$2
	if ! make -s install DESTDIR="$d" PREFIX="$prefix" >"$tmp/install.log" 2>&1; then
		bad "make install PREFIX=$prefix failed: $(tail -n 3 "$tmp/install.log")"
		return
	fi
	# path mode: everything make install must lay out, nothing else
	cat >"$tmp/want" <<EOT
$prefix/bin/minisnoop 755
$prefix/lib/systemd/system/minisnoop.service 644
$prefix/share/man/man8/minisnoop.8 644
$prefix/share/minisnoop/busybox/S01minisnoop 755
$prefix/share/minisnoop/busybox/inittab.minisnoop 644
$prefix/share/minisnoop/examples/journal.conf 644
$prefix/share/minisnoop/examples/minisnoop.default 644
$prefix/share/minisnoop/examples/write-file.conf 644
$prefix/share/minisnoop/openrc/minisnoop 755
EOT
	(cd "$d" && find . -type f -printf '/%P %m\n' | LC_ALL=C sort) >"$tmp/got"
	LC_ALL=C sort -o "$tmp/want" "$tmp/want"
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		bad "PREFIX=$prefix: the files (path mode) differ from the expected ones:"
		diff "$tmp/want" "$tmp/got" | sed 's/^/    /' >&2
	fi
	bin=$d$prefix/bin/minisnoop
	if [ -x "$bin" ]; then
		"$bin" --version >/dev/null 2>&1 || bad "$bin --version failed"
		if command -v readelf >/dev/null && readelf -S "$bin" | grep -q '\.symtab'; then
			bad "$bin is not stripped"
		fi
	fi
	left=$(grep -rl '@[A-Z]*@' "$d$prefix/lib/systemd" "$d$prefix/share/minisnoop")
	[ -z "$left" ] || bad "an @NAME@ left unreplaced in: $left"
	unit=$d$prefix/lib/systemd/system/minisnoop.service
	grep -q "^ExecStart=$prefix/bin/minisnoop " "$unit" || bad "$unit: ExecStart is not $prefix/bin/minisnoop"
	grep -q "^ExecStart=$prefix/bin/minisnoop " "$d$prefix/share/minisnoop/examples/write-file.conf" ||
		bad "write-file.conf: ExecStart is not $prefix/bin/minisnoop"
	grep -q "^ExecStart=$prefix/bin/minisnoop " "$d$prefix/share/minisnoop/examples/journal.conf" ||
		bad "journal.conf: ExecStart is not $prefix/bin/minisnoop"
	grep -q "^command=\"$prefix/bin/minisnoop\"" "$d$prefix/share/minisnoop/openrc/minisnoop" ||
		bad "the OpenRC script's command is not $prefix/bin/minisnoop"
	grep -q "^BIN=$prefix/bin/minisnoop\$" "$d$prefix/share/minisnoop/busybox/S01minisnoop" ||
		bad "the busybox script's BIN is not $prefix/bin/minisnoop"
	grep -q "^::respawn:$prefix/bin/minisnoop " "$d$prefix/share/minisnoop/busybox/inittab.minisnoop" ||
		bad "the inittab line does not start $prefix/bin/minisnoop"
	for s in openrc/minisnoop busybox/S01minisnoop; do
		sh -n "$d$prefix/share/minisnoop/$s" || bad "$s: sh -n failed"
	done
	man -l "$d$prefix/share/man/man8/minisnoop.8" >/dev/null 2>&1 ||
		! command -v man >/dev/null || bad "man -l minisnoop.8 failed"
	if command -v systemd-analyze >/dev/null; then
		# verify wants the executables it names to exist: the installed binary's path
		# is under DESTDIR, so a copy with that path made absolute is checked
		sed "s|^ExecStart=$prefix/bin/minisnoop|ExecStart=$bin|" "$unit" >"$tmp/minisnoop.service"
		if ! SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmp/minisnoop.service" >"$tmp/verify.log" 2>&1 ||
			grep -q . "$tmp/verify.log"; then
			bad "systemd-analyze verify minisnoop.service:"
			sed 's/^/    /' "$tmp/verify.log" >&2
		fi
	fi
}
check /usr 1
check /usr/local 2
if [ $fail = 0 ]; then echo "install-check: ok (PREFIX=/usr and /usr/local)"; fi
exit $fail
