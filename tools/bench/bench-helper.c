// SPDX-License-Identifier: GPL-2.0
/*
 * bench-helper: the guest side's measuring and traffic tool for tools/bench.
 *
 * Built on the host by tools/bench/bench (gcc -O2, no dependencies) and run
 * inside the benchmark VM.  Every sub-command that takes -n NS first joins
 * the network namespace /run/netns/NS (setns: no exec of `ip netns exec`).
 *
 *   win [-n NS] [-q] [-s MS] ACTION ...   measure one window (see below)
 *   udpsink [-n NS] PORT                  bind UDP PORT with a tiny receive
 *                                         buffer, then sleep forever (a
 *                                         cheap, ICMP-free drop point)
 *   tcpsink [-n NS] PORT                  accept TCP connections; read each
 *                                         to EOF, answer one byte, close
 *   put [-n NS] FILE VALUE [FILE VALUE]... write VALUE to FILE (sysctls under
 *                                         /proc/sys/net and /proc/net/pktgen
 *                                         are per network namespace)
 *   pgresult [-n NS] DEV                  pktgen's result for DEV: "PKTS USEC ERRORS"
 *   meminfo                               "MemFree Slab Percpu" in KiB, after
 *                                         shrinking every slab cache (empty
 *                                         slabs go back to the page allocator)
 *   addrs [-n NS] PREFIX PER_DEV FROM TO  add 10.(64+k/65536).(k/256%256).(k%256)/32
 *                                         to device PREFIX<k/PER_DEV> for k in
 *                                         [FROM, TO): rtnetlink requests in
 *                                         batches, without iproute2's cost
 *
 * A window: read the CPU's idle time (idle_sleeptime + iowait_sleeptime in
 * /proc/timer_list), read CLOCK_MONOTONIC, run ACTION, optionally wait until
 * only this task is runnable (-q) and sleep MS milliseconds (-s, to let
 * deferred work such as RCU callbacks run), read the clock and the idle time
 * again.  Under QEMU -icount shift=0 guest nanoseconds are guest
 * instructions, so "elapsed - idle" is the instructions the guest executed
 * in the window, whatever the host's load.  Prints one line:
 *     elapsed=NS idle=NS net=NS units=N [extra=...]
 * ACTIONS:
 *   pktgen                         write "start" to /proc/net/pktgen/pgctrl
 *                                  (returns when every pktgen device is done)
 *   udp DST PORT COUNT SIZE        connected UDP socket, sendmmsg() in
 *                                  batches of 64 datagrams of SIZE bytes;
 *                                  units = datagrams sent
 *   tcp DST PORT BYTES             connect, write BYTES in 64 KiB writes,
 *                                  shut down, wait for the sink's answer;
 *                                  units = bytes
 *   arp IFACE COUNT SENDER TARGET  send COUNT broadcast ARP requests on
 *                                  IFACE through a packet socket; units = COUNT
 *   exec CMD [ARG]...              fork, exec, wait; units = 1 (the
 *                                  command's exit status is the helper's)
 *
 * With BENCH_PROFILE_MARK=0xADDR in the environment (bench --profile), a
 * window calls a one-instruction function mapped at ADDR just before its
 * first clock read and just after its last: tools/bench/insn-profile.c
 * (the QEMU plugin) writes its per-block counters at each such mark, to
 * prof.0, prof.1, ...  The helper counts the marks of the whole run in the
 * file BENCH_PROFILE_SEQ and adds "prof=N" to its output: prof.N holds the
 * window.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/if_addr.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "bench-helper: ");
	fprintf(stderr, fmt, arg);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	exit(2);
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static char *read_file(const char *path, size_t *len)
{
	static char *buf;
	static size_t cap;
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die("open %s", path);
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory reading %s", path);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read %s", path);
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* Sum over CPUs of idle_sleeptime + iowait_sleeptime, in ns. */
static long long idle_ns(void)
{
	static const char *const keys[] = { ".idle_sleeptime", ".iowait_sleeptime" };
	char *text = read_file("/proc/timer_list", NULL);
	long long sum = 0;
	int found = 0;
	size_t k;

	for (k = 0; k < 2; k++) {
		char *p = text;

		while ((p = strstr(p, keys[k]))) {
			p = strchr(p, ':');
			if (!p)
				break;
			sum += strtoll(p + 1, NULL, 10);
			found++;
		}
	}
	if (!found) {
		errno = 0;
		die("%s", "no idle_sleeptime in /proc/timer_list");
	}
	return sum;
}

