#include "manifest.h"

#include <cerrno>
#include <cstring>

#include "crc32c.h"
#include "errors.h"
#include "format.h"
#include "os_file.h"

namespace holtext {

namespace {
constexpr uint32_t kManifestMagic = 0x4e414d48;  // "HMAN"
}

bool ReadManifest(const std::string& dir, Manifest* m) {
  const std::string file = dir + "/MANIFEST";
  std::string bytes;
  if (!ReadWholeFile(file, &bytes)) return false;
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  if (size < 36) throw Corrupt(file, size, "manifest truncated");
  const size_t end = size - 4;
  if (U32(b + end) != Crc32c(b, end)) throw Corrupt(file, end, "manifest checksum mismatch");
  if (U32(b) != kManifestMagic) throw Corrupt(file, 0, "bad manifest magic");
  const uint32_t version = U32(b + 4);
  if (version != 2 && version != 3) throw Corrupt(file, 4, "unsupported manifest version " + std::to_string(version));
  size_t p = 8;
  auto need = [&](size_t n) { if (p + n > end) throw Corrupt(file, p, "manifest field runs past the end"); };
  need(20);
  m->high_water = F64(b + p); p += 8;
  m->wal_segment = U32(b + p); p += 4;
  p += 8;  // next frame id, next slot: the writer's business
  need(4);
  const uint32_t n_cat = U32(b + p); p += 4;
  for (uint32_t i = 0; i < n_cat; i++) {
    need(4); const uint32_t kl = U32(b + p); p += 4; need(kl);
    std::string key(bytes, p, kl); p += kl;
    need(4); const uint32_t vl = U32(b + p); p += 4; need(vl);
    m->catalog.emplace_back(std::move(key), std::string(bytes, p, vl)); p += vl;
  }
  need(4);
  const uint32_t n_trees = U32(b + p); p += 4;
  const size_t entry = version == 2 ? 20 : 24;
  for (uint32_t i = 0; i < n_trees; i++) {
    need(entry);
    ManifestTree t;
    const double id = F64(b + p);
    const double keys = F64(b + p + 12);
    if (!(id >= 0 && id < 9007199254740992.0) || !(keys >= 0 && keys < 9007199254740992.0)) throw Corrupt(file, p, "bad tree entry");
    t.tree_id = static_cast<uint64_t>(id);
    t.root_frame = U32(b + p + 8);
    t.key_count = static_cast<uint64_t>(keys);
    if (version != 2) {
      t.root_index = U16(b + p + 20);
      t.shared = (U16(b + p + 22) & 1) != 0;
    }
    m->trees.push_back(t);
    p += entry;
  }
  need(4);
  const uint32_t n_frames = U32(b + p); p += 4;
  need(static_cast<size_t>(n_frames) * 8);
  for (uint32_t i = 0; i < n_frames; i++) {
    m->frames[U32(b + p)] = U32(b + p + 4);
    p += 8;
  }
  if (p != end) throw Corrupt(file, p, "trailing bytes in manifest");
  return true;
}

}  // namespace holtext
