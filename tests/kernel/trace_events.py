# SPDX-License-Identifier: MIT
"""test_trace's checker: minisnoop -j's stdout, the base keys only.

Fails (exit 1) on any line that is not exactly one JSON object with the documented keys and
types, or whose time is not now; prints one normalized line per event:
  EV pid ppid uid ret truncated x<comm hex> x<filename hex> nargs x<arg hex>...
"""
import datetime

from snoop_json import TIME, h, main

KEYS = {'time', 'pid', 'ppid', 'uid', 'comm', 'ret', 'filename', 'args', 'truncated'}
NOW = datetime.datetime.now(datetime.timezone.utc)


def check(o):
    if type(o) is not dict or set(o) != KEYS:
        raise ValueError('not an object with exactly the keys %s' % sorted(KEYS))
    for k in ('pid', 'ppid', 'uid', 'ret'):
        if type(o[k]) is not int:
            raise ValueError('%s is not an integer' % k)
    for k in ('time', 'comm', 'filename'):
        if type(o[k]) is not str:
            raise ValueError('%s is not a string' % k)
    if type(o['truncated']) is not bool:
        raise ValueError('truncated is not a boolean')
    if type(o['args']) is not list or any(type(a) is not str for a in o['args']):
        raise ValueError('args is not a list of strings')
    if not TIME.fullmatch(o['time']):
        raise ValueError('time is not RFC 3339 UTC with microseconds')
    t = datetime.datetime.strptime(o['time'], '%Y-%m-%dT%H:%M:%S.%fZ')
    t = t.replace(tzinfo=datetime.timezone.utc)
    if abs((t - NOW).total_seconds()) > 600:
        raise ValueError('time is not now (%s)' % NOW)


def line_of(o):
    check(o)
    return 'EV %d %d %d %d %d %s %s %d %s' % (o['pid'], o['ppid'], o['uid'], o['ret'],
        o['truncated'], h(o['comm']), h(o['filename']), len(o['args']),
        ' '.join(h(a) for a in o['args']))


main(line_of)
