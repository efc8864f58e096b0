// How the CLI fails: exit codes, and the one exception type that carries one.
#pragma once

#include <stdexcept>
#include <string>

namespace ctxheap::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitGate = 1;      ///< ctxheap check: a gate was exceeded
inline constexpr int kExitBadInput = 2;  ///< bad input or usage

/// A failure to report as one line ("ctxheap: <what>") and exit with kExitBadInput.
class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ctxheap::cli
