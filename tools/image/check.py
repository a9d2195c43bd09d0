#!/usr/bin/env python3
"""Checks an OCI archive of minisnoop: one image, one layer, whose only entry is
/minisnoop, the binary given (same bytes, mode 0755); entrypoint ["/minisnoop", "-j"] and
the version label. Usage: check.py ARCHIVE VERSION BINARY"""
import hashlib
import json
import sys
import tarfile

archive, version, binary = sys.argv[1:4]


def blob(t, digest):
    algo, hexd = digest.split(':', 1)
    return t.extractfile('blobs/%s/%s' % (algo, hexd)).read()


def fail(msg):
    sys.exit('minisnoop: image check: %s' % msg)


with tarfile.open(archive) as t:
    index = json.loads(t.extractfile('index.json').read())
    if len(index['manifests']) != 1:
        fail('%d manifests' % len(index['manifests']))
    manifest = json.loads(blob(t, index['manifests'][0]['digest']))
    config = json.loads(blob(t, manifest['config']['digest']))
    if len(manifest['layers']) != 1:
        fail('%d layers, not one' % len(manifest['layers']))
    layer = blob(t, manifest['layers'][0]['digest'])
import io
with tarfile.open(fileobj=io.BytesIO(layer)) as lt:
    members = lt.getmembers()
    names = [m.name.lstrip('./') for m in members if m.name.strip('./')]
    if names != ['minisnoop']:
        fail('the layer holds %r, not just minisnoop' % names)
    m = [m for m in members if m.name.lstrip('./') == 'minisnoop'][0]
    data = lt.extractfile(m).read()
want = open(binary, 'rb').read()
if hashlib.sha256(data).digest() != hashlib.sha256(want).digest():
    fail('/minisnoop is not %s' % binary)
if not m.isfile() or m.mode & 0o7777 != 0o755:
    fail('/minisnoop: mode %o' % m.mode)
cfg = config.get('config', {})
if cfg.get('Entrypoint') != ['/minisnoop', '-j']:
    fail('entrypoint %r' % cfg.get('Entrypoint'))
if cfg.get('Labels', {}).get('org.opencontainers.image.version') != version:
    fail('version label %r' % cfg.get('Labels'))
print('image: %s: one layer, /minisnoop only (%d bytes), entrypoint /minisnoop -j, version %s'
      % (archive, len(data), version))