static int running_tasks(void)
{
	char *p = read_file("/proc/loadavg", NULL);
	int run = 0;

	/* "0.00 0.01 0.05 1/123 4567": runnable tasks, this one included */
	if (sscanf(p, "%*s %*s %*s %d/", &run) != 1)
		return 0;
	return run;
}

/* Wait until this task is the only runnable one (all deferred work done). */
static void wait_quiescent(void)
{
	struct sched_param sp = { 0 };
	int i, calm = 0;

	/* SCHED_IDLE: do not preempt the kworker we are waiting for. */
	sched_setscheduler(0, SCHED_IDLE, &sp);
	for (i = 0; i < 60000 && calm < 2; i++) {
		sleep_ms(1);
		calm = running_tasks() <= 1 ? calm + 1 : 0;
	}
	sched_setscheduler(0, SCHED_OTHER, &sp);
}

static void join_netns(const char *ns)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s", path);
	if (setns(fd, CLONE_NEWNET))
		die("setns %s", path);
	close(fd);
}

static void write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	size_t n = strlen(val);

	if (fd < 0)
		die("open %s", path);
	if (write(fd, val, n) != (ssize_t)n) {
		/* pktgen reports errors in the file, not in errno */
		die("write to %s failed", path);
	}
	close(fd);
}

static struct sockaddr_in parse_addr(const char *ip, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		errno = 0;
		die("bad IPv4 address %s", ip);
	}
	return a;
}

/* ------------------------------------------------------------ actions */

static long long act_pktgen(void)
{
	write_str("/proc/net/pktgen/pgctrl", "start\n");
	return 0;	/* the caller reads the count with pgresult */
}

static int udp_sock;
static struct mmsghdr *udp_msgs;

static void udp_prepare(char **argv)
{
	struct sockaddr_in dst = parse_addr(argv[0], argv[1]);
	size_t size = atoi(argv[3]);
	static struct iovec iov;
	int i;

	udp_sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp_sock < 0 || connect(udp_sock, (void *)&dst, sizeof(dst)))
		die("udp socket to %s", argv[0]);
	iov.iov_base = calloc(1, size ? size : 1);
	iov.iov_len = size;
	udp_msgs = calloc(64, sizeof(*udp_msgs));
	for (i = 0; i < 64; i++) {
		udp_msgs[i].msg_hdr.msg_iov = &iov;
		udp_msgs[i].msg_hdr.msg_iovlen = 1;
	}
}

static long long act_udp(char **argv)
{
	long long count = atoll(argv[2]), sent = 0, tries = 0;

	while (sent < count && tries < 4 * count) {
		int n = count - sent < 64 ? count - sent : 64;
		int r = sendmmsg(udp_sock, udp_msgs, n, 0);

		tries += n;
		if (r > 0)
			sent += r;
	}
	return sent;
}

static int tcp_sock;

static void tcp_prepare(char **argv)
{
	struct sockaddr_in dst = parse_addr(argv[0], argv[1]);
	int one = 1;

	tcp_sock = socket(AF_INET, SOCK_STREAM, 0);
	if (tcp_sock < 0)
		die("%s", "tcp socket");
	setsockopt(tcp_sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(tcp_sock, (void *)&dst, sizeof(dst)))
		die("tcp connect to %s", argv[0]);
}

static long long act_tcp(char **argv)
{
	long long total = atoll(argv[2]), done = 0;
	static char buf[65536];
	char ack;

	while (done < total) {
		size_t n = total - done < (long long)sizeof(buf) ? (size_t)(total - done) : sizeof(buf);
		ssize_t r = write(tcp_sock, buf, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("%s", "tcp write");
		}
		done += r;
	}
	shutdown(tcp_sock, SHUT_WR);
	if (read(tcp_sock, &ack, 1) != 1)
		die("%s", "tcp: no answer from the sink");
	close(tcp_sock);
	return done;
}

