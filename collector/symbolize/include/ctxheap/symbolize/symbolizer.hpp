// Turns raw return addresses into source frames, with a cache. Used off the hot
// path (once per snapshot, or by the analyzer), never inside allocator hooks:
// it allocates, opens files and takes a lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ctxheap/symbolize/frame.hpp"
#include "ctxheap/symbolize/mapping.hpp"

namespace ctxheap::symbolize {

/// Resolves addresses of one address space: this process, or another process
/// described by its mappings. Debug info comes from the mapped ELF files (or
/// their separate debug files found by build id / debuglink).
///
/// Thread safety: every member may be called from any thread; an internal mutex
/// serialises them (libdw is not thread-safe). References returned by resolve()
/// stay valid and unchanged for the life of the Symbolizer (also across moves):
/// the cache never evicts or rewrites an entry.
///
/// Move-only. A moved-from Symbolizer may only be destroyed or assigned to.
class Symbolizer {
 public:
  /// Describes the calling process: the objects the dynamic loader has mapped,
  /// at the addresses it chose (dl_iterate_phdr), plus /proc/self/maps for
  /// module + offset of anything else. Addresses in objects dlopen'ed later are
  /// found too: a miss re-reads the layout when the loader has loaded or
  /// unloaded something since the last read.
  /// Throws std::runtime_error only if libdwfl cannot start a session.
  static Symbolizer for_this_process();

  /// Describes another process by its mappings (e.g. a heap profile's
  /// MAPPED_LIBRARIES). Each mapped file that exists here and whose program
  /// headers agree with the mapping is used for symbols and lines; addresses in
  /// other files keep only module + offset. Throws std::runtime_error only if
  /// libdwfl cannot start a session.
  static Symbolizer for_mappings(std::vector<Mapping> mappings);

  Symbolizer(Symbolizer&&) noexcept;
  Symbolizer& operator=(Symbolizer&&) noexcept;
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;
  ~Symbolizer();

  /// The frames at `address`: inlined callees first (inlined = true), the
  /// containing function last; never empty. A return address is looked up at
  /// address - 1 so the call's line is reported, not the line after it.
  /// Cached by (address, is_return_address).
  const std::vector<Frame>& resolve(std::uint64_t address, bool is_return_address = true);

  /// Number of cached (address, is_return_address) entries.
  std::size_t cache_size() const;
  /// Number of ELF modules currently known; 0 means every answer will be hex.
  std::size_t module_count() const;

 private:
  struct State;
  explicit Symbolizer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ctxheap::symbolize
