// SPDX-License-Identifier: GPL-2.0
// Userspace stand-in for the kernel services the core uses through
// include/ipvlan/shim_api.h (kc_alloc, kc_free, kc_call_rcu, kc_random_u32,
// kc_lock_*), with the knobs the tests need:
//  - kc_alloc zeroes (like kzalloc) and counts live allocations, and can be
//    told to fail the Nth allocation from now;
//  - kc_call_rcu does not run the callback: it is deferred until the test
//    ends the grace period with fake_rcu_barrier(), so a test can check that
//    an unlinked entry stays readable until then;
//  - kc_random_u32 is a deterministic, reseedable sequence;
//  - kc_work_queue only marks the item: run_pending_work() runs it;
//  - kc_alloc_large is kc_alloc (same counting and failure injection);
//  - locks check their balance (no recursion, no unlock of a free lock, no
//    free of a held lock).
// Misuse (double free, freeing a foreign pointer, lock imbalance, queueing
// an rcu_head twice) is recorded as a violation; the tests fail on any.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" void fake_rcu_barrier(void);

namespace fake_shim {

// Allocations made by kc_alloc and not yet given back with kc_free.
long live_allocations();
// Successful kc_alloc calls since the program started.
unsigned long total_allocations();
// Arguments of the last kc_alloc call (successful or injected failure).
std::size_t last_alloc_size();
int last_alloc_atomic();

// n >= 1: the n-th kc_alloc from now returns NULL (once). 0: no injection.
void fail_nth_allocation(unsigned n);

// Callbacks queued by kc_call_rcu and not yet run by fake_rcu_barrier().
std::size_t rcu_pending();

// Restart kc_random_u32's sequence (the same seed gives the same values).
void set_random_seed(std::uint32_t seed);

// Locks created and not freed; locks currently held.
long live_locks();
long locks_held();

// kc_synchronize_rcu calls since the program started.
unsigned long synchronize_rcu_calls();
// Runs every work item queued with kc_work_queue (once each); returns how
// many ran.
unsigned run_pending_work();

// Misuse seen so far (see above), and a way to clear it.
const std::vector<std::string> &violations();
void clear_violations();
// Abort on the first violation instead of recording it (fuzzers).
void set_abort_on_violation(bool on);

} // namespace fake_shim
