#!/run/run-vm/bin/sh
# Stage 2: PID 1 after switch_root, run by the busybox copy in /run/run-vm.
#
# Finishes the guest's mounts, runs the host's command (ctl/cmd.sh) with its
# output on the console, prints the exit marker the host waits for and
# powers off.  From the host, in ctl/: cmd.sh (POSIX sh), cwd, out_dir,
# nonce.  Back to the host: ctl/dmesg.
#
# Every exec costs tens of milliseconds under TCG, so this script keeps to
# shell builtins and busybox applets where it can.

RV=/run/run-vm
CTL=$RV/ctl
# Stage 2 itself uses only its own busybox, whatever the host has installed.
export PATH=$RV/bin

# Stage 1 moved /proc and /dev (devtmpfs) here already; /run is its tmpfs.
mount_system() {
	mount -t sysfs sysfs /sys
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	# udev would create these; e.g. bash's <(...) needs /dev/fd.
	ln -s /proc/self/fd /dev/fd
	ln -s fd/0 /dev/stdin
	ln -s fd/1 /dev/stdout
	ln -s fd/2 /dev/stderr
}

# The host's cwd may lie under /tmp or /run, which are fresh tmpfs in
# here: show the host's directory there again, writable through an overlay
# like the rest of /, or read-only if its path would garble the overlay's
# option string.
expose_cwd() {
	cwd=$(cat $CTL/cwd)
	if [ ! -d "$cwd" ] && [ -d "$RV/host$cwd" ]; then
		mkdir -p "$cwd" $RV/cwd/upper $RV/cwd/work
		case $cwd in
		*[,:\\]*) false ;;
		*) mount -t overlay -o "lowerdir=$RV/host$cwd,upperdir=$RV/cwd/upper,workdir=$RV/cwd/work" overlay "$cwd" ;;
		esac 2>/dev/null || mount --bind "$RV/host$cwd" "$cwd"
	fi
	# Nothing else should wander into a second copy of the host's tree.
	umount -l $RV/host
}

# $VM_OUT_DIR has the same path in the guest as on the host.
mount_out_dir() {
	VM_OUT_DIR=$(cat $CTL/out_dir)
	mkdir -p "$VM_OUT_DIR" &&
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmout "$VM_OUT_DIR" ||
		echo "run-vm: cannot mount the output share on $VM_OUT_DIR"
	export VM_OUT_DIR
}

# The host's /bin/sh runs cmd.sh: busybox sh would prefer its own applets
# (ip, ping, ...) over the host's tools of the same name.
run_command() {
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb LANG=C.UTF-8 IN_RUN_VM=1 \
		/bin/sh $CTL/cmd.sh </dev/null
}

mount_system
ip link set lo up
expose_cwd
mount_out_dir
run_command
rc=$?
sync
dmesg >$CTL/dmesg 2>&1
echo "<<run-vm:$(cat $CTL/nonce):exit=$rc>>"
poweroff -f
