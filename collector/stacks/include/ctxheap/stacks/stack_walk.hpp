// Cheap call-stack capture for the context runtime's creation stacks and the collector's
// sampled allocation stacks (docs/collector.md, "How stacks are captured").
//
// Each return address is unwound by a rule read once from the program's own unwind tables
// (.eh_frame) and then cached: "the caller's frame starts at rsp + N" or "at rbp + 16 (a
// frame pointer)", and where the caller's rbp was saved. Code built with frame pointers and
// code built without (Debian's libc and libstdc++) are walked alike, so the user's caller is
// reached through malloc, operator new and library frames. A frame whose unwind rule is not
// one of these (signal frames, stack realignment, code with no unwind table) makes the whole
// capture fall back to libunwind.
//
// Safe inside malloc: no allocation, no lock on the common path (a cache miss reads the
// unwind tables through libgcc's _Unwind_Find_FDE, as libunwind and C++ exceptions do), and
// every stack read is checked against the calling thread's stack bounds. The cache is
// emptied when code is unloaded (forget_unloaded_code).
#pragma once

namespace ctxheap::stacks {

/// Which unwinder took a capture.
enum class Unwinder : unsigned char {
  FrameRules,  ///< the cached unwind rules (the default)
  Libunwind,   ///< libunwind's unw_backtrace (the fallback, or CTXHEAP_UNWIND=libunwind)
};

/// Writes up to `max` return addresses into `out`, innermost first: out[0] is in the
/// function that called capture_stack. Returns how many were written (never more than max).
int capture_stack(void** out, int max) noexcept;

/// The same, forcing one unwinder (tests and benchmarks compare the two).
int capture_stack_with(Unwinder unwinder, void** out, int max) noexcept;

/// The unwinder capture_stack uses: FrameRules unless CTXHEAP_UNWIND=libunwind.
Unwinder default_unwinder() noexcept;

/// How many captures on this thread fell back from the frame rules to libunwind.
unsigned long fallbacks_on_this_thread() noexcept;

/// Captures on one thread between two checks for unloaded code.
inline constexpr unsigned kCapturesBetweenUnloadChecks = 1024;
/// Forgets the cached unwind rules if the loader unmapped code (dlclose) since the last
/// check, so a library later mapped at the same addresses is not walked by the unloaded
/// one's rules. Captures call it on their own, every kCapturesBetweenUnloadChecks
/// captures on each thread; one call is a dl_iterate_phdr.
void forget_unloaded_code() noexcept;
/// Whether the cache holds the unwind rule for code at `return_address` (tests).
bool has_cached_rule(const void* return_address) noexcept;

}  // namespace ctxheap::stacks
