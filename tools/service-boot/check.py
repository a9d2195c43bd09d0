#!/usr/bin/env python3
"""Checks a service boot's console (tools/boot-service.sh) on the host.

The guest (systemd-guest.sh, busybox-guest.sh) prints `@@sd` / `@@bb` lines: what minisnoop
wrote (`out X| LINE`), the truth of each exec it ran (`truth NAME pid= ppid= uid= [cwd=] argc=`,
then `arg NAME I HEX`), and facts (states, file sizes, the indices of marker execs seen).
Prints `service CASE: ok (figures)` or `service CASE: FAILED` with each failure; exit 1.
"""
import argparse
import json
import re
import sys

fails = []
notes = []


def fail(msg):
    fails.append(msg)


def read_console(path, tag):
    lines = []
    with open(path, 'rb') as f:
        for raw in f:
            s = raw.decode('utf-8', 'surrogateescape').replace('\r', '')
            s = s.rstrip('\n')
            i = s.find(tag + ' ')
            if i >= 0:
                lines.append(s[i + len(tag) + 1:])
    return lines


def truths(lines):
    """NAME -> {pid, ppid, uid, cwd, args}"""
    t = {}
    for l in lines:
        w = l.split(' ')
        if w[0] == 'truth':
            d = dict(x.split('=', 1) for x in w[2:])
            t[w[1]] = {'pid': int(d['pid']), 'ppid': int(d['ppid']), 'uid': int(d['uid']),
                       'cwd': d.get('cwd'), 'argc': int(d['argc']), 'args': {}}
        elif w[0] == 'arg':
            t[w[1]]['args'][int(w[2])] = bytes.fromhex(w[3] if len(w) > 3 else '').decode(
                'utf-8', 'surrogateescape')
    for n, v in t.items():
        v['args'] = [v['args'].get(i) for i in range(v['argc'])]
    return t


def events(lines, prefix):
    """the JSON objects of `PREFIX| LINE` lines (from the first '{' of LINE)"""
    out = []
    for l in lines:
        if not l.startswith(prefix + '| '):
            continue
        s = l[len(prefix) + 2:]
        i = s.find('{')
        if i < 0:
            out.append({'_raw': s})
            continue
        try:
            out.append(json.loads(s[i:]))
        except ValueError:
            out.append({'_raw': s})
    return out


def match(name, truth, evs, where, cwd=False):
    """the event of truth NAME in evs, exactly: args, pid, ppid, uid (and cwd)"""
    found = [e for e in evs if e.get('args') == truth['args']]
    if len(found) != 1:
        fail(f'{where}: {name} {truth["args"]!r}: {len(found)} events, expected 1'
             + (f' (lines with the marker: {[e for e in evs if "_raw" in e][:2]})' if not found else ''))
        return
    e = found[0]
    for k in ('pid', 'ppid', 'uid'):
        if e.get(k) != truth[k]:
            fail(f'{where}: {name}: {k} {e.get(k)!r}, really {truth[k]!r}')
    if e.get('ret', 0) != 0:
        fail(f'{where}: {name}: ret {e.get("ret")!r}')
    if cwd and e.get('cwd') != truth['cwd']:
        fail(f'{where}: {name}: cwd {e.get("cwd")!r}, really {truth["cwd"]!r}')


def ranges(lines, key, worker=False):
    """`KEY [W] A-B` and `KEY [W] dups N` lines (W with worker): {W: (set, dups)}"""
    seen = {}
    for l in lines:
        w = l.split(' ')
        if w[0] != key:
            continue
        wk = w[1] if worker else ''
        rest = w[2:] if worker else w[1:]
        s, d = seen.setdefault(wk, (set(), [0]))
        if rest[0] == 'dups':
            d[0] += int(rest[1])
        else:
            a, b = rest[0].split('-')
            s.update(range(int(a), int(b) + 1))
    return {k: (v[0], v[1][0]) for k, v in seen.items()}


def facts(lines, key):
    return [l.split(' ')[1:] for l in lines if l.split(' ')[0] == key]


def fact(lines, key):
    f = facts(lines, key)
    return f[0] if f else None


