#!/bin/sh
# Builds the OCI image of minisnoop with buildah (tools/deps.sh image), offline, and checks
# that it holds one file, the static binary; `make image` runs it.
# Usage: tools/image/build.sh BINARY VERSION OUTDIR
# Leaves OUTDIR/minisnoop-VERSION.oci.tar (an OCI archive: `podman load -i` or
# `skopeo copy oci-archive:...` to a registry) and tags localhost/minisnoop:VERSION in
# buildah's storage under OUTDIR/storage (kept out of the system's).
set -eu
bin=${1:?binary} version=${2:?version} out=${3:?output directory}
here=$(dirname "$0")
command -v buildah >/dev/null || { echo "minisnoop: buildah not found (tools/deps.sh image)" >&2; exit 1; }
file "$bin" 2>/dev/null | grep -q 'statically linked' || {
	# no `file`: ldd says "not a dynamic executable" for a static one
	ldd "$bin" 2>&1 | grep -q 'not a dynamic executable' || { echo "minisnoop: $bin is not static" >&2; exit 1; }
}
mkdir -p "$out/context"
cp "$bin" "$out/context/minisnoop"
chmod 0755 "$out/context/minisnoop"
strip "$out/context/minisnoop" 2>/dev/null || true
# vfs: no overlay mount needed; the storage is the build's own
b="buildah --root $(realpath "$out")/storage --runroot $(realpath "$out")/run --storage-driver vfs"
tag="localhost/minisnoop:$version"
$b build --quiet --pull=never --network=none --layers=false --build-arg "VERSION=$version" \
	-f "$here/Containerfile" -t "$tag" "$out/context" >/dev/null
rm -f "$out/minisnoop-$version.oci.tar"
$b push --quiet "$tag" "oci-archive:$out/minisnoop-$version.oci.tar:$tag" >/dev/null
python3 "$here/check.py" "$out/minisnoop-$version.oci.tar" "$version" "$out/context/minisnoop"
