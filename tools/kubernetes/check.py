#!/usr/bin/env python3
"""Structural check of tools/kubernetes/daemonset.yaml (kubectl's client-side dry run needs
an API server for discovery, so it cannot run offline): what the manifest promises about
privilege, volumes and resources. Usage: check.py MANIFEST VERSION"""
import re
import sys

import yaml

path, version = sys.argv[1:3]
ALLOWED_CAPS = {'BPF', 'PERFMON', 'DAC_READ_SEARCH', 'SYS_RESOURCE'}


def fail(msg):
    sys.exit('minisnoop: %s: %s' % (path, msg))


def quantity(q):
    """CPU or memory quantity to a number (millicores, bytes)."""
    m = re.fullmatch(r'(\d+)(m|Ki|Mi|Gi)?', str(q))
    if not m:
        fail('quantity %r' % q)
    return int(m.group(1)) * {None: 1000, 'm': 1, 'Ki': 1 << 10, 'Mi': 1 << 20,
                              'Gi': 1 << 30}[m.group(2)]


docs = [d for d in yaml.safe_load_all(open(path)) if d]
if len(docs) != 1 or docs[0].get('apiVersion') != 'apps/v1' or docs[0].get('kind') != 'DaemonSet':
    fail('not one apps/v1 DaemonSet')
ds = docs[0]
spec = ds['spec']
tmpl = spec['template']
labels = tmpl['metadata']['labels']
if any(labels.get(k) != v for k, v in spec['selector']['matchLabels'].items()):
    fail('the selector does not match the template labels')
pod = tmpl['spec']
if pod.get('hostPID') is not True:
    fail('hostPID is not true (pids would be the pod namespace\'s)')
if pod.get('automountServiceAccountToken') is not False:
    fail('automountServiceAccountToken is not false')
for k in ('hostNetwork', 'hostIPC'):
    if pod.get(k):
        fail('%s is set' % k)
volumes = {v['name']: v for v in pod.get('volumes', [])}
if len(pod['containers']) != 1:
    fail('not one container')
c = pod['containers'][0]
if not c['image'].endswith(':' + version):
    fail('image %s is not tagged %s' % (c['image'], version))
sc = c.get('securityContext', {})
if sc.get('privileged') or sc.get('allowPrivilegeEscalation') is not False:
    fail('privileged, or privilege escalation allowed')
if sc.get('readOnlyRootFilesystem') is not True:
    fail('the root file system is not read-only')
caps = sc.get('capabilities', {})
if caps.get('drop') != ['ALL']:
    fail('capabilities: not drop ALL')
if not set(caps.get('add', [])) <= ALLOWED_CAPS:
    fail('capabilities beyond %s: %s' % (sorted(ALLOWED_CAPS), caps.get('add')))
if not {'BPF', 'PERFMON'} <= set(caps.get('add', [])):
    fail('CAP_BPF and CAP_PERFMON are needed')
res = c.get('resources', {})
for kind in ('cpu', 'memory'):
    req, lim = res['requests'][kind], res['limits'][kind]
    if quantity(req) > quantity(lim):
        fail('%s request %s above its limit %s' % (kind, req, lim))
for m in c.get('volumeMounts', []):
    v = volumes.get(m['name'])
    if not v:
        fail('volume %s is mounted but not declared' % m['name'])
    if 'hostPath' in v and m.get('readOnly') is not True:
        fail('host path %s is mounted writable' % v['hostPath']['path'])
mounts = {m['mountPath'] for m in c.get('volumeMounts', [])}
for need in ('/sys/kernel/tracing', '/sys/kernel/btf'):
    if need not in mounts:
        fail('%s is not mounted' % need)
print('%s: DaemonSet ok (hostPID, caps %s, read-only root, no token, %d read-only host paths)'
      % (path, ','.join(caps['add']), len(volumes)))
