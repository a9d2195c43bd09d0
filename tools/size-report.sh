#!/usr/bin/env bash
# Where the bytes of the static binary go, from the linker's map (make size-report; make
# size-report-tiny for build/minisnoop-tiny).
#   tools/size-report.sh MAP [BINARY [BUDGET [GOAL]]]
# Prints the bytes each input object brings into the linked image after --gc-sections
# (our src/*.o and insns/*.o, each libc.a / libgcc.a member, the startup files; string
# literals counted before the linker merged duplicates, the saving on its own row) in text
# (.text .init .fini), rodata (.rodata, .data.rel.ro, .eh_frame, notes), data (.data, .got,
# init/fini arrays, .tdata) and bss columns, largest first by what they put in the file
# (text + rodata + data: bss costs memory, not file bytes); then the stripped binary's size
# against the budget and the goal. STRIP names the strip program (default: strip). PRODUCT
# names the binary users get when it is another link of the same objects (make size-report:
# BINARY is linked without LTO, so that the map names each object; PRODUCT with it): its
# stripped size is said beside, and is the one held to the budget and the goal.
# Bash and POSIX awk only (mawk is enough): it runs wherever the project builds.
set -euo pipefail

map=${1:-build/minisnoop.map}
bin=${2:-build/minisnoop}
budget=${3:-122880}
goal=${4:-65536}

if [ ! -f "$map" ]; then
	echo "size-report: no linker map at $map: relink to make one (rm -f $bin && make size-report;" \
		"the product link passes -Wl,-Map=$map)" >&2
	exit 1
fi
# ld writes the map after the binary; a map older than the binary is from another link.
if [ -f "$bin" ] && [ "$bin" -nt "$map" ]; then
	echo "size-report: warning: $map is older than $bin, its numbers may be stale" \
		"(rm -f $bin && make size-report)" >&2
fi

