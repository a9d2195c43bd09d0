# SPDX-License-Identifier: MIT
"""test_life's checker: minisnoop --exit -j's stdout (exec, exit and running lines, issue 17).

Fails (exit 1) on any line that is not one JSON object with exactly the keys of its event and
their types: an exec line has the base keys, event, id and parent_id; a running line
(--existing) the same, ret and filename null; an exit line has pid, ppid, uid, comm, tid,
exit_code, signal, core, age, id and parent_id. Any of them may have ancestors (-o ancestors):
null, or a list of {pid, id, comm, args, truncated}. An id is 16 hex digits or null. Prints one
normalized line per event ("-" for null):
  EV event pid ppid tid id parent_id exit_code signal core age_ms x<comm hex> ANCESTORS
ANCESTORS: "-" without the key, "null", "[]", or the ancestors parent first, comma-separated,
each pid/id/x<comm hex>/x<hex of the arguments joined by NULs>/t or f (truncated).
"""
import re

from snoop_json import TIME, h, main

EXEC = {'event', 'time', 'pid', 'ppid', 'uid', 'comm', 'ret', 'filename', 'args', 'truncated',
        'id', 'parent_id'}
EXIT = {'event', 'time', 'pid', 'ppid', 'uid', 'comm', 'tid', 'exit_code', 'signal', 'core',
        'age', 'id', 'parent_id'}
ID = re.compile(r'[0-9a-f]{16}')


def typed(o, key, types):
    if type(o[key]) not in types:
        raise ValueError('%s is %r, not of %s' % (key, o[key], types))


def word(v):
    if v is None:
        return '-'
    if type(v) is bool:
        return 'true' if v else 'false'
    return str(v)


def ancestors(o):
    if 'ancestors' not in o:
        return '-'
    a = o['ancestors']
    if a is None:
        return 'null'
    if type(a) is not list:
        raise ValueError('ancestors is not a list')
    if not a:
        return '[]'
    words = []
    for e in a:
        if type(e) is not dict or list(e) != ['pid', 'id', 'comm', 'args', 'truncated']:
            raise ValueError('an ancestor is not {pid, id, comm, args, truncated}: %r' % e)
        typed(e, 'pid', (int,))
        typed(e, 'id', (str, type(None)))
        if e['id'] is not None and not ID.fullmatch(e['id']):
            raise ValueError('an ancestor id is not 16 hex digits: %r' % e['id'])
        typed(e, 'comm', (str,))
        typed(e, 'args', (list,))
        typed(e, 'truncated', (bool,))
        for x in e['args']:
            if type(x) is not str:
                raise ValueError('an ancestor argument is not a string')
        words.append('%d/%s/%s/%s/%s' % (e['pid'], word(e['id']), h(e['comm']),
                                         h('\0'.join(e['args'])), 't' if e['truncated'] else 'f'))
    return ','.join(words)


def line_of(o):
    if type(o) is not dict or o.get('event') not in ('exec', 'exit', 'running'):
        raise ValueError('not an object with event "exec", "exit" or "running"')
    if list(o)[0] != 'event':
        raise ValueError('event is not the first key')
    keys = EXIT if o['event'] == 'exit' else EXEC
    if 'ancestors' in o:
        keys = keys | {'ancestors'}
    if set(o) != keys:
        raise ValueError('keys missing: %s, unexpected: %s' %
                         (sorted(keys - set(o)), sorted(set(o) - keys)))
    if not TIME.fullmatch(o['time']):
        raise ValueError('time is not RFC 3339 UTC with microseconds')
    for k in ('pid', 'ppid', 'uid'):
        typed(o, k, (int,))
    typed(o, 'comm', (str,))
    for k in ('id', 'parent_id'):
        typed(o, k, (str, type(None)))
        if o[k] is not None and not ID.fullmatch(o[k]):
            raise ValueError('%s is not 16 hex digits: %r' % (k, o[k]))
    tid = code = sig = core = age = None
    if o['event'] == 'running' and (o['ret'] is not None or o['filename'] is not None):
        raise ValueError('a running line has a ret or a filename')
    if o['event'] == 'exec':
        typed(o, 'ret', (int,))
        typed(o, 'filename', (str,))
    if o['event'] == 'exit':
        typed(o, 'tid', (int,))
        for k in ('exit_code', 'signal'):
            typed(o, k, (int, type(None)))
        typed(o, 'core', (bool, type(None)))
        typed(o, 'age', (float, int, type(None)))
        if o['exit_code'] is not None and o['signal'] is not None:
            raise ValueError('both an exit code and a signal')
        tid, code, sig, core = o['tid'], o['exit_code'], o['signal'], o['core']
        age = None if o['age'] is None else round(o['age'] * 1000)
    return 'EV %s %d %d %s %s %s %s %s %s %s %s %s' % (
        o['event'], o['pid'], o['ppid'], word(tid), word(o['id']), word(o['parent_id']),
        word(code), word(sig), word(core), word(age), h(o['comm']), ancestors(o))


main(line_of)
