// SPDX-License-Identifier: GPL-2.0
#include "format.hpp"

#include "ipvlan.hpp"
#include "json.hpp"

#include <algorithm>
#include <cstring>

namespace ipvlanctl {

namespace {

std::string ns_label(const std::optional<std::string> &netns) { return netns ? *netns : "-"; }

std::string master_header(const MasterView &m)
{
	std::string h = m.name ? *m.name : "ifindex " + std::to_string(m.ifindex);
	h += " (netns ";
	if (!m.netns_known)
		h += "unknown, id " + std::to_string(m.link_netnsid.value_or(-1)) +
		     " in the slaves' netns";
	else if (!m.visited)
		h += ns_label(m.netns) + ", not listed: use --all-netns";
	else
		h += ns_label(m.netns);
	h += "): mode ";
	h += m.mode ? mode_name(*m.mode) : "?";
	h += ' ';
	h += m.flags ? flags_name(*m.flags) : "?";
	h += ", " + std::to_string(m.slaves.size()) + (m.slaves.size() == 1 ? " slave" : " slaves");
	return h;
}

std::string slave_addrs(const SlaveView &s)
{
	if (s.addresses.empty())
		return "-";
	std::string out;
	for (const AddrView &a : s.addresses) {
		if (!out.empty())
			out += ' ';
		out += a.local + "/" + std::to_string(a.prefixlen);
	}
	return out;
}

void pad_to(std::string &line, std::size_t width, const std::string &cell)
{
	line += cell;
	line.append(width - cell.size() + 2, ' ');
}

void rtrim(std::string &s)
{
	while (!s.empty() && s.back() == ' ')
		s.pop_back();
}

void json_opt_string(JsonWriter &w, std::string_view key, const std::optional<std::string> &v)
{
	w.key(key);
	if (v)
		w.string(*v);
	else
		w.null();
}

} // namespace

std::string format_text(const Report &report)
{
	std::string out;
	for (const MasterView &m : report.masters) {
		out += master_header(m) + '\n';
		struct Row {
			std::string name, netns, state, addrs;
		};
		std::vector<Row> rows;
		std::size_t wn = 0, wns = 0, ws = 0;
		for (const SlaveView &s : m.slaves) {
			Row r{s.kind == "ipvlan" ? s.name : s.name + " (" + s.kind + ")",
			      "netns " + ns_label(s.netns), s.state, slave_addrs(s)};
			wn = std::max(wn, r.name.size());
			wns = std::max(wns, r.netns.size());
			ws = std::max(ws, r.state.size());
			rows.push_back(std::move(r));
		}
		for (const Row &r : rows) {
			std::string line = "  ";
			pad_to(line, wn, r.name);
			pad_to(line, wns, r.netns);
			pad_to(line, ws, r.state);
			line += r.addrs;
			rtrim(line);
			out += line + '\n';
		}
	}
	return out;
}

std::string format_json(const Report &report, bool pretty)
{
	JsonWriter w(pretty);
	w.begin_object().key("masters").begin_array();
	for (const MasterView &m : report.masters) {
		w.begin_object();
		json_opt_string(w, "name", m.name);
		w.key("ifindex").number(m.ifindex);
		json_opt_string(w, "netns", m.netns);
		if (!m.netns_known)
			w.key("link_netnsid").number(m.link_netnsid.value_or(-1));
		json_opt_string(w, "state", m.state);
		json_opt_string(w, "mode", m.mode ? std::optional(mode_name(*m.mode)) : std::nullopt);
		json_opt_string(w, "flags", m.flags ? std::optional(flags_name(*m.flags)) : std::nullopt);
		w.key("slaves").begin_array();
		for (const SlaveView &s : m.slaves) {
			w.begin_object();
			w.key("name").string(s.name);
			w.key("kind").string(s.kind);
			w.key("ifindex").number(s.ifindex);
			json_opt_string(w, "netns", s.netns);
			w.key("state").string(s.state);
			w.key("up").boolean(s.up);
			w.key("mtu").number(s.mtu);
			w.key("addresses").begin_array();
			for (const AddrView &a : s.addresses) {
				w.begin_object();
				w.key("family").string(a.family);
				w.key("local").string(a.local);
				w.key("prefixlen").number(a.prefixlen);
				w.key("scope").string(a.scope);
				w.end_object();
			}
			w.end_array();
			w.end_object();
		}
		w.end_array();
		w.end_object();
	}
	w.end_array().end_object();
	return w.str();
}

std::string one_line(std::string_view text)
{
	std::string out;
	for (char c : text) {
		const auto u = static_cast<unsigned char>(c);
		out += (u < 0x20 || u == 0x7f) ? ' ' : c;
	}
	const auto b = out.find_first_not_of(' ');
	if (b == std::string::npos)
		return "";
	return out.substr(b, out.find_last_not_of(' ') - b + 1);
}

std::string error_text(int err, std::string_view extack)
{
	const std::string msg = one_line(extack);
	if (msg.empty())
		return std::strerror(err);
	return msg + " (" + std::strerror(err) + ")";
}

std::string kernel_error_line(std::string_view what, int err, std::string_view extack)
{
	return std::string(what) + ": " + error_text(err, extack);
}

} // namespace ipvlanctl
