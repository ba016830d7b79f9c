// SPDX-License-Identifier: GPL-2.0
#include "netns.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace ipvlanctl {

namespace {

std::string named_path(std::string_view name) { return std::string(netns_run_dir) + "/" + std::string(name); }

bool is_nsfs(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && static_cast<unsigned long>(sfs.f_type) == NSFS_MAGIC;
}

int open_ns_path(const std::string &path)
{
	const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!is_nsfs(fd)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

} // namespace

std::optional<NsId> netns_id(int fd)
{
	struct stat st;
	if (!is_nsfs(fd) || fstat(fd, &st) != 0)
		return std::nullopt;
	return NsId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

std::vector<NamedNetns> list_named_netns(std::vector<std::string> *skipped)
{
	std::vector<NamedNetns> out;
	DIR *dir = opendir(std::string(netns_run_dir).c_str());
	if (!dir)
		return out;
	while (const dirent *e = readdir(dir)) {
		const std::string name = e->d_name;
		if (name == "." || name == "..")
			continue;
		const int fd = open(named_path(name).c_str(), O_RDONLY | O_CLOEXEC);
		std::optional<NsId> id;
		if (fd >= 0) {
			id = netns_id(fd);
			close(fd);
		}
		if (id)
			out.push_back({name, *id});
		else if (skipped)
			skipped->push_back(name);
	}
	closedir(dir);
	std::sort(out.begin(), out.end(), [](const NamedNetns &a, const NamedNetns &b) { return a.name < b.name; });
	if (skipped)
		std::sort(skipped->begin(), skipped->end());
	return out;
}

int open_current_netns()
{
	const int fd = open_ns_path("/proc/thread-self/ns/net");
	return fd >= 0 ? fd : open_ns_path("/proc/self/ns/net");
}

int open_named_netns(std::string_view name) { return open_ns_path(named_path(name)); }

int open_pid_netns(int pid) { return open_ns_path("/proc/" + std::to_string(pid) + "/ns/net"); }

int open_netns(const NetnsTarget &target)
{
	return target.kind == NetnsTarget::Kind::named ? open_named_netns(target.name) : open_pid_netns(target.pid);
}

bool named_netns_exists(std::string_view name)
{
	const int fd = open_named_netns(name);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool pid_exists(int pid)
{
	struct stat st;
	return stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) == 0;
}

int enter_netns(int fd) { return setns(fd, CLONE_NEWNET); }

} // namespace ipvlanctl