def check_systemd(lines, args):
    t = truths(lines)
    if fact(lines, 'pid1') != ['systemd']:
        fail(f'PID 1 is {fact(lines, "pid1")}, not systemd')
    if fact(lines, 'enabled') != ['enabled'] or fact(lines, 'active') != ['active']:
        fail(f'minisnoop.service as installed: {fact(lines, "enabled")} {fact(lines, "active")}, '
             'expected enabled and active')
    if fact(lines, 'verify-rc') != ['0'] or [l for l in lines if l.startswith('verify| ')]:
        fail(f'systemd-analyze verify minisnoop.service in the guest: {fact(lines, "verify-rc")} '
             f'{[l for l in lines if l.startswith("verify| ")][:3]}')
    warn = [l for l in lines if l.startswith('boot-warning| ')]
    if warn:
        fail(f'the boot\'s journal: {warn[:3]}')
    if fact(lines, 'early') != ['rsyslogd-seen']:
        fail('rsyslogd\'s exec (after sysinit.target) not in minisnoop\'s journal: not started early')
    # installed: standard output to the journal
    evA = events(lines, 'out A')
    for n in ('A1', 'A2'):
        if n in t:
            match(n, t[n], evA, 'installed unit (journal)')
        else:
            fail(f'no truth for {n}')
    # capabilities: at Debian's perf_event_paranoid (3), CAP_SYS_ADMIN is needed; at 2,
    # CAP_BPF and CAP_PERFMON suffice and each is needed
    par = (fact(lines, 'paranoid') or ['?'])[0]
    want = {(par, 'CAP_SYS_ADMIN'): par in ('0', '1', '2', '-1'),
            ('2', 'CAP_SYS_ADMIN'): True,
            ('2', 'CAP_SYS_ADMIN,CAP_BPF'): False,
            ('2', 'CAP_SYS_ADMIN,CAP_PERFMON'): False}
    got = {}
    for x in facts(lines, 'cap'):
        got[(x[0].split('=')[1], x[1].split('=')[1])] = x[2] == 'active'
    for k, ok in want.items():
        if k not in got:
            fail(f'capabilities: no run at paranoid {k[0]} without {k[1]}')
        elif got[k] != ok:
            fail(f'capabilities: at paranoid {k[0]} without {k[1]}: '
                 f'{"tracing" if got[k] else "failed"}, expected {"tracing" if ok else "failed"}')
    for x in facts(lines, 'cap-msg'):
        if x[0] == 'paranoid=' + par and x[1] == 'without=CAP_SYS_ADMIN':
            notes.append(f'at perf_event_paranoid {par} without CAP_SYS_ADMIN: {" ".join(x[2:])[:100]}')
    # file: the shipped drop-in
    for name in ('noptrace', 'file', 'gap', 'storm'):
        r = [x for x in facts(lines, 'restart-rc') if x[0] == name]
        if not r or r[0][1:] != ['0', 'active']:
            fail(f'systemctl restart ({name}): {r}')
    ri = fact(lines, 'reload-installed')
    if not ri or ri[0] == '0' or ri[1] != 'active':
        fail(f'systemctl reload of the unit as installed (no -w): {ri}, expected refused and still active')
    rf = fact(lines, 'reload-file')
    if not rf or rf[:2] != ['0', 'active']:
        fail(f'systemctl reload with write-file.conf: {rf}, expected 0 and active')
    evB = events(lines, 'out B')
    for n in ('B1', 'B2'):
        if n in t:
            match(n, t[n], evB, 'write-file.conf (-w)')
        else:
            fail(f'no truth for {n}')
    if fact(lines, 'file-mode') != ['600', 'root'] or fact(lines, 'logdir') != ['700', 'root']:
        fail(f'-w file mode {fact(lines, "file-mode")}, directory {fact(lines, "logdir")}: '
             'expected 600 and 700, root')
    # gap: the markers missing are one run, all started during the restart
    gt = {int(x[0]): float(x[1]) for x in facts(lines, 'gt')}
    seen = ranges(lines, 'gap-seen').get('', (set(), 0))
    rt = [x for x in facts(lines, 'restart-time') if x[0] == 'gap']
    if not gt or not rt:
        fail('no restart gap measured')
    else:
        t0, t1 = float(rt[0][1]), float(rt[0][2])
        n = max(gt)
        if sorted(gt) != list(range(1, n + 1)):
            fail('gap: the markers run are not 1..N')
        missing = sorted(set(gt) - seen[0])
        extra = seen[0] - set(gt)
        if extra or seen[1]:
            fail(f'gap: markers seen that were not run ({sorted(extra)[:5]}) or twice ({seen[1]})')
        if missing and missing != list(range(missing[0], missing[-1] + 1)):
            fail(f'gap: the missing markers are not one run: {missing[:20]}')
        early = [i for i in missing if gt[i] < t0]
        if early:
            fail(f'gap: markers started before systemctl restart are missing: {early[:10]}')
        # restart returns once the new one traces (ExecStartPost waits for its pid file)
        late = [i for i in missing if gt[i] > t1]
        if late:
            fail(f'gap: markers started after systemctl restart returned are missing: {late[:10]}')
        if missing:
            before = missing[0] - 1
            after = missing[-1] + 1
            g = (gt.get(after, t1) - gt.get(before, t0)) * 1000
            notes.append(f'restart gap {g:.0f} ms ({len(missing)} of {n} markers missed, '
                         f'systemctl restart {1000 * (t1 - t0):.0f} ms)')
            if missing[-1] == n:
                fail('gap: no marker seen after the restart')
        else:
            notes.append(f'restart gap: no marker missed of {n} (systemctl restart {1000 * (t1 - t0):.0f} ms)')
    # storm: -w --rotate 16k
    st = fact(lines, 'storm')
    files = facts(lines, 'storm-file')
    if not st:
        fail('no storm')
    else:
        n = int(st[0])
        sseen = ranges(lines, 'storm-seen', worker=True)
        for w in ('1', '2'):
            s, d = sseen.get(w, (set(), 0))
            if s != set(range(1, n + 1)) or d:
                fail(f'storm worker {w}: {len(s)} of {n} execs in the files, {d} twice; missing '
                     f'{sorted(set(range(1, n + 1)) - s)[:10]}')
        total = 0
        for name, size, count, bad, last in files:
            total += int(count)
            if int(bad) or last != '0a':
                fail(f'storm: {name}: {bad} malformed lines, last byte {last}')
            if int(size) > 16384:
                fail(f'storm: {name}: {size} bytes, over --rotate 16k')
        if len(files) < 3:
            fail(f'storm: {len(files)} files: it did not rotate')
        summ = ' '.join(fact(lines, 'storm-summary') or [])
        m = re.search(r'(\d+) events, (\d+) lost', summ)
        if not m or m.group(2) != '0':
            fail(f'storm: minisnoop\'s summary {summ!r}: expected 0 lost')
        elif int(m.group(1)) != total:
            fail(f'storm: {total} lines in the files, the summary says {m.group(1)} events')
        secs = float(st[3]) - float(st[2])
        notes.append(f'storm {2 * n} execs in {secs:.1f} s, {total} lines in {len(files)} files, none lost or split')
    evC = events(lines, 'out C')
    if 'C1' in t:
        match('C1', t['C1'], evC, '-o +cwd -w --rotate', cwd=True)
        # the unit's own mount namespace (its sandbox) must not make every process look
        # as if it were in another one: root is null for the host's processes (minisnoop
        # takes init's namespace as its reference: CAP_SYS_PTRACE in the unit)
        c = [e for e in evC if e.get('args') == t['C1']['args']]
        if c and ('root' not in c[0] or c[0]['root'] is not None):
            fail(f'-o root in the sandboxed unit: root {c[0].get("root", "absent")!r} for a '
                 'process of the host\'s mount namespace, expected null')
        if c and str(c[0].get('mntns')) != (fact(lines, 'ns-mnt') or ['?'])[0]:
            fail(f'-o mntns {c[0].get("mntns")!r}, init\'s is {fact(lines, "ns-mnt")}')
    # without CAP_SYS_PTRACE: /proc/1/ns/mnt unreadable, the unit's own namespace taken
    # (why the unit has it): root "/" for the host's processes
    evR = events(lines, 'out R')
    if 'R1' in t:
        r = [e for e in evR if e.get('args') == t['R1']['args']]
        if len(r) != 1:
            fail(f'-o root without CAP_SYS_PTRACE: {len(r)} events of R1, expected 1')
        elif r[0].get('root') is None:
            notes.append('without CAP_SYS_PTRACE root is null too: the capability is not needed here')
        else:
            notes.append(f'without CAP_SYS_PTRACE: root {r[0].get("root")!r} for a host process '
                         '(init\'s namespace unreadable): CAP_SYS_PTRACE needed')
    else:
        fail('no truth for R1')
    # once attached no capability is held
    caps = ' '.join(fact(lines, 'caps') or [])
    for k in ('CapPrm', 'CapEff', 'CapAmb'):
        m = re.search(k + r': ([0-9a-f]+)', caps)
        if not m or int(m.group(1), 16):
            fail(f'minisnoop in the unit, attached: {k} {m.group(1) if m else "absent"}, expected 0 ({caps})')
    # security
    exp = {}
    for l in lines:
        m = re.match(r'security (\S+)\| .*Overall exposure level for \S+: ([0-9.]+) (\S+)', l)
        if m:
            exp[m.group(1)] = (float(m.group(2)), m.group(3))
    if any(u not in exp for u in ('minisnoop-plain', 'minisnoop', 'minisnoop-perfmon', 'minisnoop-noptrace')):
        fail(f'systemd-analyze security: no exposure level ({exp})')
    else:
        notes.append('systemd-analyze security: ' + ', '.join(
            f'{exp[u][0]} {exp[u][1]} {w}' for u, w in (
                ('minisnoop-plain', 'plain unit'), ('minisnoop', 'as shipped'),
                ('minisnoop-perfmon', 'without CAP_SYS_ADMIN (paranoid <= 2)'),
                ('minisnoop-noptrace', 'without CAP_SYS_PTRACE'))))
        # the shipped unit: systemd's "OK" band (below 2.0); any hardening lost shows
        if exp['minisnoop'][0] >= 2.0 or exp['minisnoop-perfmon'][0] > exp['minisnoop'][0]:
            fail(f'systemd-analyze security: {exp}, expected the shipped unit below 2.0')
    for name in ('journal', 'journal-big', 'syslog-default', 'syslog-local0', 'kmsg'):
        r = [x for x in facts(lines, 'restart-rc') if x[0] == name]
        if not r or r[0][1:] != ['0', 'active']:
            fail(f'systemctl restart ({name}): {r}')
    jo = ' '.join(fact(lines, 'journal-options') or [])
    if '--journal' not in jo:
        fail(f'the installed journal.conf drop-in: ExecStart {jo!r}, no --journal')
    check_journal(lines, t)
    check_syslog(lines, t)
    evK = events(lines, 'out K')
    if 'K1' in t:
        match('K1', t['K1'], evK, '--kmsg drop-in (dmesg)')
    else:
        fail('no truth for K1')
    if fact(lines, 'done') is None:
        fail('the guest did not finish')


