// A 64-bit hash mix used for stack deduplication and creation-site keys. Keys are only
// compared within one process, never stored.
#pragma once

#include <cstdint>
#include <string_view>

namespace ctxheap::analyzer::detail {

inline constexpr std::uint64_t kHashSeed = 0x9e3779b97f4a7c15ull;

/// splitmix64's finalizer over (seed ^ value).
inline std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value) noexcept {
  std::uint64_t z = seed ^ (value + 0x9e3779b97f4a7c15ull + (seed << 6) + (seed >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// FNV-1a over the bytes, then mixed.
inline std::uint64_t hash_text(std::string_view text) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return hash_combine(kHashSeed, h);
}

}  // namespace ctxheap::analyzer::detail
