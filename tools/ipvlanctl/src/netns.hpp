// SPDX-License-Identifier: GPL-2.0
// Network namespaces: the named ones under /run/netns, identities, setns.
#pragma once

#include "cli.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipvlanctl {

inline constexpr std::string_view netns_run_dir = "/run/netns";

// A namespace is identified by the device and inode of its nsfs file.
struct NsId {
	std::uint64_t dev = 0, ino = 0;
	bool operator==(const NsId &o) const { return dev == o.dev && ino == o.ino; }
};

struct NamedNetns {
	std::string name;
	NsId id;
};

// The entries of /run/netns that are mounted namespaces, sorted by name.
// Entries that are not (stale files) are listed in *skipped.
std::vector<NamedNetns> list_named_netns(std::vector<std::string> *skipped);

// The identity of the namespace an fd refers to; nothing if it is not one.
std::optional<NsId> netns_id(int fd);

// An O_RDONLY|O_CLOEXEC fd: of this thread's namespace; of /run/netns/NAME;
// of the namespace of process PID. -1 with errno set on failure.
int open_current_netns();
int open_named_netns(std::string_view name);
int open_pid_netns(int pid);
int open_netns(const NetnsTarget &target);

// For resolve_netns(): /run/netns/NAME is a mounted namespace; PID exists.
bool named_netns_exists(std::string_view name);
bool pid_exists(int pid);

// setns(fd, CLONE_NEWNET); 0 or -1 with errno.
int enter_netns(int fd);

} // namespace ipvlanctl
