# minisnoop: one static binary, no run-time dependencies.
#
#   make               build/minisnoop (musl-gcc when installed, else gcc -static)
#   make test          unit tests, then kernel tests (root)
#   make test-asan     the same tests built with AddressSanitizer and UBSan (build-asan/)
#   make fuzz          each libFuzzer target for FUZZ_SECONDS (tests/fuzz/, clang)
#   make run           the tracer
#   make bench         exec storm with and without the tracer
#   make test-initramfs | test-initramfs-all    boots under qemu (tools/boot-test.sh)
#   make CROSS_COMPILE=arm-linux-gnueabihf- B=build-armhf   a cross build (tools/deps.sh cross-armhf)
#   make cross         every ISA the README claims, static and stripped, in build-ARCH/ (tools/cross.sh)
#   make install PREFIX=/usr/local DESTDIR=    binary, man page, service files (tools/service/)
#   make install-check                          what make install lays out, checked
#   make test-service  the service files in booted systems: Debian 12 with systemd, busybox
#   make size-check | size-report    stripped size vs the budget | where its bytes go, by object
#   make tiny | size-check-tiny | size-report-tiny | test-tiny    build/minisnoop-tiny: the tracer
#                      and check only (MINISNOOP_TINY), its budget, its bytes, its end-to-end tests
#   make format | lint | clean

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# systemd's unit path has both /usr/lib/systemd/system and /usr/local/lib/systemd/system
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# the OpenRC and busybox scripts and the examples: copied into /etc by whoever uses them
SHAREDIR ?= $(PREFIX)/share/minisnoop
B := build

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
  ifneq ($(CROSS_COMPILE),)
    # musl's cross wrapper (Debian's musl-dev:ARCH) when present: a fifth of glibc's size.
    # Debian names it after the musl triplet of the target's multiarch: aarch64-linux-musl-gcc,
    # arm-linux-musleabihf-gcc (for arm-linux-gnueabihf-), i386-linux-musl-gcc (i686-linux-gnu-).
    CROSS_MULTIARCH := $(shell $(CROSS_COMPILE)gcc -print-multiarch 2>/dev/null)
    MUSL_CROSS := $(firstword $(foreach w,$(subst -gnu,-musl,$(CROSS_COMPILE))gcc \
      $(if $(CROSS_MULTIARCH),$(subst -gnu,-musl,$(CROSS_MULTIARCH))-gcc),\
      $(shell command -v $(w) 2>/dev/null)))
    ifneq ($(MUSL_CROSS),)
      CC := $(notdir $(MUSL_CROSS))
    else
      CC := $(CROSS_COMPILE)gcc
    endif
  else ifneq ($(shell command -v musl-gcc 2>/dev/null),)
    CC := musl-gcc
  else
    CC := gcc
  endif
endif
HOSTCC ?= gcc

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# CFLAGS and LDFLAGS from the command line or the environment come first; the project's own
# flags are always added after them (override: `make CFLAGS=-O2` does not drop -Iinclude).
# -Oz where the compiler has it (gcc 12, clang): 1.5% smaller than -Os; the per-event path
# (HOT_SRCS) stays at -Os, which costs 150 bytes.
OPT_SIZE := $(shell $(CC) -Oz -x c -c -o /dev/null /dev/null 2>/dev/null && echo -Oz || echo -Os)
# Switches as compare chains, not jump or lookup tables (gcc: 830 bytes of the full build).
OPT_SIZE += $(shell $(CC) -Werror -fno-jump-tables -fno-tree-switch-conversion -x c -c \
	-o /dev/null /dev/null 2>/dev/null && echo -fno-jump-tables -fno-tree-switch-conversion)
CFLAGS ?= $(OPT_SIZE) -g
# make cross hands its builds the caller's flags: an exported CFLAGS carries this build's
# additions (-I$(B)/uapi) by the time the recipe runs.
CROSS_CFLAGS := $(CFLAGS)
# No unwind tables: C without exceptions needs none, and they are a tenth of the binary. No PIC
# code: the static binary is not position-independent anyway (-fno-pie: 1 KB less).
override CFLAGS += -std=gnu11 $(WARN) -ffunction-sections -fdata-sections -D_GNU_SOURCE \
	  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pie \
	  -DMINISNOOP_VERSION='"$(VERSION)"' -Iinclude -Isrc
