// The manifest (src/store/manifest.ts): frame id -> data-file slot, the
// catalog's records, each tree's root location, and the first live WAL segment.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace holtext {

struct ManifestTree {
  uint64_t tree_id = 0;
  uint32_t root_frame = 0;
  uint16_t root_index = 0;
  bool shared = false;
  uint64_t key_count = 0;
};

struct Manifest {
  double high_water = 0;
  uint32_t wal_segment = 1;
  std::vector<std::pair<std::string, std::string>> catalog;
  std::vector<ManifestTree> trees;
  std::unordered_map<uint32_t, uint32_t> frames;  // frame id -> slot
};

// Reads DIR/MANIFEST; false when there is none (a directory never checkpointed).
// Throws HoltFailure CORRUPT naming the file and offset on damage.
bool ReadManifest(const std::string& dir, Manifest* out);

}  // namespace holtext
