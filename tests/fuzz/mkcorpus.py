#!/usr/bin/env python3
# Writes the seed inputs of tests/fuzz/corpus/ (run from the project root). The seeds are
# committed; this says how they were made, and makes them again after a format change.
# Files named regress-* are inputs a target once failed on: they are kept, never written here.
import os
import struct

OUT = "tests/fuzz/corpus"


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    assert len(data) < 64 * 1024, (target, name)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- BTF: a writer like tests/unit/test_btf.c's, kinds numbered as in linux/btf.h ----
INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT = range(1, 12)
FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 = range(12, 20)


class Btf:
    def __init__(self):
        self.types = b""
        self.strs = b"\0"
        self.n = 0

    def s(self, name):
        if not name:
            return 0
        off = len(self.strs)
        self.strs += name.encode() + b"\0"
        return off

    def t(self, name, kind, vlen=0, size_or_type=0, kflag=0, extra=b""):
        self.types += struct.pack("<III", self.s(name), kflag << 31 | kind << 24 | vlen,
                                  size_or_type) + extra
        self.n += 1
        return self.n

    def int_(self, name, size):
        return self.t(name, INT, 0, size, extra=struct.pack("<I", 1 << 24 | size * 8))

    def comp(self, name, kind, size, members, kflag=0):
        extra = b"".join(struct.pack("<III", self.s(m), ty, off) for m, ty, off in members)
        return self.t(name, kind, len(members), size, kflag, extra)

    def blob(self, **hdr):
        h = dict(magic=0xEB9F, version=1, flags=0, hdr_len=24, type_off=0,
                 type_len=len(self.types), str_off=len(self.types), str_len=len(self.strs))
        h.update(hdr)
        return struct.pack("<HBBIIIII", h["magic"], h["version"], h["flags"], h["hdr_len"],
                           h["type_off"], h["type_len"], h["str_off"], h["str_len"]) + \
            self.types + self.strs


def btf_kernelish():
    """task_struct and mm_struct as minisnoop reads them, with the kinds around them."""
    b = Btf()
    i32 = b.int_("int", 4)
    u64 = b.int_("long unsigned int", 8)
    pid_t = b.t("pid_t", TYPEDEF, 0, i32)
    cpid = b.t("", CONST, 0, pid_t)
    # ids are known in advance: task_struct is 9, its pointer 5
    ptask = b.t("", PTR, 0, 9)
    arr = b.t("", ARRAY, 0, 0, extra=struct.pack("<III", i32, i32, 16))
    b.t("", ENUM, 2, 4, extra=struct.pack("<IiIi", b.s("A"), 0, b.s("B"), 1))
    anon = b.comp("", STRUCT, 16, [("arg_start", u64, 0), ("arg_end", u64, 64)])
    b.comp("task_struct", STRUCT, 64, [("pid", pid_t, 0), ("tgid", cpid, 32),
                                       ("real_parent", ptask, 64), ("comm", arr, 128),
                                       ("", 11, 256)])
    b.comp("", UNION, 8, [("flags", i32, 0), ("raw", u64, 0)])  # id 10... then 11 below
    b.comp("", STRUCT, 8, [("exit_code", i32, 0)])
    b.comp("mm_struct", STRUCT, 32, [("", anon, 0), ("bits", i32, 3 << 24 | 128)], kflag=1)
    b.t("", FUNC_PROTO, 1, i32, extra=struct.pack("<II", b.s("x"), i32))
    b.t("", ENUM64, 1, 8, extra=struct.pack("<III", b.s("BIG"), 1, 2))
    b.t("v", VAR, 0, i32, extra=struct.pack("<I", 1))
    b.t(".data", DATASEC, 1, 4, extra=struct.pack("<III", 16, 0, 4))
    b.t("tag", DECL_TAG, 0, 9, extra=struct.pack("<i", -1))
    b.t("float", FLOAT, 0, 4)
    return b


def btf_two_structs():
    """Two structs of one name: the first lacks the member, the second has it."""
    b = Btf()
    i32 = b.int_("int", 4)
    b.comp("task_struct", STRUCT, 4, [("pid", i32, 0)])
    b.t("", VOLATILE, 0, i32)
    b.comp("task_struct", STRUCT, 12, [("pid", i32, 0), ("real_parent", i32, 64)])
    return b


