#include "ctxheap/symbolize/symbolizer.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "dwfl_session.hpp"
#include "loaded_objects.hpp"
#include "module_frames.hpp"

namespace ctxheap::symbolize {
namespace {

struct CacheKey {
  std::uint64_t address;
  bool is_return_address;
  friend bool operator==(const CacheKey&, const CacheKey&) = default;
};

struct CacheKeyHash {
  std::size_t operator()(const CacheKey& key) const noexcept {
    return std::hash<std::uint64_t>{}(key.address * 2 + (key.is_return_address ? 1 : 0));
  }
};

std::vector<Mapping> read_self_mappings() {
  std::ifstream in("/proc/self/maps");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_proc_maps(text.str());
}

void sort_by_start(std::vector<Mapping>& mappings) {
  std::sort(mappings.begin(), mappings.end(),
            [](const Mapping& a, const Mapping& b) { return a.start < b.start; });
}

}  // namespace

struct Symbolizer::State {
  DwflSession dwfl;
  /// Set for this process: the loader generation the modules were read at.
  std::optional<std::uint64_t> reported_generation;
  ModuleIndexes indexes;
  /// The address space's mappings sorted by start, for module+offset fallbacks.
  std::vector<Mapping> mappings;
  /// Node-based, never erased from: references handed out stay valid.
  std::unordered_map<CacheKey, std::vector<Frame>, CacheKeyHash> cache;
  mutable std::mutex mutex;

  /// (Re)reads this process's layout into a fresh session. (libdwfl cannot
  /// re-report a module it already has from a new file descriptor, and a
  /// refresh is rare: once after each batch of dlopen/dlclose.)
  void report_this_process_now() {
    reported_generation = loader_generation();  // before reading: a racing dlopen bumps it
    indexes.clear();  // they point into the session being replaced
    dwfl = begin_session();
    report_loaded_objects(dwfl.get(), loaded_objects());
    mappings = read_self_mappings();
    sort_by_start(mappings);
  }

  /// The module whose range holds pc. (dwfl_addrmodule alone may answer with
  /// the nearest module below an address past every module's end.)
  Dwfl_Module* module_containing(std::uint64_t pc) const {
    Dwfl_Module* module = dwfl_addrmodule(dwfl.get(), pc);
    Dwarf_Addr start = 0;
    Dwarf_Addr end = 0;
    if (module == nullptr ||
        dwfl_module_info(module, nullptr, &start, &end, nullptr, nullptr, nullptr, nullptr) ==
            nullptr ||
        pc < start || pc >= end) {
      return nullptr;
    }
    return module;
  }

  Dwfl_Module* find_module(std::uint64_t pc) {
    Dwfl_Module* module = module_containing(pc);
    if (module == nullptr && reported_generation && *reported_generation != loader_generation()) {
      report_this_process_now();
      module = module_containing(pc);
    }
    return module;
  }

  /// The frame for an address no reported module covers.
  Frame unmapped_frame(std::uint64_t address, std::uint64_t pc) const {
    Frame frame;
    frame.address = address;
    const auto starts_after = [](std::uint64_t a, const Mapping& m) { return a < m.start; };
    const auto after = std::upper_bound(mappings.begin(), mappings.end(), pc, starts_after);
    if (after != mappings.begin()) {
      const Mapping& mapping = *std::prev(after);
      if (pc < mapping.end && !mapping.path.empty()) {
        frame.module = mapping.path;
        frame.module_offset = address - mapping.start + mapping.file_offset;
      }
    }
    return frame;
  }

  std::vector<Frame> frames_at(std::uint64_t address, bool is_return_address) {
    // A return address points after the call; the call itself is one byte back.
    const std::uint64_t pc = is_return_address && address != 0 ? address - 1 : address;
    if (Dwfl_Module* module = find_module(pc)) return module_frames(module, address, pc, indexes);
    return {unmapped_frame(address, pc)};
  }
};

Symbolizer::Symbolizer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Symbolizer::Symbolizer(Symbolizer&&) noexcept = default;
Symbolizer& Symbolizer::operator=(Symbolizer&&) noexcept = default;
Symbolizer::~Symbolizer() = default;

Symbolizer Symbolizer::for_this_process() {
  auto state = std::make_unique<State>();
  state->report_this_process_now();
  return Symbolizer(std::move(state));
}

Symbolizer Symbolizer::for_mappings(std::vector<Mapping> mappings) {
  auto state = std::make_unique<State>();
  state->dwfl = begin_session();
  sort_by_start(mappings);
  report_mapped_files(state->dwfl.get(), mappings);
  state->mappings = std::move(mappings);
  return Symbolizer(std::move(state));
}

const std::vector<Frame>& Symbolizer::resolve(std::uint64_t address, bool is_return_address) {
  if (!state_) throw std::logic_error("ctxheap::symbolize::Symbolizer used after move");
  const std::lock_guard lock(state_->mutex);
  const CacheKey key{address, is_return_address};
  if (const auto hit = state_->cache.find(key); hit != state_->cache.end()) return hit->second;
  auto frames = state_->frames_at(address, is_return_address);
  return state_->cache.emplace(key, std::move(frames)).first->second;
}

std::size_t Symbolizer::cache_size() const {
  if (!state_) return 0;
  const std::lock_guard lock(state_->mutex);
  return state_->cache.size();
}

std::size_t Symbolizer::module_count() const {
  if (!state_) return 0;
  const std::lock_guard lock(state_->mutex);
  std::size_t count = 0;
  dwfl_getmodules(
      state_->dwfl.get(),
      [](Dwfl_Module*, void**, const char*, Dwarf_Addr, void* counter) -> int {
        ++*static_cast<std::size_t*>(counter);
        return DWARF_CB_OK;
      },
      &count, 0);
  return count;
}

}  // namespace ctxheap::symbolize
