#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Minimal raw rtnetlink client for the ipvlan selftests.

iproute2 refuses some requests before they reach the kernel (an unknown mode,
"private vepa" together), and it interprets the attributes it reads back.  This
tool sends exactly the attributes asked for and prints exactly what the kernel
answers, using only the Python standard library.

Usage (run inside the wanted netns, e.g. with `ip netns exec NS`):
  ipvlan_nl.py newlink [--link MASTER] --name NAME [--mode N] [--flags N]
                       [--no-data]
  ipvlan_nl.py changelink --dev NAME [--mode N] [--flags N] [--no-data]
  ipvlan_nl.py getlink --dev NAME [--dev NAME...]
  ipvlan_nl.py newaddr --dev NAME --addr ADDR/PLEN [--addr ADDR/PLEN...]

newlink/changelink print "OK" or the errno name (e.g. "EINVAL") and exit 0 on
success, 1 on a netlink error.  getlink prints "kind=K mode=M flags=F" with the
raw u16 values (or "-" for an absent attribute), one line per --dev, and exits
0, or prints the errno name and exits 1.  newaddr adds each IPv4 or IPv6
--addr to NAME (RTM_NEWADDR, create|excl, IPv6 with IFA_F_NODAD) and prints
"OK" or the errno name, one line per address; it exits 0 if all were added,
else 1.  Usage errors exit 2.  --mode/--flags take any
integer (also invalid ones); --no-data sends IFLA_LINKINFO without
IFLA_INFO_DATA; newlink without --link sends no IFLA_LINK.
"""

import errno
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
RTM_GETLINK = 18
RTM_NEWADDR = 20
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400

IFA_ADDRESS = 1
IFA_LOCAL = 2
IFA_F_NODAD = 0x02
IFLA_IFNAME = 3
IFLA_LINK = 5
IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
IFLA_IPVLAN_MODE = 1
IFLA_IPVLAN_FLAGS = 2
NLA_TYPE_MASK = 0x3FFF


def align4(n):
    return (n + 3) & ~3


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return (hdr + payload).ljust(align4(4 + len(payload)), b"\0")


def parse_attrs(buf):
    out = {}
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4 or off + alen > len(buf):
            break
        out[atype & NLA_TYPE_MASK] = buf[off + 4:off + alen]
        off += align4(alen)
    return out


def ifinfomsg(index=0):
    # family, pad, type, index, flags, change
    return struct.pack("=BBHiII", socket.AF_UNSPEC, 0, 0, index, 0, 0)


def ipvlan_data(mode, flags):
    data = b""
    if mode is not None:
        data += attr(IFLA_IPVLAN_MODE, struct.pack("=H", mode))
    if flags is not None:
        data += attr(IFLA_IPVLAN_FLAGS, struct.pack("=H", flags))
    return data


def linkinfo(mode, flags, with_data):
    nested = attr(IFLA_INFO_KIND, b"ipvlan\0")
    if with_data:
        nested += attr(IFLA_INFO_DATA, ipvlan_data(mode, flags))
    return attr(IFLA_LINKINFO, nested)


class Rtnl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.seq = 1

    def request(self, mtype, flags, body):
        self.seq += 1
        msg = struct.pack("=IHHII", 16 + len(body), mtype, flags, self.seq,
                          0) + body
        self.sock.send(msg)
        replies = []
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, rtype, _fl, seq, _pid = struct.unpack_from("=IHHII",
                                                                 data, off)
                if mlen < 16:
                    raise RuntimeError("malformed netlink message")
                payload = data[off + 16:off + mlen]
                off += align4(mlen)
                if seq != self.seq:
                    continue
                if rtype == NLMSG_ERROR:
                    (err,) = struct.unpack_from("=i", payload, 0)
                    return -err, replies
                if rtype == NLMSG_DONE:
                    return 0, replies
                replies.append((rtype, payload))
                if not flags & NLM_F_ACK:
                    return 0, replies


def errname(code):
    if not code:
        return "OK"
    if code == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"  # Python's table says ENOTSUP (same value)
    return errno.errorcode.get(code, "E%d" % code)


def cmd_newlink(nl, args):
    body = ifinfomsg()
    body += attr(IFLA_IFNAME, args.name.encode() + b"\0")
    if args.link is not None:
        body += attr(IFLA_LINK, struct.pack("=i", ifindex(args.link)))
    body += linkinfo(args.mode, args.flags, not args.no_data)
    code, _ = nl.request(RTM_NEWLINK,
                         NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
                         NLM_F_EXCL, body)
    print(errname(code))
    return 0 if code == 0 else 1


def cmd_changelink(nl, args):
    body = ifinfomsg(ifindex(args.dev))
    body += linkinfo(args.mode, args.flags, not args.no_data)
    code, _ = nl.request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, body)
    print(errname(code))
    return 0 if code == 0 else 1


def cmd_getlink(nl, args):
    for dev in args.devs:
        if getlink_one(nl, dev):
            return 1
    return 0


def getlink_one(nl, dev):
    body = ifinfomsg(ifindex(dev))
    code, replies = nl.request(RTM_GETLINK, NLM_F_REQUEST, body)
    if code:
        print(errname(code))
        return 1
    for rtype, payload in replies:
        if rtype != RTM_NEWLINK:
            continue
        attrs = parse_attrs(payload[16:])
        info = parse_attrs(attrs.get(IFLA_LINKINFO, b""))
        kind = info.get(IFLA_INFO_KIND, b"-").rstrip(b"\0").decode()
        data = parse_attrs(info.get(IFLA_INFO_DATA, b""))
        vals = []
        for key in (IFLA_IPVLAN_MODE, IFLA_IPVLAN_FLAGS):
            raw = data.get(key)
            if raw is None:
                vals.append("-")
            elif len(raw) == 2:
                vals.append(str(struct.unpack("=H", raw)[0]))
            else:
                vals.append("len%d" % len(raw))
        print("kind=%s mode=%s flags=%s" % (kind, vals[0], vals[1]))
        return 0
    print("ENODATA")
    return 1


def cmd_newaddr(nl, args):
    index = ifindex(args.dev)
    failed = 0
    for spec in args.addrs:
        addr, _, plen = spec.partition("/")
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        try:
            raw = socket.inet_pton(fam, addr)
            plen = int(plen) if plen else len(raw) * 8
        except (OSError, ValueError):
            usage()
        flags = IFA_F_NODAD if fam == socket.AF_INET6 else 0
        # family, prefixlen, flags, scope, index
        body = struct.pack("=BBBBi", fam, plen, flags, 0, index)
        body += attr(IFA_LOCAL, raw) + attr(IFA_ADDRESS, raw)
        code, _ = nl.request(RTM_NEWADDR,
                             NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
                             NLM_F_EXCL, body)
        print(errname(code))
        failed += code != 0
    return 1 if failed else 0


def ifindex(name):
    try:
        return socket.if_nametoindex(name)
    except OSError:
        sys.stderr.write("no such device: %s\n" % name)
        sys.exit(2)


class Args:
    """Tiny option parser (argparse costs about a second per start in the
    emulated VM, and this tool runs dozens of times per test)."""

    OPTS = {
        "newlink": ("link", "name", "mode", "flags", "no-data"),
        "changelink": ("dev", "mode", "flags", "no-data"),
        "getlink": ("dev",),
        "newaddr": ("dev", "addr"),
    }
    REQUIRED = {"newlink": ("name",), "changelink": ("dev",),
                "getlink": ("dev",), "newaddr": ("dev",)}

    def __init__(self, argv):
        if not argv or argv[0] not in self.OPTS:
            usage()
        self.cmd = argv[0]
        self.link = self.name = self.dev = None
        self.mode = self.flags = None
        self.no_data = False
        self.devs = []
        self.addrs = []
        allowed = self.OPTS[self.cmd]
        rest = argv[1:]
        while rest:
            opt = rest.pop(0)
            if not opt.startswith("--") or opt[2:] not in allowed:
                usage()
            key = opt[2:]
            if key == "no-data":
                self.no_data = True
                continue
            if not rest:
                usage()
            val = rest.pop(0)
            if key in ("mode", "flags"):
                try:
                    setattr(self, key, int(val, 0))
                except ValueError:
                    usage()
            elif key == "dev":
                self.dev = val
                self.devs.append(val)
            elif key == "addr":
                self.addrs.append(val)
            else:
                setattr(self, key, val)
        for key in self.REQUIRED[self.cmd]:
            if getattr(self, key) is None:
                usage()
        if self.cmd == "newaddr" and not self.addrs:
            usage()


def usage():
    sys.stderr.write(__doc__.split("\n\n", 1)[1])
    sys.exit(2)


def main():
    args = Args(sys.argv[1:])
    nl = Rtnl()
    handler = {"newlink": cmd_newlink, "changelink": cmd_changelink,
               "getlink": cmd_getlink, "newaddr": cmd_newaddr}[args.cmd]
    return handler(nl, args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:
        sys.stderr.write("%s: %s\n" % (os.path.basename(sys.argv[0]), e))
        sys.exit(2)