def btf_cycle():
    """Typedefs in a cycle and a struct nested in itself through an anonymous member."""
    b = Btf()
    b.t("a", TYPEDEF, 0, 2)
    b.t("b", TYPEDEF, 0, 1)
    b.comp("task_struct", STRUCT, 8, [("", 3, 0), ("", 1, 0), ("real_parent", 1, 32)])
    return b


def btf_fanout(depth=20):
    """Anonymous members that fan out to the same type level after level: 2^depth paths."""
    b = Btf()
    i32 = b.int_("int", 4)
    b.comp("task_struct", STRUCT, 8, [("", 3, 0), ("", 3, 0)])
    for k in range(depth):
        b.comp("", STRUCT, 8, [("", 4 + k, 0), ("", 4 + k, 32)])
    b.comp("leaf", STRUCT, 4, [("real_parent", i32, 0)])
    return b


put("fuzz_btf", "kernelish", btf_kernelish().blob())
put("fuzz_btf", "fanout", btf_fanout().blob())
put("fuzz_btf", "two-structs", btf_two_structs().blob())
put("fuzz_btf", "cycle", btf_cycle().blob())
put("fuzz_btf", "empty", Btf().blob())
put("fuzz_btf", "gap", btf_kernelish().blob(hdr_len=32)[:24] + b"\0" * 8 +
    btf_kernelish().blob()[24:])

# ---- tracefs: format files as Linux 6.x writes them; field name, NUL, text ----
COMMON = ("\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
          "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
          "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
          "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n")
put("fuzz_tracefs", "sched_process_exec", "filename\0name: sched_process_exec\nID: 365\n"
    "format:\n" + COMMON +
    "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
    "\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n\n"
    "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, "
    "REC->old_pid\n")
put("fuzz_tracefs", "sys_enter_execve", "argv\0name: sys_enter_execve\nID: 862\nformat:\n" +
    COMMON + "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:const char * filename;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:const char *const * argv;\toffset:24;\tsize:8;\tsigned:0;\n"
    "\tfield:const char *const * envp;\toffset:32;\tsize:8;\tsigned:0;\n\n"
    "print fmt: \"filename: 0x%08lx, argv: 0x%08lx, envp: 0x%08lx\", "
    "((unsigned long)(REC->filename)), ((unsigned long)(REC->argv)), "
    "((unsigned long)(REC->envp))\n")
put("fuzz_tracefs", "sys_exit_execve", "ret\0name: sys_exit_execve\nID: 861\nformat:\n" +
    COMMON + "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n\nprint fmt: \"0x%lx\", REC->ret\n")
put("fuzz_tracefs", "array-field", "comm\0format:\n"
    "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
    "\tfield:int bad;\toffset:99999;\tsize:4;\n")

# ---- event: max_args, option bits, clock offset, start time, then the record ----


CTX_ALL = (1 << 13) - 1  # every CTX_* bit of include/record.h
IDS = 1 << 12  # CTX_IDS
EXIT = 1 << 8  # EV_F_EXIT


def record(argv, filename, flags=0, argc=None, ret=0, comm=b"bash", pid=4242, ppid=1,
           uid=1000, ts=10**12, text=None, filename_len=None, have=0, cwd=b"", exe=b"",
           env=b"", ctx_flags=0, ids=(0,) * 8, cgroup=1, pcomm=b"", tty=b"", root=b"",
           cgroup_blk=b"", life=(0,) * 7):
    """The header (include/record.h, 216 bytes) and its text: filename, args, then the
    cwd, exe, env, root and cgroup blocks. life: start_ns, arg_start, pstart_ns, parg_start,
    age_ns, status, life (issue 17)."""
    if text is None:
        text = filename + b"\0" + b"".join(a + b"\0" for a in argv)
    if argc is None:
        argc = len(argv)
    if filename_len is None:
        filename_len = len(filename) + 1
    text += cwd + exe + env + root + cgroup_blk
    hdr = struct.pack("<QIIIIiIIHH16s", ts, pid, pid, ppid, uid, ret, flags, len(text),
                      argc, filename_len, comm)
    hdr += struct.pack("<I8I4H4xQ16s32s", have, *ids, len(cwd), len(exe), len(env), ctx_flags,
                       cgroup, pcomm, tty)
    hdr += struct.pack("<HH4x", len(root), len(cgroup_blk))
    hdr += struct.pack("<5QII", *life)
    assert len(hdr) == 216
    return hdr + text


