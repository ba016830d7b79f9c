// SPDX-License-Identifier: GPL-2.0
#include "rtnl.hpp"

#include "format.hpp"
#include "ipvlan.hpp"
#include "nlmsg.hpp"

#include <cerrno>
#include <cstring>
#include <linux/net_namespace.h>
#include <memory>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace ipvlanctl {

namespace {

// NLMSG_ERROR with an error: libnl hands over the struct nlmsgerr, which
// sits right after the header of the message it came in.
int on_error(sockaddr_nl *, nlmsgerr *e, void *arg)
{
	auto *st = static_cast<Rtnl::State *>(arg);
	const auto *msg = reinterpret_cast<const std::uint8_t *>(e) - NLMSG_HDRLEN;
	nlmsghdr hdr;
	std::memcpy(&hdr, msg, sizeof(hdr));
	st->err = -e->error;
	st->extack.clear();
	if (auto ack = parse_nlmsgerr(msg, hdr.nlmsg_len))
		st->extack = ack->message;
	return NL_STOP;
}

// NLMSG_ERROR with error 0: the ACK. It may carry a warning.
int on_ack(nl_msg *msg, void *arg)
{
	auto *st = static_cast<Rtnl::State *>(arg);
	st->acked = true;
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	if (auto ack = parse_nlmsgerr(reinterpret_cast<const std::uint8_t *>(hdr), hdr->nlmsg_len);
	    ack && !ack->message.empty())
		st->warnings.push_back(ack->message);
	return NL_STOP;
}

struct CbDeleter {
	void operator()(nl_cb *cb) const { nl_cb_put(cb); }
};
using CbPtr = std::unique_ptr<nl_cb, CbDeleter>;

struct MsgDeleter {
	void operator()(nl_msg *m) const { nlmsg_free(m); }
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

// A copy of the socket's callbacks (with on_error) plus on_ack.
CbPtr request_cb(nl_sock *sk, Rtnl::State *st)
{
	nl_cb *base = nl_socket_get_cb(sk);
	CbPtr cb(nl_cb_clone(base));
	nl_cb_put(base);
	if (cb)
		nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, st);
	return cb;
}

void fill_from_libnl(rtnl_link *l, LinkRecord *r)
{
	r->ifindex = rtnl_link_get_ifindex(l);
	if (const char *name = rtnl_link_get_name(l))
		r->name = name;
	if (const char *kind = rtnl_link_get_type(l))
		r->kind = kind;
	r->link_ifindex = rtnl_link_get_link(l);
	std::int32_t nsid;
	if (rtnl_link_get_link_netnsid(l, &nsid) == 0)
		r->link_netnsid = nsid;
	r->ifflags = rtnl_link_get_flags(l);
	r->operstate = rtnl_link_get_operstate(l);
	r->mtu = rtnl_link_get_mtu(l);
}

// One RTM_NEWLINK of a dump.
int on_link(nl_msg *msg, void *arg)
{
	auto *out = static_cast<std::vector<LinkRecord> *>(arg);
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	if (hdr->nlmsg_type != RTM_NEWLINK)
		return NL_OK;
	LinkRecord rec;
	bool parsed = false;
	struct Ctx {
		LinkRecord *rec;
		bool *parsed;
	} ctx{&rec, &parsed};
	nl_msg_parse(
		msg,
		[](nl_object *obj, void *a) {
			auto *c = static_cast<Ctx *>(a);
			fill_from_libnl(reinterpret_cast<rtnl_link *>(obj), c->rec);
			*c->parsed = true;
		},
		&ctx);
	if (!parsed)
		return NL_OK;
	// libnl 3.7 reads neither IFLA_IPVLAN_FLAGS nor an ipvtap's data.
	if (auto info = decode_link_info(reinterpret_cast<const std::uint8_t *>(hdr), hdr->nlmsg_len)) {
		if (!info->kind.empty())
			rec.kind = info->kind;
		rec.ipvlan_mode = info->ipvlan_mode;
		rec.ipvlan_flags = info->ipvlan_flags;
	}
	out->push_back(std::move(rec));
	return NL_OK;
}

void on_addr(nl_object *obj, void *arg)
{
	auto *out = static_cast<std::vector<AddrRecord> *>(arg);
	auto *a = reinterpret_cast<rtnl_addr *>(obj);
	AddrRecord r;
	r.family = rtnl_addr_get_family(a);
	if (r.family != AF_INET && r.family != AF_INET6)
		return;
	nl_addr *local = rtnl_addr_get_local(a);
	if (!local)
		return;
	const unsigned len = nl_addr_get_len(local);
	if (len != (r.family == AF_INET ? 4u : 16u))
		return;
	std::memcpy(r.bytes.data(), nl_addr_get_binary_addr(local), len);
	r.ifindex = rtnl_addr_get_ifindex(a);
	r.prefixlen = static_cast<std::uint8_t>(rtnl_addr_get_prefixlen(a));
	r.scope = static_cast<std::uint8_t>(rtnl_addr_get_scope(a));
	out->push_back(r);
}

int on_nsid(nl_msg *msg, void *arg)
{
	auto *out = static_cast<std::optional<std::int32_t> *>(arg);
	nlmsghdr *hdr = nlmsg_hdr(msg);
	if (hdr->nlmsg_type != RTM_NEWNSID)
		return NL_OK;
	nlattr *tb[NETNSA_MAX + 1];
	if (nlmsg_parse(hdr, sizeof(rtgenmsg), tb, NETNSA_MAX, nullptr) < 0 || !tb[NETNSA_NSID])
		return NL_OK;
	const auto id = static_cast<std::int32_t>(nla_get_u32(tb[NETNSA_NSID]));
	if (id >= 0)
		*out = id;
	return NL_OK;
}

} // namespace