def journal_value(e, key):
    """a journal JSON field: a string, or an array of bytes (binary-safe), or an array of those
    (a field given more than once)"""
    v = e.get(key)
    if isinstance(v, list) and v and all(isinstance(x, int) for x in v):
        return bytes(v).decode('utf-8', 'surrogateescape')
    return v


def check_journal(lines, t):
    """--journal through the installed journal.conf: `journalctl -o json` entries whose fields
    are exactly sinks18's: MINISNOOP_ARGV (each argument followed by a NUL), ARGS (joined with
    spaces), ARGC, PID, PPID, UID, CWD, EXE, COMM, FILENAME, RET, EVENT, TRUNCATED, and the
    journal's own PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, _SYSTEMD_UNIT."""
    evs = []
    for l in lines:
        if l.startswith('out J| '):
            try:
                evs.append(json.loads(l[7:]))
            except ValueError:
                fail(f'--journal: not JSON: {l[:100]}')
    exe = {x[0]: x[1] for x in facts(lines, 'exe')}
    for n in ('J1', 'J2'):
        if n not in t:
            fail(f'no truth for {n}')
            continue
        tr = t[n]
        argv = ''.join(a + '\0' for a in tr['args'])
        found = [e for e in evs if journal_value(e, 'MINISNOOP_ARGV') == argv]
        if len(found) != 1:
            fail(f'--journal: {n} {tr["args"]!r}: {len(found)} entries with that MINISNOOP_ARGV, expected 1')
            continue
        e = found[0]
        want = {'MINISNOOP_EVENT': 'exec', 'MINISNOOP_PID': tr['pid'], 'MINISNOOP_PPID': tr['ppid'],
                'MINISNOOP_UID': tr['uid'], 'MINISNOOP_CWD': tr['cwd'], 'MINISNOOP_RET': 0,
                'MINISNOOP_ARGC': len(tr['args']), 'MINISNOOP_ARGS': ' '.join(tr['args']),
                'MINISNOOP_FILENAME': tr['args'][0], 'MINISNOOP_EXE': exe.get(n),
                'MINISNOOP_COMM': tr['args'][0].rsplit('/', 1)[-1], 'MINISNOOP_TRUNCATED': 'false',
                'PRIORITY': 6, 'SYSLOG_FACILITY': 10, 'SYSLOG_IDENTIFIER': 'minisnoop',
                '_SYSTEMD_UNIT': 'minisnoop.service'}
        for k, w in want.items():
            if journal_value(e, k) != str(w):
                fail(f'--journal: {n}: {k} {journal_value(e, k)!r}, really {str(w)!r}')
        m = journal_value(e, 'MESSAGE') or ''
        if tr['args'][1] not in m:
            fail(f'--journal: {n}: MESSAGE {m[:80]!r} without {tr["args"][1]!r}')
    # an entry past a datagram: -j -e, 15 arguments and 15 variables of 1000 control bytes
    if 'J3' not in t:
        fail('no truth for J3')
        return
    ctl = '\1' * 1000
    args = ['/bin/true', 'msk-J3'] + [ctl] * 15
    env = ''.join(f'V{i:02d}={ctl}\0' for i in range(15))
    big = []
    for l in lines:
        if l.startswith('out J3| '):
            try:
                big.append(json.loads(l[8:]))
            except ValueError:
                fail(f'--journal (big): not JSON: {l[:100]}')
    hit = [e for e in big if journal_value(e, 'MINISNOOP_ARGV') == ''.join(a + '\0' for a in args)]
    if len(hit) != 1:
        fail(f'--journal: J3 (an entry past a datagram): {len(hit)} entries with its exact ARGV '
             f'of {len(args)} arguments, expected 1 ({len(big)} of its pid)')
        return
    e = hit[0]
    if journal_value(e, 'MINISNOOP_ENV') != env or journal_value(e, 'MINISNOOP_ENV_TRUNCATED') != 'false':
        v = journal_value(e, 'MINISNOOP_ENV')
        fail(f'--journal: J3: MINISNOOP_ENV {len(v) if v else v!r} bytes, want {len(env)}, exact')
    # MESSAGE alone (-j: each control byte 6 in JSON) is past the datagram's limit
    size = 6 * 2 * 15 * 1000 + len(env) + 2 * sum(len(a) + 1 for a in args)
    wmem = int((fact(lines, 'wmem') or ['0'])[0])
    if size <= wmem:
        fail(f'--journal: J3: the entry ({size} bytes at least) fits a datagram ({wmem}): memfd not tried')
    else:
        notes.append(f'--journal: an entry of over {size // 1024} KiB (past wmem_default {wmem}) '
                     'through the real journald, ARGV and ENV exact')


