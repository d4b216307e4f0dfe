// FrameCache: the process's checked frames, so a query does not check again
// what an earlier query in this process already checked. DuckDB keeps the
// extension loaded for the life of the process, so every connection and every
// query shares one cache, bounded in bytes (HOLT_DUCKDB_CACHE_MB, default 256,
// as the engine's cacheMB; 0 turns it off) and evicted least recently used.
//
// An entry is a private copy of the bytes that passed the check, never a view
// of the file: a hit serves exactly what was checked. Its key names the slot's
// contents, not just the slot: the data file (device, inode and the inode's
// birth time, so a new file that reuses a deleted one's inode is another file;
// where the file system keeps no birth time, its change time, which only
// costs misses after each write), the slot, the frame id and the two checksums
// the slot stores (the frame's CRC in its header and its read index's page CRC). A reader looks those up on disk for every
// frame of every query (DataFile::Frame), so a slot the writer filled again
// (a new version of the frame, or another frame) is a miss and is checked anew.
// What the key cannot see: a byte damaged inside a frame's body after this
// process checked it. The copy keeps answering with the checked bytes (what the
// checkpoint wrote) until it is evicted, as the engine's own frame cache does
// with a frame it loaded; the damage is reported by the next process, or by
// this one once the entry is gone. A damaged checksum field is a miss, so that
// is reported at once.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace holtext {

// A checked frame image: bytes [0, limit) as the check saw them.
struct CheckedFrame {
  std::unique_ptr<uint8_t[]> bytes;
  uint32_t limit = 0;
};
// Holding a FrameRef keeps its bytes alive after eviction: walks pin the frames they stand in.
using FrameRef = std::shared_ptr<const CheckedFrame>;

struct FrameKey {
  uint64_t dev = 0, ino = 0, born = 0;
  uint32_t slot = 0, frame_id = 0;
  uint32_t frame_crc = 0, index_crc = 0;
  bool operator==(const FrameKey& o) const {
    return dev == o.dev && ino == o.ino && born == o.born && slot == o.slot && frame_id == o.frame_id && frame_crc == o.frame_crc && index_crc == o.index_crc;
  }
};

struct FrameKeyHash {
  size_t operator()(const FrameKey& k) const {
    uint64_t h = (k.dev * 0x9E3779B97F4A7C15ULL ^ k.ino) * 0x9E3779B97F4A7C15ULL ^ k.born;
    h = h * 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(k.slot) << 32 | k.frame_id);
    h = h * 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(k.frame_crc) << 32 | k.index_crc);
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

struct FrameCacheStats {
  uint64_t frames = 0, bytes = 0, budget = 0, hits = 0, misses = 0;
};

class FrameCache {
 public:
  // The one cache of this process.
  static FrameCache& Process();

  FrameRef Find(const FrameKey& key);
  void Insert(const FrameKey& key, FrameRef frame);
  FrameCacheStats Stats();
  void SetBudget(uint64_t bytes);

 private:
  explicit FrameCache(uint64_t budget) : budget_(budget) {}
  void EvictLocked();

  struct Entry {
    FrameRef frame;
    std::list<FrameKey>::iterator lru;
  };
  std::mutex mu_;
  uint64_t budget_;
  uint64_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
  std::list<FrameKey> lru_;  // most recently used first
  std::unordered_map<FrameKey, Entry, FrameKeyHash> map_;
};

}  // namespace holtext
