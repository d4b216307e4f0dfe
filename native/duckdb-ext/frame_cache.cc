#include "frame_cache.h"

#include <cstdlib>

namespace holtext {

FrameCache& FrameCache::Process() {
  static FrameCache* cache = [] {
    uint64_t mb = 256;
    if (const char* env = std::getenv("HOLT_DUCKDB_CACHE_MB")) {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(env, &end, 10);
      if (end != env && *end == '\0') mb = v;
    }
    return new FrameCache(mb << 20);  // never destroyed: queries may still run while the process exits
  }();
  return *cache;
}

FrameRef FrameCache::Find(const FrameKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = map_.find(key);
  if (it == map_.end()) {
    misses_++;
    return nullptr;
  }
  hits_++;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.frame;
}

void FrameCache::Insert(const FrameKey& key, FrameRef frame) {
  std::lock_guard<std::mutex> lock(mu_);
  if (frame->limit > budget_ || map_.count(key) != 0) return;
  lru_.push_front(key);
  bytes_ += frame->limit;
  map_.emplace(key, Entry{std::move(frame), lru_.begin()});
  EvictLocked();
}

void FrameCache::EvictLocked() {
  while (bytes_ > budget_ && !lru_.empty()) {
    const auto it = map_.find(lru_.back());
    bytes_ -= it->second.frame->limit;
    map_.erase(it);
    lru_.pop_back();
  }
}

FrameCacheStats FrameCache::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return FrameCacheStats{map_.size(), bytes_, budget_, hits_, misses_};
}

void FrameCache::SetBudget(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  budget_ = bytes;
  EvictLocked();
}

}  // namespace holtext
