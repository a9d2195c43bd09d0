#!/usr/bin/env python3
"""Host side of the initramfs boot test: reads a guest's console log and compares what
minisnoop captured (its JSON lines) with what the guest ran (tests/initramfs/guest.sh's
`@@ms truth` / `@@ms arg` lines): pid, ppid, ret, filename, args, comm, uid, truncated.
Cases that must be there: `init`, a child of PID 1 itself (ppid 1), and on x86_64
`exec32`, a static 32-bit program, and `exec32child`, the exec that program's child makes
through the 32-bit execve (`via=compat`: no syscall tracepoint sees it). Its arguments come
from the new image with BTF; without BTF they are unknown: no args, truncated.
With BTF on x86_64, `exec32failchild` and `int80child`: a 32-bit program's failed execve and
a 64-bit program's `int $0x80` execve of a missing file, both as uid 65534, which only
`--compat` reports (ret -2, path, args, uid, comm); `check` and the tracer's first line say
whether they are seen.
Also checks `minisnoop check` (exit 0, the ppid source the mode asks for), `minisnoop
verify --log-level 1` (exit 0, a log and its statistics came back), that each of check,
verify and the tracer mounted tracefs itself (the guest unmounts it in between), and the
tracer's summary (N events, 0 lost).

Usage: check.py LOG --label LABEL --mode btf|no-btf [--boot SECONDS]
Prints `LABEL: ok (...)` or `LABEL: FAILED (...)` and the reasons, one per line, indented.
Exit status 0 when every check passed, 1 otherwise.
"""
import argparse
import json
import os
import re
import sys

KEYS = ["time", "pid", "ppid", "uid", "comm", "ret", "filename", "args", "truncated"]
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|c)")
MAX_ARGS_DEFAULT = 20  # minisnoop.8: --max-args default; argv[0] counts
REQUIRED = {"init": None, "exec32": "x86_64", "exec32child": "x86_64"}  # case: only on arch
# Failed execs through the 32-bit entry, as uid 65534, seen with --compat where BTF gives the
# compat flag (x86_64); without BTF `check` and the tracer must say they are not seen, and
# no event may come.
REQUIRED_BTF = {"exec32fail": "x86_64", "exec32failchild": "x86_64", "int80": "x86_64",
                "int80child": "x86_64"}


