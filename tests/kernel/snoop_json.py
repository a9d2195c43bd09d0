# SPDX-License-Identifier: MIT
"""What every JSON checker of the kernel tests starts from (run_python in snoop.c runs them).

h() gives a string's bytes as "x" and hex (surrogateescape brings back what was not UTF-8),
nodup() refuses a repeated key, TIME is the time format. main(line_of) fails (exit 1) on any
line of stdin that is not JSON or that line_of refuses, and prints line_of of each line.
"""
import json
import re
import sys

TIME = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z')


def h(s):
    return 'x' + s.encode('utf-8', 'surrogateescape').hex()


def nodup(kv):
    d = {}
    for k, v in kv:
        if k in d:
            raise ValueError('duplicate key %r' % k)
        d[k] = v
    return d


def main(line_of):
    text = sys.stdin.buffer.read().decode('utf-8')
    if text and not text.endswith('\n'):
        sys.exit('minisnoop JSON output does not end with a newline')
    out = []
    for n, line in enumerate(text.split('\n')[:-1], 1):
        try:
            out.append(line_of(json.loads(line, object_pairs_hook=nodup)) + '\n')
        except Exception as e:
            sys.stderr.write('minisnoop JSON line %d is bad: %s: %r\n' %
                             (n, e, line[:600]))
            sys.exit(1)
    sys.stdout.write(''.join(out))
