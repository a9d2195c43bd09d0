#!/bin/sh
# Links the product with its read-only data packed (the Makefile's link_product):
#   tools/link-packed.sh [-c] OUT GENDIR 'COMPILE' -- LINK...
# LINK is the link command without -o; COMPILE compiles a C file without LTO (-o and the file
# are added); GENDIR has the packer (GENDIR/pack, tools/pack.c). OBJCOPY and READELF name the
# target's tools.
#
# The first link (tools/strings1.ld) puts the read-only data of our own objects (strings,
# tables; not libc's, but musl's strerror table) in a section before .bss, with RESERVE zero
# bytes where the packed copy will be; its bytes are read out and packed. The second link, the
# product (tools/strings2.ld), has the same section as bss, unpacked before main by
# src/unpack.c's constructor, and the packed copy in the reserve. Everything else is the same
# in both links, so every address is: the tables' pointers are right. Both sections tables
# are compared to prove it. The reserve starts small and grows to the packed size (+64)
# when that is over it: three links, at times four.
#
# -c (the tiny build, x86-64): our code too, the same way (tools/code1.ld, code2.ld), in whole
# pages that the constructor makes executable once filled; the product's segment that holds
# them is then marked not executable (pack -x): it is writable.
set -eu
code=
if [ "$1" = -c ]; then
	code=1
	shift
fi
out=$1 gen=$2 compile=$3
shift 4
tmp=$out.strings
sections() { # name, address and size of each section
	"${READELF:-readelf}" -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' | awk '{print $1, $3, $5}'
}
reserve=16 creserve=16
for try in 1 2 3 4 5; do
	"$gen/pack" -z "$reserve" "$gen/strings.c" >/dev/null
	$compile -o "$gen/strings.o" "$gen/strings.c"
	extra="$gen/strings.o -Wl,-T,tools/strings1.ld"
	if [ -n "$code" ]; then
		"$gen/pack" -y "$creserve" "$gen/pkcode.c" >/dev/null
		$compile -o "$gen/pkcode.o" "$gen/pkcode.c"
		extra="$extra $gen/pkcode.o -Wl,-T,tools/code1.ld -Wl,--no-warn-rwx-segments"
	fi
	# shellcheck disable=SC2086
	"$@" -o "$tmp.elf" $extra
	"${OBJCOPY:-objcopy}" -O binary --only-section=.pk_str "$tmp.elf" "$tmp"
	over=
	if size=$("$gen/pack" -s "$tmp" "$reserve" "$gen/strings.c"); then
		:
	elif [ $? = 3 ]; then
		over=1 reserve=$((size + 64))
	else
		over=fail
	fi
	if [ -n "$code" ] && [ "$over" != fail ]; then
		"${OBJCOPY:-objcopy}" -O binary --only-section=.pk_code "$tmp.elf" "$tmp.code"
		if csize=$("$gen/pack" -c "$tmp.code" "$creserve" "$gen/pkcode.c"); then
			:
		elif [ $? = 3 ]; then
			over=1 creserve=$((csize + 64))
		else
			over=fail
		fi
	fi
	[ -z "$over" ] && break
	if [ "$over" = fail ] || [ "$try" = 5 ]; then
		echo "minisnoop: $out: packing its read-only data failed" >&2
		exit 1
	fi
done
$compile -o "$gen/strings.o" "$gen/strings.c"
extra="$gen/strings.o -Wl,-T,tools/strings2.ld"
if [ -n "$code" ]; then
	$compile -o "$gen/pkcode.o" "$gen/pkcode.c"
	extra="$extra $gen/pkcode.o -Wl,-T,tools/code2.ld -Wl,--no-warn-rwx-segments"
fi
# shellcheck disable=SC2086
"$@" -o "$out" $extra -Wl,-Map="$out.map"
sections "$tmp.elf" >"$tmp.a"
sections "$out" >"$tmp.b"
if ! cmp -s "$tmp.a" "$tmp.b"; then
	diff "$tmp.a" "$tmp.b" >&2 || true
	echo "minisnoop: $out: the packed data's link differs from the first one's" >&2
	rm -f "$out"
	exit 1
fi
if [ -n "$code" ] && ! "$gen/pack" -x "$out"; then
	rm -f "$out"
	exit 1
fi
echo "  PACKED  $(stat -c %s "$tmp") bytes of read-only data to $size ($reserve kept)"
[ -z "$code" ] || echo "  PACKED  $(stat -c %s "$tmp.code") bytes of code to $csize ($creserve kept)"