def pre(max_args=20, bits=0, mono_to_real=1_700_000_000 * 10**9, start=10**12 - 5 * 10**8):
    return struct.pack("<BBqQ", max_args, bits, mono_to_real, start)


put("fuzz_event", "ls", pre() + record([b"ls", b"-l", b"/tmp"], b"/usr/bin/ls"))
put("fuzz_event", "failed", pre(bits=15) + record([b"nope"], b"/nonexistent", ret=-2))
put("fuzz_event", "block", pre(max_args=3, bits=1) +
    record([b"sh", b"-c", b"echo 'a b'", b"x", b"y"], b"/bin/sh", flags=1 << 6, argc=0))
put("fuzz_event", "bytes", pre(bits=3) +
    record([b"\xff\xfe", b"\x1b[31m", b"caf\xc3\xa9", b"\xc2\x85", b"\xed\xa0\x80", b"a\"\\"],
           b"/tmp/\xe2\x82\xac\x7f", comm=b"\x01\xe2\x82"))
put("fuzz_event", "truncated", pre() +
    record([b"a" * 300, b"b"], b"/bin/true", flags=3, argc=7, filename_len=4))
put("fuzz_event", "no-args", pre(mono_to_real=-(2**62)) +
    record([], b"/sbin/modprobe", flags=1 << 7, ppid=0, comm=b"kworker/u8:1"))

CTX = dict(have=CTX_ALL, cwd=b"work\0home\0", exe=b"busybox\0bin\0", env=b"A=1\0B=\xff\0",
           ids=(0, 0, 0, 4294967295, 4294967295, 4026531836, 4026531840, 7), pcomm=b"sh",
           tty=b"pts3", root=b"jail\0srv\0", cgroup_blk=b"app.service\0system.slice\0",
           ctx_flags=1 << 8)
for mode in range(16):
    put("fuzz_event", f"ctx-{mode}", pre(bits=mode << 4) +
        record([b"ls", b"-l"], b"/usr/bin/ls", **CTX))
put("fuzz_event", "ctx-cut", pre(bits=0x31) +
    record([b"x"], b"/x", have=CTX_ALL, cwd=b"deep\0er\0", ctx_flags=0x1f, tty=b"ttyS0"))
# an environment larger than the block: the window, what the kernel's scan kept, the trailer
# (bytes not scanned, u32; the window's length, u16); EV_C_ENV_SCAN and EV_C_ENV_SCAN_CUT
ENV_WIN = b"A=1\0B=2\0"
put("fuzz_event", "env-scan", pre(max_args=1, bits=0x21) +
    record([b"x"], b"/x", have=CTX_ALL, ctx_flags=0xc000,
           env=ENV_WIN + b"LD_PRELOAD=/e\0HOSTNAME=h\0" + struct.pack("<IH", 1000, len(ENV_WIN))))

# --exit (an odd start time turns it on): exec lines with ids, exit records of each outcome
LIFE = (123_450_000_000, 0x7ffd1234, 1_000_000_000, 0x7ffc0000, 1_234_567_890)
put("fuzz_event", "life-exec", pre(start=10**12 + 1) +
    record([b"ls"], b"/usr/bin/ls", have=IDS, life=LIFE + (0, 0)))
for name, status, life in (("code", 3 << 8, 5), ("signal", 9, 5), ("core", 0x86, 5),
                           ("code-only", 7 << 8, 3), ("unknown", 0, 0)):
    put("fuzz_event", f"life-exit-{name}", pre(bits=name == "core" and 0x16 or 0,
                                                start=10**12 + 1) +
        record([], b"", flags=EXIT, text=b"", filename_len=0, argc=0, have=IDS,
               life=LIFE + (status, life)))
put("fuzz_event", "life-exit-text", pre(start=10**12) +
    record([], b"", flags=EXIT, text=b"junk\0", filename_len=3, argc=2, have=CTX_ALL,
           env=b"A=1\0", life=LIFE + (0x7f00, 7)))

# ---- logfmt: fuzz_event's input; bits: 1 JSON, 2 -q, 4..16 the columns, the high three the
# message limit (32 + 1100 * N bytes) ----
put("fuzz_logfmt", "ls-json", pre(bits=1 | 7 << 5) + record([b"ls", b"-l", b"/tmp"], b"/usr/bin/ls"))
put("fuzz_logfmt", "huge-cut", pre(bits=1 | 1 << 5) +
    record([b"\xc3\xa9" * 150] * 20, b"/bin/echo"))
