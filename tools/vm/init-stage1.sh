#!/bin/sh
# Stage 1, /init of run-vm's initramfs (busybox sh).
#
# Loads the virtio/9p/overlay modules, mounts the host's / (virtfs tag
# "vmroot", read-only) as the lower layer of an overlayfs whose upper layer is
# a tmpfs, and switch_roots into it.  Stage 2 (guest-init.sh) and a copy of
# busybox travel along in a tmpfs on the new /run, so the guest does not
# depend on the host having busybox at any particular path.

# The kernel found no /dev/console in the cpio (creating device nodes needs
# privileges), so open the console ourselves.
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc

fail() {
	echo "run-vm stage 1: $*"
	# No exit marker: the host reports "VM died" (125).
	poweroff -f
}

# "quiet" hides KERN_WARNING, but run-vm must see WARN() splats on the
# console: from here on print everything of level warning and above.
echo 5 >/proc/sys/kernel/printk

for m in /modules/*.ko; do
	insmod "$m" || fail "insmod $m failed"
done

# virtio devices may still be probing; give the 9p channel a moment.
P9OPTS=trans=virtio,version=9p2000.L,msize=262144
i=0
until mount -t 9p -o "ro,$P9OPTS,cache=loose" vmroot /mnt/lower 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "cannot mount the host root (virtfs tag vmroot)"
	sleep 0.1
done

mount -t tmpfs -o mode=0755 rw /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
	overlay /newroot || fail "cannot mount the overlay root"

# /run: fresh tmpfs holding run-vm's own files.
#   bin/   busybox and its applets, for stage 2
#   ctl/   virtfs tag vmctl: command, cwd, out dir from the host
#   host/  the read-only host root, for stage 2 to reach hidden host paths
R=/newroot/run/run-vm
mkdir -p /newroot/run
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run
mkdir -p $R/ctl $R/host
cp -a /bin $R/bin
cp /guest-init.sh $R/guest-init.sh
mount -t 9p -o "$P9OPTS" vmctl $R/ctl || fail "cannot mount the control share (vmctl)"
mount --move /mnt/lower $R/host

# Keep /proc across switch_root: busybox runs its applets via /proc/self/exe,
# which without a guest /proc would resolve in the host's /proc as seen
# through virtfs, i.e. run QEMU's own binary.
mount --move /proc /newroot/proc
mount --move /dev /newroot/dev
exec switch_root /newroot /run/run-vm/bin/sh /run/run-vm/guest-init.sh
