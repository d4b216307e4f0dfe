// DataFile: DIR/data.holt, handing out checked frame images by frame id
// through the manifest's slot map. A frame is checked when this process first
// reads that slot's contents: magic and id, then every byte the reader may
// interpret (the header page and the data area up to the bump cursor) against
// the page CRCs of the slot's read index (layout/read-index.ts), itself
// CRC-checked; when the index page is damaged, the whole image against the
// frame's own CRC32C (store/frame-checksum.ts). The checked bytes are copied
// into the process's FrameCache (frame_cache.h says what its key guarantees);
// later queries that find the slot's stored checksums unchanged take the copy
// without reading or checking the image again. The walk never reads past `limit`.
// A live writer never rewrites a slot the reader's claimed manifest names, so
// the slot found once stays valid for this DataFile's lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "frame_cache.h"

namespace holtext {

class DataFile {
 public:
  DataFile(const std::string& dir, std::unordered_map<uint32_t, uint32_t> slots);
  ~DataFile();
  DataFile(const DataFile&) = delete;
  DataFile& operator=(const DataFile&) = delete;

  // The image of frame `id`, checked (bytes valid while the ref is held).
  // Throws CORRUPT (file, offset). Safe to call from several threads.
  FrameRef Frame(uint32_t id);
  const std::string& path() const { return path_; }

 private:
  FrameRef Load(uint32_t id, uint32_t slot, const FrameKey& key);
  void ReadAt(uint8_t* into, uint64_t off, uint32_t n);

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0, dev_ = 0, ino_ = 0, born_ = 0;  // the file's identity in FrameKey
  std::unordered_map<uint32_t, uint32_t> slots_;
  std::mutex mu_;
  // Keys of the slots this view has looked up on disk: the claim keeps them unchanged.
  std::unordered_map<uint32_t, FrameKey> keys_;
};

}  // namespace holtext