put("fuzz_logfmt", "huge-text", pre(bits=2 | 1 << 5) + record([b"x" * 300] * 20, b"/bin/echo"))
put("fuzz_logfmt", "bytes", pre(bits=1 | 3 << 5) +
    record([b"a\nb", b"\xff\xfe", b"\x01\x02", b""], b"/tmp/\n", comm=b"\x01\n"))
put("fuzz_logfmt", "ctx", pre(bits=1 | 0x1c | 2 << 5) + record([b"ls"], b"/usr/bin/ls", **CTX))
put("fuzz_logfmt", "ctx-text", pre(bits=0x18 | 1 << 5) + record([b"ls"], b"/usr/bin/ls", **CTX))
put("fuzz_logfmt", "exit", pre(bits=1 | 4 << 5, start=10**12 + 1) +
    record([], b"", flags=EXIT, text=b"", filename_len=0, argc=0, have=IDS,
           life=LIFE + (3 << 8, 5)))

# ---- perf ring: size byte, stop byte, data_tail, head - tail, then the data area ----
SAMPLE, LOST = 9, 2


def sample(raw):
    size = (8 + 4 + len(raw) + 7) // 8 * 8
    return struct.pack("<IHHI", SAMPLE, 0, size, len(raw)) + raw + b"\0" * (size - 12 - len(raw))


def lost(n):
    return struct.pack("<IHHQQ", LOST, 0, 24, 7, n)


def ring(log2, tail, recs, stop=0):
    data = b"".join(recs)
    size = 1 << log2
    area = bytearray(size)
    for i, c in enumerate(data):
        area[(tail + i) % size] = c
    return struct.pack("<BBQH", log2, stop, tail, len(data)) + bytes(area)


ev = record([b"true"], b"/bin/true")
put("fuzz_perf_ring", "samples", ring(9, 0, [sample(ev), lost(3), sample(b"xyz")]))
put("fuzz_perf_ring", "wrapped", ring(8, 200, [sample(b"w" * 90), sample(b"k" * 20)]))
put("fuzz_perf_ring", "stop", ring(10, 2**64 - 16, [sample(b"a"), sample(b"bb"),
                                                    struct.pack("<IHH", 3, 0, 16) + b"\0" * 8,
                                                    sample(b"ccc")], stop=8 | 1))
put("fuzz_perf_ring", "corrupt", ring(6, 0, [sample(b"ok"), struct.pack("<IHH", 9, 0, 4)]))

# ---- vlog: reason buffer size, tail lines, then the log ----
REAL = ("0: R1=ctx() R10=fp0\n"
        "0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()\n"
        "1: (15) if r6 == 0x0 goto pc+1 3: R1=ctx() R6=ctx() R10=fp0\n"
        "3: (95) exit\n"
        "R0 !read_ok\n"
        "verification time 60 usec\n"
        "stack depth 8\n"
        "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 "
        "peak_states 0 mark_read 0\n")
put("fuzz_vlog", "rejected", b"\x80\x03" + REAL.encode())
put("fuzz_vlog", "short-reason", b"\x05\x01" + REAL.encode())
put("fuzz_vlog", "loaded", b"\x40\x00" + b"func#0 @0\n0: R1=ctx() R10=fp0\n"
    b"0: (b7) r0 = 0                       ; R0_w=0\n1: (95) exit\n"
    b"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 "
    b"peak_states 0 mark_read 0\n")
put("fuzz_vlog", "state-lines", b"\x20\x02" + b"4: R0=0\n5: (95) exit\n6: R1: (x)\n")

# ---- ere: pattern, NUL, subject ----
for name, pat, subj in [
        ("name", b"^(ba|da)?sh$", b"bash"),
        ("line", b"\\<-c\\>.*(echo|printf) [^;]+", b"sh -c echo hi; ls"),
        ("classes", b"[[:alpha:]_][[:alnum:]_]*=[0-9a-fA-F]{2,8}\\b", b"X_1=deadbeef tail"),
        ("repeat", b"(a|b){3,5}c?(d+|e*)$", b"xxababbdd"),
        ("brackets", b"[]a-z.[:digit:]-][^[.-.][=e=]]\\w\\W\\s\\S", b"]-!e_ \t"),
        ("empty", b"()|x*", b""),
]:
    put("fuzz_ere", name, pat + b"\0" + subj)

