#include "http_get.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <mutex>

#include "errors.hpp"

namespace ctxheap::cli {
namespace {

struct Transfer {
  std::string body;
  std::uint64_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* stop = nullptr;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // curl ends the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* t = static_cast<const Transfer*>(user);
  return t->stop != nullptr && t->stop->load() ? 1 : 0;  // nonzero aborts the transfer
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw CliError("libcurl could not be initialised");
    std::atexit(curl_global_cleanup);  // TLS state freed at exit: leak checkers stay quiet
  });
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  const std::atomic<bool>* stop = nullptr;
  HttpLimits limits;
};

HttpClient::HttpClient(const std::atomic<bool>* stop, HttpLimits limits) : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->curl = curl_easy_init();
  if (impl_->curl == nullptr) throw CliError("libcurl could not start a transfer");
  impl_->stop = stop;
  impl_->limits = limits;
}

HttpClient::~HttpClient() { curl_easy_cleanup(impl_->curl); }

std::string HttpClient::get(const std::string& url) {
  CURL* c = impl_->curl;
  curl_easy_reset(c);
  Transfer t;
  t.max_bytes = impl_->limits.max_body_bytes;
  t.stop = impl_->stop;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, impl_->limits.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, impl_->limits.timeout_s);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(impl_->limits.max_body_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ctxheap-watch");
  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_ABORTED_BY_CALLBACK) throw FetchInterrupted{};
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED)
    throw CliError(url + ": the answer is larger than " + std::to_string(t.max_bytes) + " bytes");
  if (code != CURLE_OK) throw CliError(url + ": " + (error[0] != '\0' ? std::string(error) : curl_easy_strerror(code)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) throw CliError(url + ": HTTP " + std::to_string(status) + (status == 404 ? " Not Found (is net/http/pprof imported?)" : ""));
  return std::move(t.body);
}

}  // namespace ctxheap::cli