static int arp_sock;
static struct sockaddr_ll arp_to;
static unsigned char arp_frame[60];

static void arp_prepare(char **argv)
{
	struct ifreq ifr = { 0 };
	unsigned char *f = arp_frame;
	struct in_addr sip, tip;

	arp_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	if (arp_sock < 0)
		die("%s", "packet socket");
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[0]);
	if (ioctl(arp_sock, SIOCGIFINDEX, &ifr))
		die("no interface %s", argv[0]);
	arp_to.sll_family = AF_PACKET;
	arp_to.sll_ifindex = ifr.ifr_ifindex;
	arp_to.sll_protocol = htons(ETH_P_ARP);
	if (ioctl(arp_sock, SIOCGIFHWADDR, &ifr))
		die("no MAC address on %s", argv[0]);
	if (inet_pton(AF_INET, argv[2], &sip) != 1 || inet_pton(AF_INET, argv[3], &tip) != 1) {
		errno = 0;
		die("%s", "arp: bad IPv4 address");
	}
	memset(f, 0xff, 6);				/* broadcast */
	memcpy(f + 6, ifr.ifr_hwaddr.sa_data, 6);
	f[12] = 0x08, f[13] = 0x06;			/* ARP */
	f[14] = 0, f[15] = 1;				/* Ethernet */
	f[16] = 0x08, f[17] = 0;			/* IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;	/* request */
	memcpy(f + 22, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(f + 28, &sip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, &tip, 4);
}

static long long act_arp(char **argv)
{
	long long count = atoll(argv[1]), sent = 0, i;

	for (i = 0; i < count; i++)
		if (sendto(arp_sock, arp_frame, sizeof(arp_frame), 0,
			   (void *)&arp_to, sizeof(arp_to)) == sizeof(arp_frame))
			sent++;
	return sent;
}

static int exec_status;

