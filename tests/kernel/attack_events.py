# SPDX-License-Identifier: MIT
"""test_attack's checker: minisnoop -j [-o pidns,nspid]'s stdout.

Prints one line per event: "EV pid ret filename(hex) pidns nspid truncated", pidns and
nspid -1 when null or not asked.
"""
from snoop_json import h, main


def n(v):
    return -1 if v is None else int(v)


def line_of(e):
    return 'EV %d %d %s %d %d %d' % (e['pid'], e['ret'], h(e['filename']),
                                     n(e.get('pidns')), n(e.get('nspid')),
                                     1 if e['truncated'] else 0)


main(line_of)