std::string NlResult::describe() const
{
	if (err)
		return error_text(err, extack);
	return libnl_error;
}

Rtnl::~Rtnl()
{
	if (sk_)
		nl_socket_free(sk_);
}

NlResult Rtnl::result(int nlerr)
{
	NlResult r;
	if (st_.err) {
		r.err = st_.err;
		r.extack = st_.extack;
	} else if (nlerr < 0) {
		r.libnl_error = nl_geterror(nlerr);
	}
	return r;
}

NlResult Rtnl::open()
{
	NlResult r;
	sk_ = nl_socket_alloc();
	if (!sk_) {
		r.err = ENOMEM;
		return r;
	}
	if (int e = nl_connect(sk_, NETLINK_ROUTE); e < 0) {
		r.libnl_error = std::string("cannot open an rtnetlink socket: ") + nl_geterror(e);
		return r;
	}
	// Best effort: kernels before 4.12 have neither option.
	const int one = 1;
	setsockopt(nl_socket_get_fd(sk_), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk_), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_enable_msg_peek(sk_);
	nl_socket_modify_err_cb(sk_, NL_CB_CUSTOM, on_error, &st_);
	return r;
}

NlResult Rtnl::transact(nl_msg *msg)
{
	st_.err = 0;
	st_.extack.clear();
	if (int e = nl_send_auto(sk_, msg); e < 0)
		return result(e);
	CbPtr cb = request_cb(sk_, &st_);
	if (!cb)
		return result(-NLE_NOMEM);
	return result(nl_recvmsgs(sk_, cb.get()));
}

NlResult Rtnl::get_link(const std::string &name, LinkRecord *out)
{
	st_.err = 0;
	st_.extack.clear();
	rtnl_link *l = nullptr;
	const int e = rtnl_link_get_kernel(sk_, 0, name.c_str(), &l);
	if (e < 0 || !l)
		return result(e < 0 ? e : -NLE_OBJ_NOTFOUND);
	*out = LinkRecord{};
	fill_from_libnl(l, out);
	rtnl_link_put(l);
	return {};
}

NlResult Rtnl::dump_links(std::vector<LinkRecord> *out)
{
	st_.err = 0;
	st_.extack.clear();
	MsgPtr msg(nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP));
	ifinfomsg ifi{};
	ifi.ifi_family = AF_UNSPEC;
	if (!msg || nlmsg_append(msg.get(), &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		return result(-NLE_NOMEM);
	if (int e = nl_send_auto(sk_, msg.get()); e < 0)
		return result(e);
	CbPtr cb = request_cb(sk_, &st_);
	if (!cb)
		return result(-NLE_NOMEM);
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_link, out);
	return result(nl_recvmsgs(sk_, cb.get()));
}

NlResult Rtnl::dump_addrs(std::vector<AddrRecord> *out)
{
	st_.err = 0;
	st_.extack.clear();
	nl_cache *cache = nullptr;
	if (int e = rtnl_addr_alloc_cache(sk_, &cache); e < 0)
		return result(e);
	nl_cache_foreach(cache, on_addr, out);
	nl_cache_free(cache);
	return {};
}

NlResult Rtnl::nsid_of(int ns_fd, std::optional<std::int32_t> *out)
{
	st_.err = 0;
	st_.extack.clear();
	*out = std::nullopt;
	MsgPtr msg(nlmsg_alloc_simple(RTM_GETNSID, 0));
	rtgenmsg g{};
	g.rtgen_family = AF_UNSPEC;
	if (!msg || nlmsg_append(msg.get(), &g, sizeof(g), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg.get(), NETNSA_FD, static_cast<std::uint32_t>(ns_fd)) < 0)
		return result(-NLE_NOMEM);
	if (int e = nl_send_auto(sk_, msg.get()); e < 0)
		return result(e);
	// The reply, then the ACK (nl_send_auto sets NLM_F_ACK). nl_recvmsgs()
	// returns after the reply, which is not multipart: read on until the
	// ACK, or it would be taken for the answer to the next request.
	CbPtr cb = request_cb(sk_, &st_);
	if (!cb)
		return result(-NLE_NOMEM);
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_nsid, out);
	st_.acked = false;
	while (!st_.acked && !st_.err) {
		if (int e = nl_recvmsgs(sk_, cb.get()); e < 0)
			return result(e);
	}
	return result(0);
}

std::vector<std::string> Rtnl::take_warnings()
{
	std::vector<std::string> w;
	w.swap(st_.warnings);
	return w;
}

} // namespace ipvlanctl
