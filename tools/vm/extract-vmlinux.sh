#!/usr/bin/env bash
# extract-vmlinux.sh BZIMAGE OUTPUT
#
# Unpacks the ELF vmlinux from a compressed x86 bzImage so QEMU can start it
# through its PVH entry point: that skips the BIOS boot path and the
# in-guest decompression, which under TCG costs seconds per boot.  Fails
# (exit 1, no OUTPUT) if the image has no PVH entry; run-vm then boots the
# bzImage as usual.
set -euo pipefail

die() { echo "extract-vmlinux: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: extract-vmlinux.sh BZIMAGE OUTPUT"
img=$1 out=$2
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

# Try each compressor whose magic appears in the image, as the kernel's own
# scripts/extract-vmlinux does; trailing data after the stream is expected.
try() { # MAGIC DECOMPRESSOR...
	local magic=$1 off
	shift
	for off in $(grep -aboF -- "$magic" "$img" 2>/dev/null | cut -d: -f1 | head -n 3); do
		tail -c +$((off + 1)) "$img" | "$@" >"$tmp" 2>/dev/null || true
		if [[ $(head -c 4 "$tmp" 2>/dev/null) == $'\x7fELF' ]]; then
			return 0
		fi
	done
	return 1
}

try $'\xfd7zXZ\x00' xz -dc ||
	try $'\x28\xb5\x2f\xfd' zstd -dc ||
	try $'\x1f\x8b\x08' gzip -dc ||
	die "cannot find a compressed vmlinux in $img"

# QEMU boots an ELF kernel only through the Xen PVH entry note (type 0x12).
if command -v readelf >/dev/null &&
	! readelf -n "$tmp" | grep -Eq 'Xen .*(0x00000012|PHYS32_ENTRY)'; then
	die "$img has no PVH entry point"
fi
mv -f "$tmp" "$out"