def parse(path):
    """The @@ms records, the JSON lines between json-begin and json-end, in order."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "surrogateescape")
    recs, json_lines, in_json = [], [], False
    for raw in text.split("\n"):
        line = ANSI_RE.sub("", raw.replace("\r", ""))
        i = line.find("@@ms ")
        if i >= 0:
            rec = line[i + 5:]
            if rec == "json-begin":
                in_json = True
            elif rec == "json-end":
                in_json = False
            recs.append(rec)
        elif in_json and line.strip():
            json_lines.append(line)
    return recs, json_lines


def to_bytes(s):
    return s.encode("utf-8", "surrogateescape")


CTX_KEYS = ["cwd", "exe", "fileless", "euid", "gid", "egid", "auid", "session", "tty", "pcomm",
            "pidns", "mntns", "nspid", "cgroup", "env"]
NS_RE = re.compile(r"^[a-z]+:\[(\d+)\]$")


def check_context(recs, mode, errs):
    """`minisnoop -j -o all -e` on one exec the guest made from a known state: every context
    key there; with BTF each one equal to the guest's truth, without BTF all null but gid and
    cgroup. Returns a short note for the summary."""
    if "ctx-not-attached" in recs:
        errs.append("context: minisnoop -j -o all -e never said it was tracing: " +
                    " | ".join(r[len("ctx-stderr| "):] for r in recs if r.startswith("ctx-stderr| ")))
        return None
    truth = next((r.split()[1:] for r in recs if r.startswith("ctx-truth ")), None)
    lines = [r[len("ctx-json| "):] for r in recs if r.startswith("ctx-json| ")]
    if truth is None or len(lines) != 1:
        errs.append(f"context: expected one JSON line and the truth, got {len(lines)} lines")
        return None
    t = dict(kv.split("=", 1) for kv in truth)
    try:
        ev = json.loads(lines[0])
    except ValueError as e:
        errs.append(f"context: invalid JSON ({e}): {lines[0][:200]}")
        return None
    missing = [k for k in KEYS + CTX_KEYS if k not in ev]
    if missing:
        errs.append("context: keys missing: " + ", ".join(missing))
        return None
    want = {"pid": int(t["pid"]), "gid": 0, "cgroup": "/"}
    if mode == "btf":
        ns = {k: int(NS_RE.match(t[k]).group(1)) if NS_RE.match(t[k]) else None
              for k in ("pidns", "mntns")}
        want.update({"cwd": t["cwd"], "exe": t["exe"], "fileless": False, "euid": 0, "egid": 0,
                     "auid": None, "session": None, "pcomm": t["pcomm"], "nspid": int(t["pid"]),
                     "env": ["CTX=one", "E2=two words"], **ns})
    else:
        want.update({k: None for k in CTX_KEYS if k not in ("gid", "cgroup")})
    for k, v in want.items():
        if ev.get(k) != v:
            errs.append(f"context: {k} is {ev.get(k)!r}, expected {v!r}")
    if ev.get("tty") is not None and not isinstance(ev.get("tty"), str):
        errs.append(f"context: tty is {ev.get('tty')!r}")
    return "context fields"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--label", required=True)
    ap.add_argument("--mode", choices=["btf", "no-btf"], required=True)
    ap.add_argument("--boot", type=float, default=None, help="wall time of the boot, seconds")
    a = ap.parse_args()

    errs = []
    recs, json_lines = parse(a.log)
    rec_set = set(recs)

    def first(prefix):
        return next((r[len(prefix):] for r in recs if r.startswith(prefix)), None)

    kernel = first("kernel ")
    if kernel is None:
        errs.append("the guest script never started (no '@@ms kernel' line)")
    if "done" not in rec_set:
        errs.append("the guest script did not finish (no '@@ms done' line)")
    for r in recs:
        if r.startswith("bad-test") or r == "trace-not-attached":
            errs.append("guest: " + r)

    # mode, check, tracefs
    mode = first("mode ")
    if mode is not None and mode != a.mode:
        errs.append(f"guest ran in mode {mode}, expected {a.mode} (kernel command line?)")
    check = [r[len("check| "):] for r in recs if r.startswith("check| ")]
    check_rc = first("check-rc ")
    if check_rc is not None and check_rc != "0":
        bad = [c for c in check if " ok " not in c]
        errs.append(f"minisnoop check exited {check_rc}: " + " | ".join(bad or check[-3:]))
    if check_rc is not None:
        # btf: the BTF line ends "...: ppid ... from BTF", nothing says fork tracking;
        # no-btf: "ppid source  ok  fork tracking (MINISNOOP_NO_BTF set)".
        fork = any(re.search(r"\bfork tracking\b", c) for c in check)
        btf = any(re.search(r"\bppid\b.*\bfrom BTF\b", c) for c in check)
        if (a.mode == "btf") != (btf and not fork) or (a.mode == "no-btf" and not fork):
            said = " | ".join(c for c in check if "BTF" in c or "ppid" in c)
            errs.append(f"minisnoop check does not say ppid comes from "
                        f"{'BTF' if a.mode == 'btf' else 'fork tracking'}: {said}")
    compat_seen = None
    arch0 = kernel.split()[1] if kernel and len(kernel.split()) > 1 else None
    if check_rc is not None:
        line = next((c for c in check if c.startswith("failed 32-bit execs")), None)
        compat_seen = arch0 == "x86_64" and a.mode == "btf"
        if line is None:
            errs.append("minisnoop check has no 'failed 32-bit execs' line")
        elif (" ok " in line) != compat_seen:
            errs.append(f"minisnoop check: expected failed 32-bit execs "
                        f"{'seen' if compat_seen else 'not seen'}: {line}")
    # the tiny build (x86_64 images: tools/boot-test.sh adds it), its code packed
    tiny_rc = first("tiny-check-rc ")
    if arch0 == "x86_64" and tiny_rc != "0":
        tiny = [r[len("tiny-check| "):] for r in recs if r.startswith("tiny-check| ")]
        errs.append(f"minisnoop-tiny check exited {tiny_rc or '(not run)'}: " +
                    " | ".join([c for c in tiny if " ok " not in c] or tiny[-3:]))
    if first("tracefs-before ") == "mounted":
        errs.append("tracefs was mounted before minisnoop ran (the init must not mount it)")
    # Each command mounts tracefs itself (it works although the init did not mount it) and
    # unmounts what it mounted before it exits (the tracer as soon as it is attached).
    for step, cmd in (("after-check", "check"), ("after-tiny-check", "check, the tiny build's,"),
                      ("after-verify", "verify --log-level 1"),
                      ("after-trace", "-j --count")):
        state = first(f"tracefs-{step} ")
        if state is not None and state != "absent":
            errs.append(f"tracefs left mounted after minisnoop {cmd} (it must unmount what "
                        f"it mounted)")

    # verify
    vrc = first("verify-rc ")
    stats = [r for r in recs if r.startswith("verify-stat| ")]
    if vrc is not None:
        size = (first("verify-size ") or "0 0").split()
        if vrc != "0":
            tail = [r[len("verify-tail| "):] for r in recs if r.startswith("verify-tail| ")]
            errs.append(f"minisnoop verify --log-level 1 exited {vrc}: " + " | ".join(tail[-5:]))
        if not stats:
            errs.append("minisnoop verify printed no 'processed N insns' line")
        # a few lines per program loaded (programs built alike are loaded once)
        if int(size[0]) < 12:
            errs.append(f"minisnoop verify --log-level 1 printed only {size[0]} lines")

    # verify --prog --attach kprobe:/kretprobe: on the booted kernel (the host has no kprobes)
    att = [r.split() for r in recs if r.startswith("attach-rc ")]
    skip = first("attach-skip ")
    if vrc is not None and not att and skip is None:
        errs.append("no verify --prog --attach kprobe result")
    for _, what, rc, said in att:
        if rc != "0" or said != "1":
            out = [r[len("attach| "):] for r in recs if r.startswith("attach| ")]
            errs.append(f"minisnoop verify --prog --attach {what} exited {rc}: " +
                        " | ".join(out[-3:]))
    if skip is not None:
        print(f"{a.label}: note: kprobe attach not tried: {skip}")

    trc = first("trace-rc ")
    stderr = [r[len("stderr| "):] for r in recs if r.startswith("stderr| ")]
    truths = [r.split()[1:] for r in recs if r.startswith("truth ")]
    if trc is not None:
        if trc != "0":
            errs.append(f"minisnoop -j --count exited {trc}: " + " | ".join(stderr[-3:]))
        summ = [re.search(r"minisnoop: (\d+) events?, (\d+) lost", s) for s in stderr]
        summ = [m for m in summ if m]
        if not summ:
            errs.append("no 'minisnoop: N events, M lost' summary on stderr: " + " | ".join(stderr[-3:]))
        else:
            n, lost = int(summ[-1].group(1)), int(summ[-1].group(2))
            if lost:
                errs.append(f"minisnoop lost {lost} events")
            if n != len(truths):
                errs.append(f"minisnoop reported {n} events, the guest ran {len(truths)} execs")
        tracing = [s for s in stderr if s.startswith("minisnoop: tracing")]
        want = "fork tracking" if a.mode == "no-btf" else "(BTF"
        if tracing and want not in tracing[0]:
            errs.append(f"tracer started in the wrong ppid mode (want '{want}'): {tracing[0]}")
        want = "; failed 32-bit execs too" if compat_seen else "; not failed 32-bit execs"
        if tracing and compat_seen is not None and want not in tracing[0]:
            errs.append(f"tracer with --compat does not say '{want}': {tracing[0]}")
        for s in stderr:
            if "tracing" not in s and not re.search(r"\d+ events?, \d+ lost", s):
                errs.append("unexpected stderr from the tracer: " + s)

    # events
    events = []
    for ln in json_lines:
        try:
            ev = json.loads(ln)
        except ValueError as e:
            errs.append(f"not JSON ({e}): {ln[:200]}")
            continue
        if not isinstance(ev, dict) or set(ev) != set(KEYS):
            errs.append(f"JSON keys {sorted(ev) if isinstance(ev, dict) else type(ev)}, expected {KEYS}: {ln[:200]}")
            continue
        if not TIME_RE.match(ev["time"]):
            errs.append(f"bad time {ev['time']!r}")
        events.append(ev)

    args_of = {}
    for r in recs:
        if r.startswith("arg "):
            p = r.split(" ")
            args_of.setdefault(p[1], {})[int(p[2])] = bytes.fromhex(p[3] if len(p) > 3 else "")
    truth_of = {t[0]: dict(x.split("=", 1) for x in t[1:]) for t in truths}
    arch = kernel.split()[1] if kernel and len(kernel.split()) > 1 else None
    if trc is not None:
        required = dict(REQUIRED, **(REQUIRED_BTF if a.mode == "btf" else {}))
        for name, only in required.items():
            if name not in truth_of and (only is None or only == arch):
                errs.append(f"the guest did not run the '{name}' case")
    if "init" in truth_of and truth_of["init"]["ppid"] != "1":
        errs.append(f"bad truth: init's child has ppid {truth_of['init']['ppid']}, not 1")
    e32 = truth_of.get("exec32", {})
    if "exec32child" in truth_of and truth_of["exec32child"]["ppid"] != e32.get("pid"):
        errs.append("bad truth: exec32child's ppid is not exec32's pid")
    compared = 0
    seen = set()
    for t in truths:
        name, kv = t[0], truth_of[t[0]]
        argv = [args_of.get(name, {}).get(i, b"?") for i in range(int(kv["argc"]))]
        ret, pid, ppid = int(kv["ret"]), int(kv["pid"]), int(kv["ppid"])
        trunc = kv["truncated"] == "1"
        want_args = argv[:MAX_ARGS_DEFAULT] if trunc else argv
        # An exec made by a 32-bit program: without BTF only the new image's path is known.
        if kv.get("via") == "compat" and a.mode == "no-btf":
            want_args, trunc = [], True
        want_file = bytes.fromhex(kv["file"]) if "file" in kv else argv[0]
        want_comm = os.path.basename(want_file)[:15].decode("utf-8", "replace") if ret == 0 else "sh"
        want_comm = kv.get("comm", want_comm)
        want_uid = int(kv.get("uid", "0"))
        mine = [e for e in events if e["pid"] == pid]
        if not mine:
            errs.append(f"{name}: no event for pid {pid} ({b' '.join(argv)[:80]!r}, ret {ret})")
            continue
        if len(mine) > 1:
            errs.append(f"{name}: {len(mine)} events for pid {pid}, expected 1")
        ev = mine[0]
        seen.add(id(ev))
        compared += 1
        diffs = []
        if ev["ppid"] != ppid:
            diffs.append(f"ppid {ev['ppid']}, expected {ppid}")
        if ev["ret"] != ret:
            diffs.append(f"ret {ev['ret']}, expected {ret}")
        if ev["uid"] != want_uid:
            diffs.append(f"uid {ev['uid']}, expected {want_uid}")
        if to_bytes(ev["filename"]) != want_file:
            diffs.append(f"filename {ev['filename']!r}, expected {want_file!r}")
        got_args = [to_bytes(x) for x in ev["args"]]
        if got_args != want_args:
            for i in range(max(len(got_args), len(want_args))):
                g = got_args[i] if i < len(got_args) else None
                w = want_args[i] if i < len(want_args) else None
                if g != w:
                    got = "missing" if g is None else repr(g[:60])
                    exp = "none" if w is None else repr(w[:60])
                    diffs.append(f"args[{i}] {got}, expected {exp} "
                                 f"({len(got_args)} args, {len(want_args)} expected)")
                    break
        if ev["truncated"] != trunc:
            diffs.append(f"truncated {str(ev['truncated']).lower()}, expected {str(trunc).lower()}")
        if ev["comm"] != want_comm:
            diffs.append(f"comm {ev['comm']!r}, expected {want_comm!r}")
        if diffs:
            errs.append(f"{name} (pid {pid}): " + "; ".join(diffs))
    for e in events:
        if id(e) not in seen:
            errs.append(f"unexpected event: {json.dumps(e)[:200]}")
    if trc is not None and not truths:
        errs.append("the guest recorded no truth")

    # timings (guest uptime at each step)
    at = {}
    for r in recs:
        if r.startswith("at "):
            _, step, up = r.split()
            at[step] = float(up)
    ctx_note = check_context(recs, a.mode, errs)
    head = f"{compared} events compared"
    special = [w for n, w in (("init", "init's child"), ("exec32child", "32-bit exec"),
                              ("exec32failchild", "failed 32-bit exec"),
                              ("int80child", "failed int $0x80 exec")) if n in truth_of]
    if ctx_note:
        special.append(ctx_note)
    if special:
        head += f" (with {' and '.join(special)})"
    if a.boot is not None:
        head = f"boot {a.boot:.1f} s, " + head
    parts = [head]
    detail = []
    if "userspace" in at:
        detail.append(f"userspace at {at['userspace']:.1f} s")
    if "check" in at and "verify" in at:
        detail.append(f"verify {at['verify'] - at['check']:.1f} s")
    if "verify" in at and "attached" in at:
        detail.append(f"attach {at['attached'] - at['verify']:.1f} s")
    if kernel:
        detail.append(kernel.split()[0])
    if detail:
        parts.append(", ".join(detail))
    if errs:
        print(f"{a.label}: FAILED ({'; '.join(parts)})")
        for e in errs:
            print("    " + e)
        return 1
    print(f"{a.label}: ok ({'; '.join(parts)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