# ---- passwd: name, NUL, file ----
PASSWD = (b"root:x:0:0:root:/root:/bin/bash\n"
          b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
          b"alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
          b"bad:x:99999999999:1::/:\n"
          b"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin")
put("fuzz_passwd", "alice", b"alice\0" + PASSWD)
put("fuzz_passwd", "nobody-no-newline", b"nobody\0" + PASSWD)
put("fuzz_passwd", "bad-uid", b"bad\0" + PASSWD + b"\nbad::7:7\n")
put("fuzz_passwd", "missing", b"mallory\0" + PASSWD)

# ---- proctab: the table's size, then operations (op byte and operands, tests/fuzz/fuzz_proctab.c)
def stat_text(pid, comm, ppid, ticks, arg_start):
    f = [str(n) for n in range(5, 53)]
    f[22 - 5], f[48 - 5] = str(ticks), str(arg_start)
    return b"%d (%s) S %d " % (pid, comm, ppid) + " ".join(f).encode() + b"\n"


def seed_op(st, cmd):
    return bytes([0, len(st), len(cmd)]) + st + cmd


def fork_op(pid, ppid, start, arg_start, have=1 << 12):
    return bytes([0x81]) + struct.pack("<QIII2IIQQ", 10**9, pid, ppid, have, 0, 0, 1 << 9,
                                       start, arg_start) + b"\0" * 8


def exec_op(op, pid, ppid, start, args):
    b = bytes([op, pid, 0x80 | start, len(args), ppid, 7]) + b"comm"
    return b + b"".join(bytes([len(a)]) + a for a in args)


CHAIN = (seed_op(stat_text(1, b"init", 0, 1, 4096), b"init\0") +
         seed_op(stat_text(10, b"test) (x", 1, 5, 8192), b"test\0-v\0") +
         fork_op(20, 10, 20 * 10**7, 8192) + exec_op(2, 19, 10, 20, [b"sh", b"-c", b"x"]) +
         fork_op(21, 20, 21 * 10**7, 7) + exec_op(2, 20, 20, 21, [b"sh", b"-c", b"sleep 1"]) +
         fork_op(22, 21, 22 * 10**7, 7) + exec_op(3, 20, 20, 21, []) +
         exec_op(2, 21, 1, 22, [b"sleep", b"1"]) + exec_op(4, 21, 1, 22, []) + b"\x40" +
         bytes([5]))
put("fuzz_proctab", "chain", b"\x10" + CHAIN)
put("fuzz_proctab", "full", b"\x03" + CHAIN * 3)
put("fuzz_proctab", "stat-odd", b"\x08" + seed_op(b"7 (a)b) c) R 1 2 3", b"") +
    seed_op(stat_text(8, b"\x1b[2J", 7, 9, 0), b"\xff\xfe") + bytes([5]))
# ---- time zones: 0 and a TZ rule, or 1 and a zoneinfo file (the host's, when it has them) ----
for name, rule in [
        ("europe", "CET-1CEST,M3.5.0,M10.5.0/3"),
        ("south", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
        ("negative-times", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1"),
        ("julian-25h", "WART4WARST,J1/0,J365/25"),
        ("zero-based-days", "XST-2XDT,59/2,300/2"),
        ("no-rule", "EST5EDT"),
        ("quoted-half-hour", "<+0330>-3:30"),
]:
    put("fuzz_tz", "rule-" + name, b"\0" + rule.encode())
for zone in ["Europe/Berlin", "Australia/Sydney"]:
    path = "/usr/share/zoneinfo/" + zone
    if os.path.exists(path):
        with open(path, "rb") as f:
            put("fuzz_tz", "zone-" + zone.replace("/", "-"), b"\1" + f.read())

# ---- /proc/PID/stat, for --tree's scan (tree_stat_ppid) ----
put("fuzz_procstat", "plain", "1234 (bash) S 1200 1234 1234 34816 1240 4194304 100 0 0 0\n")
put("fuzz_procstat", "paren-in-comm", "77 (a) b (c)) R 4294967295 77 77 0 -1\n")
put("fuzz_procstat", "too-big", "5 (x) S 4294967296 5\n")
put("fuzz_procstat", "short", "5 (x) S")