# Link-time optimisation where the compiler has it (2.6 KB less): one partition, the smallest
# code; fat objects, so that make size-report can link them without it to say which object
# each byte comes from.
LTO := $(shell $(CC) -flto -x c -c -o /dev/null /dev/null 2>/dev/null && \
	echo -flto -flto-partition=one -ffat-lto-objects)
override CFLAGS += $(LTO)
# No vector registers on x86_64 and aarch64 (no floating point here; struct copies in general
# registers are shorter: 420 bytes); i386 needs them for its 64-bit atomics. Decided by each
# build's own compiler (make cross's too).
GENERAL_REGS := $(if $(filter x86_64-% aarch64-%,$(shell $(CC) -dumpmachine 2>/dev/null)),\
	-mgeneral-regs-only)
override CFLAGS += $(GENERAL_REGS)
LDFLAGS ?=
CROSS_LDFLAGS := $(LDFLAGS)
# No page-aligned padding between segments: a static binary has no GOT worth a RELRO page, and
# the data segment may start in the text's last file page (common-page-size).
override LDFLAGS += -static -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--build-id=none \
	  -Wl,-z,common-page-size=16

# musl-gcc sees only musl's headers: give it the kernel UAPI ones, and nothing else. asm/ is
# the target's: /usr/include/TRIPLET/asm (native) or /usr/TRIPLET/include/asm
# (linux-libc-dev-ARCH-cross).
ifneq ($(findstring musl,$(CC)),)
  ARCH_TRIPLET := $(shell $(CC) -dumpmachine 2>/dev/null | sed 's/-musl/-gnu/')
  override CFLAGS += -I$(B)/uapi
  UAPI := $(B)/uapi/.stamp
  # musl's malloc and fork replaced by src/tinylibc.c's (8 KB less); musl lets a static
  # program bring its own malloc, glibc's static link is not asked to.
  override CFLAGS += -DMINISNOOP_OWN_LIBC
endif

