// DataFile: DIR/data.holt mapped read-only, handing out frame images by frame
// id through the manifest's slot map. Each frame is checked (magic, id, CRC32C
// of the whole image: store/frame-checksum.ts) the first time it is asked for.
// A live writer never rewrites a slot the reader's claimed manifest names, so
// the mapping stays valid for the reader's lifetime.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace holtext {

class DataFile {
 public:
  DataFile(const std::string& dir, std::unordered_map<uint32_t, uint32_t> slots);
  ~DataFile();
  DataFile(const DataFile&) = delete;
  DataFile& operator=(const DataFile&) = delete;

  // The 512 KiB image of frame `id`, checked. Throws CORRUPT (file, offset).
  const uint8_t* Frame(uint32_t id);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unordered_map<uint32_t, uint32_t> slots_;
  const uint8_t* map_ = nullptr;
  uint64_t size_ = 0;
  std::mutex mu_;
  std::unordered_map<uint32_t, const uint8_t*> checked_;
};

}  // namespace holtext
