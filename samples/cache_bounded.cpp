// cache_bounded (negative control): a bounded LRU cache owned by a long-lived context.
// Its memory grows until the cache is full, then plateaus: retained, but bounded — not a
// leak. Three snapshots show growth, then a plateau.
//
// Usage: cache_bounded [--out PREFIX]    writes PREFIX.0001.ctxheap, .0002, .0003
#include <list>
#include <string>
#include <unordered_map>

#include "ctxheap/context/all.hpp"
#include "sample_support.hpp"

namespace {

class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {}
  void put(int key, std::string value) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.erase(it->second);
      index_.erase(it);
    }
    order_.emplace_front(key, std::move(value));
    index_[key] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  std::size_t capacity_;
  std::list<std::pair<int, std::string>> order_;
  std::unordered_map<int, std::list<std::pair<int, std::string>>::iterator> index_;
};

}  // namespace

[[gnu::noinline]] void fill(LruCache& cache, const ctxheap::Context& owner, int from, int to) {
  ctxheap::CurrentScope scope(owner);
  for (int k = from; k < to; ++k) cache.put(k, std::string(1024, static_cast<char>('a' + k % 26)));
}

int main(int argc, char** argv) {
  samples::start("cache_bounded", argc, argv);
  auto [service, stop_service] = ctxheap::with_cancel(ctxheap::background(), "cache-service");
  LruCache cache(2000);
  fill(cache, service, 0, 1000);
  samples::snapshot();  // half full
  fill(cache, service, 1000, 6000);
  samples::snapshot();  // full: 2,000 entries
  fill(cache, service, 6000, 12000);
  samples::snapshot();  // still 2,000 entries: a plateau
  stop_service();
  return 0;
}