# One line per (object, class, bytes); the output sections' own sizes give the padding and
# whatever the linker added that no input section accounts for.
parse() {
	awk '
	function hex(s,   i, n, c) {
		s = tolower(s)
		sub(/^0x/, "", s)
		n = 0
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1))
			if (c == 0)
				break
			n = n * 16 + c - 1
		}
		return n
	}
	# Allocated output sections only (non-allocated ones, debug info and .comment, sit at 0).
	function classof(name) {
		if (name ~ /^\.(text|init|fini|plt|iplt)(\..*)?$/ && name !~ /_array$/)
			return "text"
		if (name ~ /^\.(bss|tbss|lbss)(\..*)?$/)
			return "bss"
		if (name ~ /^\.(data|data1|ldata|got|got\.plt|tdata|tm_clone_table|ctors|dtors)$/ ||
		    name ~ /_array$/)
			return "data"
		return "rodata"
	}
	# musl: /usr/lib/x86_64-linux-musl/libc.a(vfprintf.lo) -> libc.a(vfprintf.lo);
	# ours: build/obj/src/fmt.o -> src/fmt.o.
	function objname(f) {
		if (f == "")
			return "(linker)"
		if (f ~ /\.a\(/) {
			sub(/^.*\//, "", f)
			return f
		}
		if (f ~ /(^|\/)obj\/(src|insns)\//) {
			sub(/^.*obj\//, "", f)
			return f
		}
		sub(/^.*\//, "", f)
		return f
	}
	# Input sizes of mergeable strings are from before the linker merged duplicates: the
	# saving shows as a negative row.
	function flush_out() {
		if (cls != "" && outsize > seen)
			print "(linker)", cls, outsize - seen
		if (cls != "" && outsize < seen)
			print "(merged-strings)", cls, outsize - seen
	}
	function input(addr, size, file) {
		if (cls == "" || hex(size) == 0)
			return
		print objname(file), cls, hex(size)
		seen += hex(size)
	}
	/^Linker script and memory map/ { inmap = 1; next }
	!inmap { next }
	# An output section: ".text   0xADDR   0xSIZE", or its name alone when it is long.
	/^\.[^ ]/ {
		flush_out()
		cls = ""; seen = 0; outsize = 0; pend_out = ""; pend_in = 0
		if (NF >= 3 && $2 ~ /^0x/) {
			if (hex($2) != 0) { cls = classof($1); outsize = hex($3) }
		} else if (NF == 1) {
			pend_out = $1
		}
		next
	}
	/^[^ ]/ { flush_out(); cls = ""; pend_out = ""; pend_in = 0; next }
	# Padding between input sections.
	/^ \*fill\*/ {
		if (cls != "" && NF >= 3) {
			print "(alignment)", cls, hex($3)
			seen += hex($3)
		}
		next
	}
	/^ \*/ { pend_in = 0; next }
	# An input section: " .text.name  0xADDR  0xSIZE  FILE", or its name alone when long.
	/^ [^ ]/ {
		if (NF >= 3 && $2 ~ /^0x/ && $3 ~ /^0x/) {
			input($2, $3, NF >= 4 ? $4 : "")
			pend_in = 0
		} else {
			pend_in = (NF == 1)
		}
		next
	}
	# The rest of a wrapped line (symbol lines have one hex field, not two).
	/^  +0x/ {
		if (pend_out != "" && NF == 2 && $2 ~ /^0x/) {
			if (hex($1) != 0) { cls = classof(pend_out); outsize = hex($2) }
			pend_out = ""
		} else if (pend_in && NF >= 2 && $2 ~ /^0x/) {
			input($1, $2, NF >= 3 ? $3 : "")
		}
		pend_in = 0
		next
	}
	END { flush_out() }
	' "$map"
}

rows=$(parse | awk '
	{ k = $1; t[k] += 0; r[k] += 0; d[k] += 0; b[k] += 0 }
	$2 == "text" { t[k] += $3 }
	$2 == "rodata" { r[k] += $3 }
	$2 == "data" { d[k] += $3 }
	$2 == "bss" { b[k] += $3 }
	END { for (k in t) printf "%d %d %d %d %d %s\n", t[k] + r[k] + d[k], t[k], r[k], d[k], b[k], k }
' | sort -k1,1nr -k5,5nr -k6,6)

if [ -z "$rows" ]; then
	echo "size-report: no allocated sections found in $map (not a GNU ld map?)" >&2
	exit 1
fi

echo "Bytes by input object in $bin after --gc-sections (from $map), largest in the file first:"
echo
printf '%8s %8s %8s %8s %8s  %s\n' text rodata data file bss object
awk '
	{ printf "%8d %8d %8d %8d %8d  %s\n", $2, $3, $4, $1, $5, $6
	  tot += $1; t += $2; r += $3; d += $4; b += $5; n++
	  k = $6
	  if (k ~ /^(src|insns)\//) g = "ours (src/, insns/)"
	  else if (k ~ /^libc\.a\(/) g = "libc.a"
	  else if (k ~ /^libgcc/) g = "libgcc"
	  else if (k ~ /^\(/) g = "alignment, linker"
	  else g = "startup files"
	  grp[g] += $1 }
	END {
	  printf "%8s %8s %8s %8s %8s\n", "--------", "--------", "--------", "--------", "--------"
	  printf "%8d %8d %8d %8d %8d  total of %d pieces\n", t, r, d, tot, b, n
	  printf "\nIn the file by origin:"
	  n = split("ours (src/, insns/)|libc.a|libgcc|startup files|alignment, linker", order, "|")
	  sep = " "
	  for (i = 1; i <= n; i++)
	    if (order[i] in grp) { printf "%s%s %d", sep, order[i], grp[order[i]]; sep = ", " }
	  printf "\nIn the file: %d (text + rodata + data); bss %d takes memory only.\n", t + r + d, b
	}
' <<<"$rows"

alloc=$(awk '{ s += $2 + $3 + $4 } END { print s }' <<<"$rows")
echo
if [ -f "$bin" ]; then
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	if "${STRIP:-strip}" -o "$tmp" "$bin" 2>/dev/null; then
		size=$(stat -c %s "$tmp")
		echo "Stripped $bin: $size bytes = $alloc of sections + $((size - alloc)) of ELF headers," \
			"section table and file alignment."
	else
		size=$alloc
		echo "Could not strip $bin with ${STRIP:-strip}: counting the sections only, $size bytes."
	fi
else
	size=$alloc
	echo "No $bin: counting the sections only, $size bytes."
fi
if [ -n "${PRODUCT:-}" ] && [ "$PRODUCT" != "$bin" ]; then
	ptmp=$(mktemp)
	trap 'rm -f "${tmp:-}" "$ptmp"' EXIT
	if ! "${STRIP:-strip}" -o "$ptmp" "$PRODUCT"; then
		echo "size-report: could not strip $PRODUCT" >&2
		exit 1
	fi
	psize=$(stat -c %s "$ptmp")
	echo "Stripped $PRODUCT (the same objects linked with LTO): $psize bytes," \
		"$((size - psize)) less; the budget and the goal are its."
	# tools/link-packed.sh's first link: the read-only data it packs (PRODUCT.strings)
	if [ -f "$PRODUCT.strings" ] && [ ! "$PRODUCT.strings" -ot "$PRODUCT.strings.elf" ]; then
		echo "Its read-only data ($(stat -c %s "$PRODUCT.strings") bytes: the strings and" \
			"tables of our objects, musl's strerror table) is packed in it (src/unpack.c)."
	fi
	if [ -f "$PRODUCT.strings.code" ] && [ ! "$PRODUCT.strings.code" -ot "$PRODUCT.strings.elf" ]; then
		echo "So is its code: $(stat -c %s "$PRODUCT.strings.code") bytes of our objects'" \
			"(whole pages; not libc's), unpacked into memory before main (src/unpack.c)."
	fi
	size=$psize
fi
for pair in "budget:$budget" "goal:$goal"; do
	name=${pair%%:*} lim=${pair#*:}
	if [ "$size" -le "$lim" ]; then
		printf '%-6s %7d bytes: met, %d under (%d%% of it used)\n' "$name" "$lim" \
			$((lim - size)) $((size * 100 / lim))
	else
		printf '%-6s %7d bytes: NOT met, %d over (%d%% of it used)\n' "$name" "$lim" \
			$((size - lim)) $((size * 100 / lim))
	fi
done