static long long act_exec(char **argv)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		die("%s", "fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	exec_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}

/* The profiler's mark: a `ret` at a fixed user address, so that the QEMU
 * plugin recognises its translation block whatever the kernel's layout. */
static void (*profile_mark_fn)(void);
static long profile_seq = -1;

/* Call the mark and count it in BENCH_PROFILE_SEQ (the plugin's file
 * number of this mark is the count before it). */
static void profile_mark(void)
{
	const char *path = getenv("BENCH_PROFILE_SEQ");
	FILE *f;
	long n = 0;

	profile_mark_fn();
	if (!path)
		die("%s", "BENCH_PROFILE_MARK without BENCH_PROFILE_SEQ");
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	fprintf(f, "%ld\n", n + 1);
	fclose(f);
	profile_seq = n;
}

static void profile_mark_setup(void)
{
	const char *env = getenv("BENCH_PROFILE_MARK");
	void *want, *page;

	if (!env || !*env)
		return;
	want = (void *)(uintptr_t)strtoull(env, NULL, 0);
	page = mmap(want, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (page != want)
		die("cannot map the profile mark at %s", env);
	*(unsigned char *)page = 0xc3;	/* ret */
	profile_mark_fn = (void (*)(void))page;
}

static int cmd_win(int argc, char **argv)
{
	int opt, quiesce = 0;
	long settle = 0;
	long long i0, i1, t0, t1, units;
	const char *act;

	while ((opt = getopt(argc, argv, "+n:qs:")) != -1) {
		switch (opt) {
		case 'n': join_netns(optarg); break;
		case 'q': quiesce = 1; break;
		case 's': settle = atol(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		errno = 0;
		die("%s", "win: no action");
	}
	act = argv[optind];
	/* A window that hangs ends the helper (SIGALRM) instead of the run.
	 * Under -icount an idle guest's clock races ahead, so a wait for
	 * something that never comes times out quickly in real time too. */
	alarm(strcmp(act, "exec") ? 120 : 900);
	argv += optind + 1;
	argc -= optind + 1;
#define NEED(n) do { if (argc < (n)) { errno = 0; die("win %s: missing arguments", act); } } while (0)
	if (!strcmp(act, "udp")) {
		NEED(4);
		udp_prepare(argv);
	} else if (!strcmp(act, "tcp")) {
		NEED(3);
		tcp_prepare(argv);
	} else if (!strcmp(act, "arp")) {
		NEED(4);
		arp_prepare(argv);
	} else if (!strcmp(act, "exec")) {
		NEED(1);
	} else if (strcmp(act, "pktgen")) {
		errno = 0;
		die("unknown action %s", act);
	}

	profile_mark_setup();
	if (profile_mark_fn)
		profile_mark();
	i0 = idle_ns();
	t0 = now_ns();
	if (!strcmp(act, "udp"))
		units = act_udp(argv);
	else if (!strcmp(act, "tcp"))
		units = act_tcp(argv);
	else if (!strcmp(act, "arp"))
		units = act_arp(argv);
	else if (!strcmp(act, "exec"))
		units = act_exec(argv);
	else
		units = act_pktgen();
	if (quiesce)
		wait_quiescent();
	if (settle)
		sleep_ms(settle);
	t1 = now_ns();
	i1 = idle_ns();
	if (profile_mark_fn)
		profile_mark();
	printf("elapsed=%lld idle=%lld net=%lld units=%lld",
	       t1 - t0, i1 - i0, (t1 - t0) - (i1 - i0), units);
	if (profile_mark_fn)
		printf(" prof=%ld", profile_seq);
	putchar('\n');
	fflush(stdout);
	return exec_status;
}

/* ------------------------------------------------------------- daemons */

static __attribute__((noreturn)) int cmd_udpsink(char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[0])) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), small = 1;

	/* The kernel rounds this up to its minimum: a few queued datagrams,
	 * then every further one is dropped at the socket (no ICMP error). */
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (s < 0 || bind(s, (void *)&a, sizeof(a)))
		die("udpsink: bind port %s", argv[0]);
	for (;;)
		pause();
}

static __attribute__((noreturn)) int cmd_tcpsink(char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[0])) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	static char buf[1 << 17];

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (void *)&a, sizeof(a)) || listen(s, 8))
		die("tcpsink: listen on port %s", argv[0]);
	for (;;) {
		int c = accept(s, NULL, NULL);
		ssize_t r;

		if (c < 0)
			continue;
		while ((r = read(c, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
			;
		r = write(c, "k", 1);
		close(c);
	}
}

static int cmd_put(char **argv, int argc)
{
	int i;

	if (argc % 2) {
		errno = 0;
		die("%s", "put: FILE VALUE pairs expected");
	}
	for (i = 0; i < argc; i += 2) {
		char line[512];

		snprintf(line, sizeof(line), "%s\n", argv[i + 1]);
		write_str(argv[i], line);
	}
	return 0;
}

static int cmd_pgresult(char **argv)
{
	char path[256], *p, *r;
	long long usec = -1, pkts = -1, errs = -1;

	snprintf(path, sizeof(path), "/proc/net/pktgen/%s", argv[0]);
	p = read_file(path, NULL);
	r = strstr(p, "Result: OK:");
	if (r) {
		char *e;

		usec = strtoll(r + 11, NULL, 10);
		e = strstr(r, "usec,");
		if (e)
			pkts = strtoll(e + 5, NULL, 10);
		e = strstr(r, "errors:");
		if (e)
			errs = strtoll(e + 7, NULL, 10);
	}
	printf("%lld %lld %lld\n", pkts, usec, errs);
	return r ? 0 : 1;
}

static long long meminfo_field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

static void shrink_slabs(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd;

		/* aliases are symbolic links to the real caches */
		if (e->d_name[0] == '.' || e->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		fd = open(path, O_WRONLY);
		if (fd >= 0) {
			ssize_t r = write(fd, "1", 1);

			(void)r;
			close(fd);
		}
	}
	closedir(d);
}

static int cmd_meminfo(void)
{
	char *p;

	shrink_slabs();
	p = read_file("/proc/meminfo", NULL);

	printf("%lld %lld %lld\n", meminfo_field(p, "\nMemFree:"),
	       meminfo_field(p, "\nSlab:"), meminfo_field(p, "\nPercpu:"));
	return 0;
}

/* Read the answers to the requests sent so far; fail on any error. */
static void nl_drain(int fd, int *pending)
{
	static char buf[1 << 16];

	while (*pending > 0) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("%s", "netlink recv");
		}
		for (h = (void *)buf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				errno = -e->error;
				die("%s", "RTM_NEWADDR");
			}
			(*pending)--;
		}
	}
}

