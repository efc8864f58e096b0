// Builds a Profile: interns strings and deduplicates stacks. Readers use it at the edge,
// tests use it to construct profiles with known truth.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer {

/// A frame given by text, for building profiles by hand.
struct FrameText {
  std::string_view function{};
  std::string_view file{};
  std::uint32_t line = 0;
  std::string_view module{};
  std::uint64_t address = 0;
  std::uint64_t module_offset = 0;
  bool inlined = false;
};

class ProfileBuilder {
 public:
  ProfileBuilder();
  ~ProfileBuilder();
  ProfileBuilder(ProfileBuilder&&) noexcept;
  ProfileBuilder& operator=(ProfileBuilder&&) noexcept;

  ProfileMeta& meta() noexcept;
  Totals& totals() noexcept;

  /// The id of `text`, adding it on first sight ("" is 0).
  StringId intern(std::string_view text);
  /// Appends strings without deduplication (a reader copying a string table whose ids it
  /// keeps); returns the id of the first one.
  StringId append_strings(std::span<const std::string> strings);

  /// The index of a stack with these frames (innermost first), adding it on first sight.
  /// Identical frame sequences share one stack.
  Index add_stack(std::span<const Frame> frames);
  Index add_stack(std::span<const FrameText> frames);

  /// Adds a context; returns its index in Profile::contexts. Ids are not checked here
  /// (the analysis reports duplicates and dangling references as warnings).
  Index add_context(const Context& context);
  void add_site(const Site& site);
  void reserve_contexts(std::size_t count);

  /// Number of contexts added so far.
  std::size_t context_count() const noexcept;

  /// Finishes the profile. If no context carries exact counters but sites do (a
  /// sampled-only snapshot, or a format without exact counters), each context's counters
  /// are summed from its sites' un-sampled estimates and meta.counters says so; the
  /// no-context bucket likewise from sites of context 0 when it is empty.
  Profile finish() &&;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctxheap::analyzer
