# SPDX-License-Identifier: MIT
"""test_context's checker: minisnoop -j -o ... [-e]'s stdout; argv[1] is the context keys
selected (comma-separated); env brings env_truncated and env_unscanned with it.

Fails (exit 1) on any line that is not exactly one JSON object with the base keys and exactly
those context keys, of their types (null allowed for every context key). Prints one line per
event: "EV" then key=VALUE for every key, sorted, where VALUE is n (null), i:NUMBER, b:0|1,
s:xHEX (the string's bytes) or a:COUNT:xHEX,xHEX,...
"""
import sys

from snoop_json import TIME, h, main

BASE = {'time': 's', 'pid': 'i', 'ppid': 'i', 'uid': 'i', 'comm': 's', 'ret': 'i',
        'filename': 's', 'args': 'a', 'truncated': 'b'}
CTX = {'root': 's', 'cwd': 's', 'exe': 's', 'fileless': 'b', 'euid': 'i', 'gid': 'i', 'egid': 'i',
       'auid': 'i', 'session': 'i', 'tty': 's', 'pcomm': 's', 'pidns': 'i',
       'mntns': 'i', 'nspid': 'i', 'cgroup': 's', 'container': 's', 'pod': 's', 'env': 'a'}
# env brings its own keys: whether strings were left out, bytes the kernel did not scan
ENV_KEYS = {'env_truncated': 'b', 'env_unscanned': 'i'}
want = [k for k in sys.argv[1].split(',') if k]
KEYS = dict(BASE)
for k in want:
    KEYS[k] = CTX[k]
    if k == 'env':
        KEYS.update(ENV_KEYS)


def enc(k, v):
    t = KEYS[k]
    if v is None:
        if k in BASE:
            raise ValueError('%s is null' % k)
        return k + '=n'
    if t == 'i':
        if type(v) is not int:
            raise ValueError('%s is not an integer: %r' % (k, v))
        if k in CTX and not 0 <= v <= 0xffffffff:
            raise ValueError('%s is out of the u32 range: %r' % (k, v))
        return '%s=i:%d' % (k, v)
    if t == 'b':
        if type(v) is not bool:
            raise ValueError('%s is not a boolean: %r' % (k, v))
        return '%s=b:%d' % (k, v)
    if t == 's':
        if type(v) is not str:
            raise ValueError('%s is not a string: %r' % (k, v))
        return '%s=s:%s' % (k, h(v))
    if type(v) is not list or any(type(a) is not str for a in v):
        raise ValueError('%s is not a list of strings' % k)
    return '%s=a:%d:%s' % (k, len(v), ','.join(h(a) for a in v))


def check(o):
    if type(o) is not dict:
        raise ValueError('not an object')
    missing, extra = set(KEYS) - set(o), set(o) - set(KEYS)
    if missing or extra:
        raise ValueError('keys missing: %s, unexpected: %s' % (sorted(missing),
                         sorted(extra)))
    if type(o['time']) is not str or not TIME.fullmatch(o['time']):
        raise ValueError('time is not RFC 3339 UTC with microseconds')


def line_of(o):
    check(o)
    return 'EV ' + ' '.join(enc(k, o[k]) for k in sorted(KEYS))


main(line_of)
