// DataFile: DIR/data.holt mapped read-only, handing out frame images by frame
// id through the manifest's slot map. Each frame is checked the first time it
// is asked for: magic and id, then every byte the reader may interpret (the
// header page and the data area up to the bump cursor) against the page
// CRCs of the slot's read index (layout/read-index.ts), itself CRC-checked;
// when the index page is damaged, the whole image against the frame's own
// CRC32C (store/frame-checksum.ts). The walk never reads past `limit`.
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

  struct Image {
    const uint8_t* bytes;
    uint32_t limit;  // bytes at or past this offset were not checked: never read them
  };
  // The 512 KiB image of frame `id`, checked. Throws CORRUPT (file, offset).
  Image Frame(uint32_t id);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unordered_map<uint32_t, uint32_t> slots_;
  const uint8_t* map_ = nullptr;
  uint64_t size_ = 0;
  std::mutex mu_;
  std::unordered_map<uint32_t, Image> checked_;
};

}  // namespace holtext
