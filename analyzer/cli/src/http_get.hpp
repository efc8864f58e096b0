// HTTP GET through libcurl (Debian's libcurl4-openssl-dev), for `ctxheap watch`: the
// body of one URL in memory, bounded, or a one-line CliError.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace ctxheap::cli {

/// Thrown when `stop` was raised while a transfer ran: not an error of the URL.
struct FetchInterrupted {};

struct HttpLimits {
  long connect_timeout_s = 10;
  long timeout_s = 120;                       ///< a heap fetch with ?gc=1 runs a GC first
  std::uint64_t max_body_bytes = 1ull << 30;  ///< the readers' max_inflated_bytes
};

class HttpClient {
 public:
  /// `stop` (may be null) aborts a running transfer with FetchInterrupted when raised.
  explicit HttpClient(const std::atomic<bool>* stop = nullptr, HttpLimits limits = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// The body of a 200 answer. Throws CliError "URL: what went wrong" (cannot connect,
  /// timeout, HTTP status other than 200, body over the limit), or FetchInterrupted.
  std::string get(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctxheap::cli
