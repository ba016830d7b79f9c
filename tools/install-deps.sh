#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs everything the build, the unit tests and the VM tests need on a
# Debian bookworm machine. Run as root.
set -eu

packages="
	make gcc gcc-12 g++ g++-12 cmake libgtest-dev
	linux-headers-amd64 linux-image-amd64
	qemu-system-x86 qemu-system-data busybox-static kmod xz-utils binutils
	iproute2 iputils-ping ethtool procps python3
	iptables nftables conntrack tcpdump socat python3-scapy strace
	libnl-3-dev libnl-route-3-dev pkg-config dkms
"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (e.g. sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # the list is split on purpose
apt-get install -y -q --no-install-recommends $packages