SRCS := $(wildcard src/*.c)
# What runs for every event: -Os there when the rest is -Oz (a -O given last wins).
HOT_SRCS := src/perf_ring.c src/event.c src/filter.c src/rate.c src/output.c src/columns.c \
	src/escape.c src/fmt.c src/outbuf.c
HOT_OPT = $(if $(filter -Oz,$(CFLAGS)),-Os)
INSNS := $(wildcard insns/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS)) $(INSNS)
OBJS := $(patsubst %.c,$(B)/obj/%.o,$(SRCS) $(INSNS))

# Tests are host programs linked with cmocka; they reuse the sources, not the static objects.
# HOST_SAN: sanitizer flags for test-asan's build.
HOST_SAN ?=
# MINISNOOP_ASM_CHECK: each EMIT() checks it names the program being assembled (bpf_asm.h).
HOST_CFLAGS := -std=gnu11 $(WARN) -Wno-missing-prototypes -g -O1 -D_GNU_SOURCE \
	-DMINISNOOP_ASM_CHECK -DMINISNOOP_VERSION='"$(VERSION)"' -Iinclude -Isrc -Itests $(HOST_SAN)
HOST_LIB_OBJS := $(patsubst %.c,$(B)/host/%.o,$(LIB_SRCS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
KERNEL_TESTS := $(patsubst tests/kernel/%.c,$(B)/tests/%,$(wildcard tests/kernel/test_*.c))
TOOLS := $(B)/storm $(B)/true-static $(B)/progstats $(B)/startstop $(B)/benchreport

# Guards on the stripped x86_64 binaries, their goals (issue 21): the full build's 160 KiB with
# every feature (155,496 bytes after issue 21's fifth round), tiny's 64 KiB, the tracer alone
# with its code packed (63,408 bytes; 88,128 unpacked). tools/README.md, "Ports" and "The tiny
# build", has each change.
SIZE_BUDGET ?= 163840
TINY_BUDGET ?= 65536

.PHONY: all deps test-deps test unit-test kernel-test run bench install clean format lint tools \
	tiny size-check-tiny size-report-tiny test-tiny size-check test-initramfs test-initramfs-all fuzz test-asan cross image \
	install-check test-service

all: $(B)/minisnoop

# make image: the OCI image FROM scratch with the static binary, tagged $(VERSION), its file
# list checked (tools/image/; buildah: tools/deps.sh image), and the DaemonSet's structure
image: $(B)/minisnoop
	@tools/image/build.sh $< $(VERSION) $(B)/image
	@python3 tools/kubernetes/check.py tools/kubernetes/daemonset.yaml $(VERSION)

$(B)/uapi/.stamp:
	@mkdir -p $(B)/uapi
	@for d in linux asm-generic; do ln -sfn /usr/include/$$d $(B)/uapi/$$d; done
	@if [ -d /usr/include/$(ARCH_TRIPLET)/asm ]; then ln -sfn /usr/include/$(ARCH_TRIPLET)/asm $(B)/uapi/asm; \
	 elif [ -d /usr/$(ARCH_TRIPLET)/include/asm ]; then ln -sfn /usr/$(ARCH_TRIPLET)/include/asm $(B)/uapi/asm; \
	 else echo "minisnoop: no asm/ UAPI headers for $(ARCH_TRIPLET) (/usr/include/$(ARCH_TRIPLET)/asm," \
		"/usr/$(ARCH_TRIPLET)/include/asm): install linux-libc-dev, or the target's" \
		"linux-libc-dev-ARCH-cross (tools/deps.sh cross-arm64|cross-armhf|cross-riscv64|cross-i686)" >&2; exit 1; fi
	@touch $@

$(B)/obj/%.o: %.c $(UAPI) $(wildcard include/*.h src/*.h insns/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(if $(filter $<,$(HOT_SRCS)),$(HOT_OPT)) -c -o $@ $<

# The product's read-only data packed (PACK_STRINGS=0: a plain link): the strings and tables
# of our own code, some 30 KB, are bss in the product, unpacked before main from a packed copy
# (src/unpack.c). tools/link-packed.sh links three times (at times four): the last link with
# the packed copy of what the one before laid out, and proves every address the same in both.
# The tiny build on x86-64 with musl has its code packed too (PACK_CODE=0: not), unpacked into
# pages made executable before main: 44 KB in the file for 72 KB of code.
# $(call link_product,OUT,OBJS,GENDIR[,CFLAGS[,-c]])
PACK_STRINGS ?= 1
PACK_CODE ?= 1
# (musl's start-up calls nothing of ours before the constructors; glibc's calls malloc)
TINY_PACK := $(if $(filter 1,$(PACK_CODE)),$(if $(findstring musl,$(CC)),$(if $(filter \
	x86_64-%,$(shell $(CC) -dumpmachine 2>/dev/null)),-c)))
PACK_LINK_DEPS := tools/strings1.ld tools/strings2.ld tools/code1.ld tools/code2.ld \
	tools/link-packed.sh
ifeq ($(PACK_STRINGS),1)
link_product = OBJCOPY=$(CROSS_COMPILE)objcopy READELF=$(CROSS_COMPILE)readelf \
	tools/link-packed.sh $(5) $(1) $(3) '$(CC) -fno-lto -c' -- \
	$(CC) $(CFLAGS) $(4) $(2) $(LDFLAGS)
else
link_product = $(CC) $(CFLAGS) $(4) -o $(1) $(2) $(LDFLAGS) -Wl,-Map=$(1).map
endif

# The map says which object (ours or a libc.a member) each byte comes from: make size-report,
# from the same objects linked without LTO (.nolto), whose map names them.
$(B)/minisnoop: $(OBJS) $(PACK_LINK_DEPS) $(B)/gen/pack
	$(call link_product,$@,$(OBJS),$(B)/gen)
$(B)/minisnoop.nolto: $(OBJS)
	$(CC) $(CFLAGS) -fno-lto -o $@ $^ $(LDFLAGS) -Wl,-Map=$@.map

# make tiny: the same sources with MINISNOOP_TINY (no dump, verify, explain, disassembler,
# source lines of instructions, help text), objects in $(B)/tiny/obj.
TINY_LEFT_OUT := src/disasm.c insns/exit.c src/tree.c src/container.c
TINY_OBJS := $(patsubst %.c,$(B)/tiny/obj/%.o,$(filter-out $(TINY_LEFT_OUT),$(SRCS) $(INSNS)))
TINY_CFLAGS := -DMINISNOOP_TINY
$(B)/tiny/obj/%.o: %.c $(UAPI) $(wildcard include/*.h src/*.h insns/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(if $(filter $<,$(HOT_SRCS)),$(HOT_OPT)) $(TINY_CFLAGS) -c -o $@ $<

$(B)/minisnoop-tiny: $(TINY_OBJS) $(PACK_LINK_DEPS) $(B)/tiny/gen/pack
	$(call link_product,$@,$(TINY_OBJS),$(B)/tiny/gen,$(TINY_CFLAGS),$(TINY_PACK))
$(B)/minisnoop-tiny.nolto: $(TINY_OBJS)
	$(CC) $(CFLAGS) $(TINY_CFLAGS) -fno-lto -o $@ $^ $(LDFLAGS) -Wl,-Map=$@.map

tiny: $(B)/minisnoop-tiny

# The cold texts (src/texts.h: help, usage, explain's table, helper names) packed by a host
# program at build time into $(B)/gen/packed.h (the tiny build's: $(B)/tiny/gen), which only
# src/unpack.c includes; the cross, musl, test and fuzz builds all make it with HOSTCC.
PACK_DEPS := tools/pack.c src/texts.h src/unpack.h
$(B)/gen/pack: $(PACK_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Wall -Wextra -Werror -Isrc -o $@ $<
$(B)/tiny/gen/pack: $(PACK_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Wall -Wextra -Werror -Isrc -DMINISNOOP_TINY -o $@ $<
%/gen/packed.h: %/gen/pack
	$< >$@.tmp && mv $@.tmp $@
$(B)/obj/src/unpack.o $(B)/host/src/unpack.o $(B)/fuzz/obj/src/unpack.o: $(B)/gen/packed.h
$(B)/obj/src/unpack.o: override CFLAGS += -I$(B)/gen
$(B)/host/src/unpack.o: HOST_CFLAGS += -I$(B)/gen
$(B)/fuzz/obj/src/unpack.o: FUZZ_CFLAGS += -I$(B)/gen
$(B)/tiny/obj/src/unpack.o: $(B)/tiny/gen/packed.h
$(B)/tiny/obj/src/unpack.o: override CFLAGS += -I$(B)/tiny/gen

$(B)/host/%.o: %.c $(wildcard include/*.h src/*.h insns/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(HOST_LIB_OBJS) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(HOST_LIB_OBJS) -lcmocka

# Every kernel test links snoop.c (what they share); its JSON checkers, tests/kernel/*.py,
# are found in the source tree at run time.
KERNEL_SHARED := $(B)/host/tests/kernel/snoop.o
$(KERNEL_SHARED): HOST_CFLAGS += -DKTESTS_DIR='"$(abspath tests/kernel)"'
$(KERNEL_SHARED): tests/kernel/snoop.h

$(B)/tests/%: tests/kernel/%.c $(KERNEL_SHARED) $(HOST_LIB_OBJS) $(wildcard tests/*.h tests/kernel/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(KERNEL_SHARED) $(HOST_LIB_OBJS) -lcmocka

$(B)/storm: tools/storm.c tools/toolarg.h
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

$(B)/progstats: tools/progstats.c tools/toolarg.h
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

$(B)/startstop: tools/startstop.c tools/toolarg.h
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

# make bench's tables from its samples; its unit test includes it.
$(B)/benchreport: tools/benchreport.c
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<
$(B)/tests/test_benchreport: tools/benchreport.c
# the codec's unit test includes the packer and the texts
$(B)/tests/test_unpack: tools/pack.c src/texts.h

$(B)/true-static: tools/true-static.c $(UAPI)
	$(CC) -Os -Wall -Wextra -Werror -static -o $@ $<

tools: $(TOOLS)

deps:
	@tools/deps.sh build

test-deps:
	@tools/deps.sh test

# Each run is a separate make so that deps are in place before anything is built.
test: test-deps
	@$(MAKE) --no-print-directory all tools $(UNIT_TESTS) $(KERNEL_TESTS)
	@tools/run-tests.sh $(UNIT_TESTS) -- $(KERNEL_TESTS)

# The tracer's end-to-end tests against build/minisnoop-tiny; the cases of what it leaves out
# (verify; the process table: -o ancestors, --existing; the service outputs: the message
# sinks, test_msg_*, and -w, --rotate, --rate, --pidfile) are left out by name
# (tests/kernel/snoop.c), so that nothing skips; test_life (--exit) and test_tree (subtrees)
# test nothing else. test_trace's test_not_in_build: each of them refused.
TINY_EXCLUDE := test_verify ancestors_* existing_* test_msg_* test_rotate_storm \
	test_sighup_reopens test_rate_said test_pidfile test_files_refused test_full_disk
TINY_TESTS := $(B)/tests/test_trace $(B)/tests/test_context $(B)/tests/test_service \
	$(B)/tests/test_smalls
test-tiny: test-deps
	@$(MAKE) --no-print-directory tiny tools $(TINY_TESTS)
	@MINISNOOP_BIN=$(abspath $(B)/minisnoop-tiny) MINISNOOP_TEST_EXCLUDE='$(TINY_EXCLUDE)' \
		tools/run-tests.sh -- $(TINY_TESTS)

unit-test:
	@$(MAKE) --no-print-directory $(UNIT_TESTS)
	@tools/run-tests.sh $(UNIT_TESTS) --

# The tests again, with the test processes, the library code and the tracer the kernel tests
# start all under AddressSanitizer and UBSan (any report fails the test). That tracer is
# linked dynamically (ASan needs it); what users run stays build/minisnoop.
ASAN_B := build-asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_UNIT := $(patsubst $(B)/%,$(ASAN_B)/%,$(UNIT_TESTS))
ASAN_KERNEL := $(patsubst $(B)/%,$(ASAN_B)/%,$(KERNEL_TESTS))
test-asan: test-deps
	@$(MAKE) --no-print-directory B=$(ASAN_B) HOST_SAN='$(ASAN_FLAGS)' $(ASAN_UNIT) \
		$(ASAN_KERNEL) $(ASAN_B)/minisnoop-host $(ASAN_B)/true-static
	@MINISNOOP_BIN=$(abspath $(ASAN_B)/minisnoop-host) tools/run-tests.sh $(ASAN_UNIT) -- $(ASAN_KERNEL)

$(B)/minisnoop-host: $(B)/host/src/main.o $(HOST_LIB_OBJS)
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# libFuzzer targets, one per parser of input from outside (tests/fuzz/fuzz_*.c), built with
# clang over the library sources. clang warns where gcc does not about two things these
# sources do on purpose: a header struct with a flexible array member copied inside another
# struct, and positional initializers that leave trailing fields zero.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FZ := $(B)/fuzz
FUZZ_CFLAGS := -std=gnu11 $(WARN) -Wno-missing-prototypes -Wno-gnu-variable-sized-type-not-at-end \
	-Wno-missing-field-initializers -g -O1 -D_GNU_SOURCE -DMINISNOOP_ASM_CHECK \
	-DMINISNOOP_VERSION='"$(VERSION)"' -Iinclude -Isrc -Itests -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LIB_OBJS := $(patsubst %.c,$(FZ)/obj/%.o,$(LIB_SRCS))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FZ)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FZ)/obj/%.o: %.c $(wildcard include/*.h src/*.h insns/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# An archive: each target links only the objects it uses.
$(FZ)/libminisnoop.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FZ)/libminisnoop.a
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FZ)/libminisnoop.a

fuzz:
	@tools/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FZ) $(FUZZ_TARGETS)

run: deps
	@$(MAKE) --no-print-directory all
	$(B)/minisnoop $(ARGS)

bench:
	@tools/deps.sh bench $(if $(filter 1,$(BENCH_PEERS)),bench-peers)
	@$(MAKE) --no-print-directory all tools tiny
	@tools/bench.sh

# $(call size_check,BINARY,BUDGET)
size_check = @$(CROSS_COMPILE)strip -o $(1).stripped $(1) && size=$$(stat -c %s $(1).stripped) && \
	echo "$(1) stripped: $$size bytes (budget $(2))" && \
	{ [ $$size -le $(2) ] || { echo "minisnoop: $(1) over the size budget" >&2; exit 1; }; }
size-check: $(B)/minisnoop
	$(call size_check,$<,$(SIZE_BUDGET))
size-check-tiny: $(B)/minisnoop-tiny
	$(call size_check,$<,$(TINY_BUDGET))

# CROSS_ISAS: a subset of x86_64 aarch64 armhf i386 riscv64 (default: all of them).
CROSS_ISAS ?=
cross:
	@CFLAGS='$(CROSS_CFLAGS)' LDFLAGS='$(CROSS_LDFLAGS)' tools/cross.sh $(CROSS_ISAS)

# Where the bytes go, by object, from the link without LTO; the budget and the goal are the
# product's (with LTO when the compiler has it), which the report says too.
.PHONY: size-report
size-report: $(B)/minisnoop $(B)/minisnoop.nolto
	@PRODUCT=$(B)/minisnoop STRIP=$(CROSS_COMPILE)strip tools/size-report.sh \
		$(B)/minisnoop.nolto.map $(B)/minisnoop.nolto $(SIZE_BUDGET) 163840
size-report-tiny: $(B)/minisnoop-tiny $(B)/minisnoop-tiny.nolto
	@PRODUCT=$(B)/minisnoop-tiny STRIP=$(CROSS_COMPILE)strip tools/size-report.sh \
		$(B)/minisnoop-tiny.nolto.map $(B)/minisnoop-tiny.nolto $(TINY_BUDGET) 65536

# Boots Debian kernels under qemu (TCG) with busybox and minisnoop only, two at a time
# (tools/boot-test.sh --help). CI: x86_64 5.10 and 6.12 with and without BTF (with a 32-bit
# program's exec), aarch64 6.1, armhf 6.1. -all: every suite of x86_64, aarch64, armhf,
# i386 and riscv64, with and without BTF.
test-initramfs:
	@tools/boot-test.sh $(BOOT_ARGS)

test-initramfs-all:
	@tools/boot-test.sh --all $(BOOT_ARGS)

# The service files proven in booted systems (tools/boot-service.sh --help): Debian 12 with
# systemd as PID 1 (its root file system from Debian's packages), and the busybox initramfs.
test-service:
	@tools/boot-service.sh $(SERVICE_ARGS)

install: $(B)/minisnoop
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/minisnoop $(DESTDIR)$(BINDIR)/minisnoop
	$(CROSS_COMPILE)strip $(DESTDIR)$(BINDIR)/minisnoop
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 minisnoop.8 $(DESTDIR)$(MANDIR)/man8/minisnoop.8
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SHAREDIR)/examples \
		$(DESTDIR)$(SHAREDIR)/openrc $(DESTDIR)$(SHAREDIR)/busybox
	$(call install_svc,0644,minisnoop.service,$(SYSTEMDUNITDIR)/minisnoop.service)
	$(call install_svc,0644,write-file.conf,$(SHAREDIR)/examples/write-file.conf)
	$(call install_svc,0644,journal.conf,$(SHAREDIR)/examples/journal.conf)
	$(call install_svc,0644,minisnoop.default,$(SHAREDIR)/examples/minisnoop.default)
	$(call install_svc,0755,minisnoop.openrc,$(SHAREDIR)/openrc/minisnoop)
	$(call install_svc,0755,minisnoop.busybox,$(SHAREDIR)/busybox/S01minisnoop)
	$(call install_svc,0644,inittab.minisnoop,$(SHAREDIR)/busybox/inittab.minisnoop)

# install_svc MODE,FILE,DEST: tools/service/FILE with @BINDIR@ made the installed binary's path
install_svc = sed 's|@BINDIR@|$(BINDIR)|g' tools/service/$(2) >$(DESTDIR)$(3).tmp && \
	chmod $(1) $(DESTDIR)$(3).tmp && mv $(DESTDIR)$(3).tmp $(DESTDIR)$(3)

# make install into a scratch DESTDIR, and the files it must lay out (tools/install-check.sh)
install-check: $(B)/minisnoop
	@tools/install-check.sh

clean:
	rm -rf $(B) build-x86_64 build-arm64 build-armhf build-riscv64 build-i386

format:
	clang-format -i $(SRCS) $(INSNS) include/*.h $(wildcard src/*.h tests/*.h tests/*/*.c tools/*.c)

lint: $(UAPI) $(B)/gen/packed.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D__linux__ -Iinclude -Isrc \
		-I$(B)/gen src insns
	clang-tidy --quiet $(SRCS) $(INSNS) -- $(HOST_CFLAGS) -I$(B)/gen
