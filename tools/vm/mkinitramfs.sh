#!/usr/bin/env bash
# mkinitramfs.sh KVER OUTPUT
#
# Builds the tiny initramfs run-vm boots: busybox-static, the modules needed to
# mount the host's / over virtio-9p plus overlayfs, and the two init stages.
# Reads /lib/modules/KVER but never writes there.  Output is an uncompressed
# newc cpio: the kernel unpacks it faster than a compressed one under TCG.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Modules the guest needs before it can see its root filesystem.  Their
# dependencies come from modules.dep, so this list names only the leaves.
ROOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

BUSYBOX=${BUSYBOX:-/bin/busybox}

die() { echo "mkinitramfs: $*" >&2; exit 1; }

# Print "NAME PATH" for each module in ROOT_MODULES and its dependencies,
# each one after all of its dependencies (depth-first over modules.dep).
# Names are as modprobe sees them: basename without .ko*, '-' -> '_'.
module_load_order() {
	awk -v roots="${ROOT_MODULES[*]}" '
	function name(p) { sub(/.*\//, "", p); sub(/\.ko.*/, "", p); gsub(/-/, "_", p); return p }
	function visit(n,   i, k, d) {
		if (n in seen) return
		seen[n] = 1
		if (!(n in path)) { print "module " n " not in modules.dep" > "/dev/stderr"; exit 1 }
		k = split(deps[n], d, " ")
		for (i = 1; i <= k; i++) visit(name(d[i]))
		print n, path[n]
	}
	{ sub(/:$/, "", $1); n = name($1); path[n] = $1; $1 = ""; deps[n] = $0 }
	END { k = split(roots, r, " "); for (i = 1; i <= k; i++) visit(r[i]) }
	' "$1"
}

# busybox insmod cannot read compressed modules: store them plain.
copy_module() {
	local src=$1 dst=$2
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*) die "unknown module format: $src" ;;
	esac
}

main() {
	[[ $# -eq 2 ]] || die "usage: mkinitramfs.sh KVER OUTPUT"
	local out=$2 moddir=/lib/modules/$1
	[[ -r $moddir/modules.dep ]] || die "$moddir/modules.dep not found"
	# A dynamic busybox would die in the initramfs with no libc to load.
	if command -v file >/dev/null && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
		die "$BUSYBOX is not statically linked (install busybox-static)"
	fi

	stage=$(mktemp -d) tmp_out=$out.tmp.$$
	trap 'rm -rf "$stage" "$tmp_out"' EXIT
	mkdir -p "$stage"/{bin,dev,proc,sys,mnt/lower,mnt/rw,newroot,modules}

	cp "$BUSYBOX" "$stage/bin/busybox"
	local applet
	for applet in $("$BUSYBOX" --list); do
		[[ $applet == busybox ]] || ln -s busybox "$stage/bin/$applet"
	done

	# Numbered names: stage 1 loads them in glob (= dependency) order.
	local order name path i=0
	order=$(module_load_order "$moddir/modules.dep") || die "cannot resolve modules"
	while read -r name path; do
		copy_module "$moddir/$path" "$stage/modules/$(printf %02d $i)-$name.ko"
		i=$((i + 1))
	done <<<"$order"

	install -m 755 "$here/init-stage1.sh" "$stage/init"
	install -m 755 "$here/guest-init.sh" "$stage/guest-init.sh"

	# Written aside and renamed: concurrent runs may be reading $out.
	(cd "$stage" && find . | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc) >"$tmp_out" 2>/dev/null
	mv -f "$tmp_out" "$out"
}

main "$@"