static int cmd_addrs(char **argv)
{
	const char *prefix = argv[0];
	long per = atol(argv[1]), from = atol(argv[2]), to = atol(argv[3]), k;
	struct sockaddr_nl kern = { .nl_family = AF_NETLINK };
	static char buf[1 << 15];
	size_t len = 0;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int ifindex = 0, pending = 0;
	long dev = -1;

	int rcvbuf = 16 << 20;

	if (fd < 0 || per <= 0)
		die("%s", "addrs: netlink socket");
	/* room for the acks of a whole batch (an skb each) */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	for (k = from; k < to; k++) {
		struct {
			struct nlmsghdr h;
			struct ifaddrmsg a;
			struct rtattr r1;
			uint32_t local;
			struct rtattr r2;
			uint32_t addr;
		} *m;
		uint32_t ip = htonl((10u << 24) | ((64u + k / 65536) << 16) |
				    ((k / 256 % 256) << 8) | (k % 256));

		if (k / per != dev) {
			char name[64];

			dev = k / per;
			snprintf(name, sizeof(name), "%s%ld", prefix, dev);
			ifindex = if_nametoindex(name);
			if (!ifindex)
				die("addrs: no device %s", name);
		}
		if (len + NLMSG_ALIGN(sizeof(*m)) > sizeof(buf)) {
			if (sendto(fd, buf, len, 0, (void *)&kern, sizeof(kern)) != (ssize_t)len)
				die("%s", "netlink send");
			len = 0;
			nl_drain(fd, &pending);
		}
		m = (void *)(buf + len);
		memset(m, 0, sizeof(*m));
		m->h.nlmsg_len = sizeof(*m);
		m->h.nlmsg_type = RTM_NEWADDR;
		m->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
		m->h.nlmsg_seq = k;
		m->a.ifa_family = AF_INET;
		m->a.ifa_prefixlen = 32;
		m->a.ifa_index = ifindex;
		m->r1.rta_len = RTA_LENGTH(4);
		m->r1.rta_type = IFA_LOCAL;
		m->local = ip;
		m->r2.rta_len = RTA_LENGTH(4);
		m->r2.rta_type = IFA_ADDRESS;
		m->addr = ip;
		len += NLMSG_ALIGN(sizeof(*m));
		pending++;
	}
	if (len && sendto(fd, buf, len, 0, (void *)&kern, sizeof(kern)) != (ssize_t)len)
		die("%s", "netlink send");
	nl_drain(fd, &pending);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-helper win|udpsink|tcpsink|put|pgresult|meminfo|addrs ...\n");
		return 2;
	}
	cmd = argv[1];
	argv++, argc--;
	if (!strcmp(cmd, "win"))
		return cmd_win(argc, argv);
	/* the other commands take an optional -n NS first */
	if (argc >= 3 && !strcmp(argv[1], "-n")) {
		join_netns(argv[2]);
		argv += 2, argc -= 2;
	}
	argv++, argc--;
	if (!strcmp(cmd, "udpsink") && argc >= 1)
		return cmd_udpsink(argv);
	if (!strcmp(cmd, "tcpsink") && argc >= 1)
		return cmd_tcpsink(argv);
	if (!strcmp(cmd, "put"))
		return cmd_put(argv, argc);
	if (!strcmp(cmd, "pgresult") && argc >= 1)
		return cmd_pgresult(argv);
	if (!strcmp(cmd, "meminfo"))
		return cmd_meminfo();
	if (!strcmp(cmd, "addrs") && argc >= 4)
		return cmd_addrs(argv);
	fprintf(stderr, "bench-helper: bad command %s\n", cmd);
	return 2;
}