def check_syslog(lines, t):
    """--syslog with Debian's rsyslog.conf: the default facility, authpriv, only in
    /var/log/auth.log; local0 in /var/log/syslog only. Each line the RFC 3164 tag and the
    event's JSON object, exact."""
    for fac, file, other in (('default', 'auth.log', 'syslog'), ('local0', 'syslog', 'auth.log')):
        n = f'S-{fac}'
        if n not in t:
            fail(f'no truth for {n}')
            continue
        evs = events(lines, f'out {n} {file}')
        match(n, t[n], evs, f'--syslog ({fac}) in /var/log/{file}', cwd=False)
        raw = [l for l in lines if l.startswith(f'out {n} {file}| ')]
        if raw and not re.search(r' minisnoop\[\d+\]: \{', raw[0]):
            fail(f'--syslog ({fac}): /var/log/{file} line without the tag minisnoop[PID]: {raw[0][:120]!r}')
        leak = [l for l in lines if l.startswith(f'out {n} {other}| ')]
        if leak:
            fail(f'--syslog ({fac}): also in /var/log/{other}: {leak[0][:120]!r}')


def check_busybox(lines, args):
    t = truths(lines)
    b = fact(lines, 'begin')
    sink = b[1].split('=')[1] if b and len(b) > 1 else '?'
    if sink != 'kmsg':
        fail(f'busybox: sink {sink}, expected kmsg')
    if fact(lines, 'devkmsg') != ['on']:
        fail(f'busybox: printk_devkmsg {fact(lines, "devkmsg")}, expected on (printk.devkmsg=on)')
    if fact(lines, 'start-rc') != ['0']:
        fail(f'S01minisnoop start: {fact(lines, "start-rc")}: {facts(lines, "start|")}')
    for k in ('reload-rc', 'stop-rc'):
        if fact(lines, k) != ['0']:
            fail(f'S01minisnoop {k[:-3]}: exit {fact(lines, k)}')
    if not (fact(lines, 'status-after-reload') or [''])[0:2] == ['minisnoop:', 'running,']:
        fail(f'after reload: {fact(lines, "status-after-reload")}')
    if fact(lines, 'pidfile-gone') is None:
        fail('the pid file was left after stop')
    if fact(lines, 'pid1') != ['1']:
        fail(f'the guest did not run as PID 1: {fact(lines, "pid1")}')
    evs = events(lines, 'out')
    for n in ('I1', 'I2', 'I3', 'I4'):
        if n in t:
            match(n, t[n], evs, f'busybox ({sink})')
        else:
            fail(f'no truth for {n}')
    # every one of the loop's execs (past the kernel's default limit) in dmesg, once
    n = int((fact(lines, 'loop') or ['0'])[0])
    got = sorted(int(e['args'][3]) for e in evs if e.get('args', [''] * 3)[2:3] == ['msk-L'])
    if not n or got != list(range(1, n + 1)):
        fail(f'busybox: {len(got)} of the {n} loop execs in dmesg (printk.devkmsg=on: all), '
             f'missing {sorted(set(range(1, n + 1)) - set(got))[:10]}')
    sup = [l for l in lines if l.startswith('suppressed| ')]
    if sup:
        fail(f'busybox: the kernel suppressed minisnoop\'s records: {sup[0]}')
    # ratelimit: said at start, and the summary counts what the limit dropped
    err = ' '.join(l[8:] for l in lines if l.startswith('rl-err| '))
    if 'printk.devkmsg=ratelimit' not in err:
        fail(f'busybox: --kmsg under ratelimit did not say so at start: {err[:200]!r}')
    m = re.search(r'(\d+) events, (\d+) lost.* (\d+) dropped by the rate limit', err)
    rec = int((fact(lines, 'rl-records') or ['-1'])[0])
    if fact(lines, 'rl-rc') != ['0'] or not m:
        fail(f'busybox: --kmsg under ratelimit: exit {fact(lines, "rl-rc")}, summary {err[-200:]!r}')
    elif not int(m.group(3)) or rec < 1 or rec >= 30:
        fail(f'busybox: --kmsg under ratelimit: {m.group(3)} dropped by the rate limit, '
             f'{rec} of 30 marker execs in dmesg: expected some of each')
    elif int(m.group(1)) - int(m.group(3)) != int((fact(lines, 'rl-total') or ['-1'])[0]):
        fail(f'busybox: --kmsg under ratelimit: {m.group(1)} events less {m.group(3)} dropped, '
             f'but {fact(lines, "rl-total")} of its records in dmesg')
    else:
        notes.append(f'--kmsg under printk.devkmsg=ratelimit: {m.group(1)} events, {m.group(3)} '
                     f'dropped by the rate limit (counted, said), {rec} of 30 markers in dmesg')
    if fact(lines, 'done') is None:
        fail('the guest did not finish')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('--case', required=True, choices=['systemd', 'busybox'])
    ap.add_argument('--boot', default='?')
    args = ap.parse_args()
    tag = '@@sd' if args.case == 'systemd' else '@@bb'
    lines = read_console(args.log, tag)
    if not lines:
        fail(f'no {tag} line on the console')
    else:
        try:
            (check_systemd if args.case == 'systemd' else check_busybox)(lines, args)
        except (KeyError, ValueError, IndexError) as e:
            fail(f'malformed guest output: {e!r}')
    label = f'service {args.case}'
    if fails:
        print(f'{label}: FAILED (boot {args.boot} s)')
        for f in fails:
            print(f'    {f}')
        for n in notes:
            print(f'    note: {n}')
        return 1
    print(f'{label}: ok (boot and test {args.boot} s)')
    for n in notes:
        print(f'    {n}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
