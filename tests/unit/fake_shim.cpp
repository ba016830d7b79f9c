// SPDX-License-Identifier: GPL-2.0
// See fake_shim.hpp.
#include "fake_shim.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_set>
#include <utility>

#include "ipvlan/shim_api.h"

struct kc_lock {
	unsigned magic;
	bool held;
};

namespace {

constexpr unsigned lock_magic = 0x6b636c6bu; // "kclk"

struct State {
	std::mutex mutex;
	std::unordered_set<void *> live;
	unsigned long total = 0;
	std::size_t last_size = 0;
	int last_atomic = -1;
	unsigned fail_countdown = 0;
	std::vector<kc_rcu_head *> rcu_queue;   // in call order
	std::unordered_set<kc_rcu_head *> queued; // the same, for lookups
	std::uint32_t random_state = 1;
	std::unordered_set<kc_lock *> locks;
	long held = 0;
	std::vector<std::string> violations;
	bool abort_on_violation = false;
	unsigned long synchronize_calls = 0;
	std::unordered_set<kc_work *> works;
};

State &state()
{
	// Leaked on purpose: usable from static destructors and atexit.
	static State *s = new State;
	return *s;
}

void violation(State &s, std::string what)
{
	if (s.abort_on_violation) {
		std::fprintf(stderr, "fake_shim violation: %s\n", what.c_str());
		std::abort();
	}
	s.violations.push_back(std::move(what));
}

std::uint32_t xorshift32(std::uint32_t &x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

} // namespace

struct kc_work {
	void (*fn)(void *);
	void *arg;
	bool pending;
};

extern "C" {

void *kc_alloc_large(kc_usize size) { return kc_alloc(size, 0); }
void kc_free_large(void *ptr) { kc_free(ptr); }

void kc_synchronize_rcu(void)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	s.synchronize_calls++;
}

struct kc_work *kc_work_new(void (*fn)(void *arg), void *arg)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	auto *w = new kc_work{fn, arg, false};
	s.works.insert(w);
	return w;
}

void kc_work_queue(struct kc_work *work)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.works.count(work))
		violation(s, "kc_work_queue of a work item kc_work_new did not return");
	else
		work->pending = true;
}

void kc_work_free(struct kc_work *work)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.works.erase(work)) {
		violation(s, "kc_work_free of a work item kc_work_new did not return");
		return;
	}
	delete work;
}

void *kc_alloc(kc_usize size, int atomic)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	s.last_size = size;
	s.last_atomic = atomic;
	if (s.fail_countdown && --s.fail_countdown == 0)
		return nullptr;
	// kmalloc(0) returns ZERO_SIZE_PTR, never NULL; keep a unique pointer.
	void *p = std::calloc(1, size ? size : 1);
	if (!p)
		return nullptr;
	s.live.insert(p);
	s.total++;
	return p;
}

void kc_free(void *ptr)
{
	if (!ptr)
		return; // kfree(NULL) is a no-op
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.live.erase(ptr)) {
		violation(s, "kc_free of a pointer kc_alloc did not return (or double free)");
		return;
	}
	std::free(ptr);
}

void kc_call_rcu(struct kc_rcu_head *head, void (*func)(struct kc_rcu_head *))
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.queued.insert(head).second) {
		violation(s, "kc_call_rcu on an rcu_head that is already queued");
		return;
	}
	head->func = func;
	s.rcu_queue.push_back(head);
}

kc_u32 kc_random_u32(void)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	return xorshift32(s.random_state);
}

struct kc_lock *kc_lock_new(void)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	auto *lock = new kc_lock{lock_magic, false};
	s.locks.insert(lock);
	return lock;
}

void kc_lock_free(struct kc_lock *lock)
{
	if (!lock)
		return;
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.locks.erase(lock)) {
		violation(s, "kc_lock_free of an unknown or freed lock");
		return;
	}
	if (lock->held) {
		violation(s, "kc_lock_free of a held lock");
		s.held--;
	}
	lock->magic = 0;
	delete lock;
}

void kc_lock_bh(struct kc_lock *lock)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.locks.count(lock)) {
		violation(s, "kc_lock_bh on an unknown or freed lock");
		return;
	}
	if (lock->held) {
		violation(s, "kc_lock_bh on a lock already held (self-deadlock)");
		return;
	}
	lock->held = true;
	s.held++;
}

void kc_unlock_bh(struct kc_lock *lock)
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	if (!s.locks.count(lock)) {
		violation(s, "kc_unlock_bh on an unknown or freed lock");
		return;
	}
	if (!lock->held) {
		violation(s, "kc_unlock_bh on a lock that is not held");
		return;
	}
	lock->held = false;
	s.held--;
}

void fake_rcu_barrier(void)
{
	State &s = state();
	// Callbacks may free (kc_free takes the mutex) or queue more work: run
	// them unlocked, batch by batch, until nothing is left.
	for (;;) {
		std::vector<kc_rcu_head *> batch;
		{
			std::lock_guard<std::mutex> g(s.mutex);
			batch.swap(s.rcu_queue);
			s.queued.clear();
		}
		if (batch.empty())
			return;
		for (kc_rcu_head *head : batch)
			head->func(head);
	}
}

} // extern "C"

namespace fake_shim {

long live_allocations()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return static_cast<long>(state().live.size());
}

unsigned long total_allocations()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return state().total;
}

std::size_t last_alloc_size()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return state().last_size;
}

int last_alloc_atomic()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return state().last_atomic;
}

void fail_nth_allocation(unsigned n)
{
	std::lock_guard<std::mutex> g(state().mutex);
	state().fail_countdown = n;
}

std::size_t rcu_pending()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return state().rcu_queue.size();
}

void set_random_seed(std::uint32_t seed)
{
	std::lock_guard<std::mutex> g(state().mutex);
	state().random_state = seed ? seed : 1; // xorshift's only fixed point is 0
}

long live_locks()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return static_cast<long>(state().locks.size());
}

long locks_held()
{
	std::lock_guard<std::mutex> g(state().mutex);
	return state().held;
}

const std::vector<std::string> &violations() { return state().violations; }

void clear_violations()
{
	std::lock_guard<std::mutex> g(state().mutex);
	state().violations.clear();
}

void set_abort_on_violation(bool on)
{
	std::lock_guard<std::mutex> g(state().mutex);
	state().abort_on_violation = on;
}

unsigned long synchronize_rcu_calls()
{
	State &s = state();
	std::lock_guard<std::mutex> g(s.mutex);
	return s.synchronize_calls;
}

unsigned run_pending_work()
{
	State &s = state();
	std::vector<kc_work *> due;
	{
		std::lock_guard<std::mutex> g(s.mutex);
		for (kc_work *w : s.works)
			if (w->pending) {
				w->pending = false;
				due.push_back(w);
			}
	}
	for (kc_work *w : due) // unlocked: the work takes locks and allocates
		w->fn(w->arg);
	return unsigned(due.size());
}

} // namespace fake_shim
