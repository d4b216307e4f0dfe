#include "data_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include "crc32c.h"
#include "errors.h"
#include "format.h"

namespace holtext {

DataFile::DataFile(const std::string& dir, std::unordered_map<uint32_t, uint32_t> slots)
    : path_(dir + "/data.holt"), slots_(std::move(slots)) {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw HoltFailure("NOT_FOUND", "no database at " + dir);
    throw HoltFailure("IO_ERROR", "cannot open " + path_ + ": " + std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw HoltFailure("IO_ERROR", "cannot stat " + path_ + ": " + std::strerror(e));
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ > 0) {
    void* m = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
      const int e = errno;
      ::close(fd);
      throw HoltFailure("IO_ERROR", "cannot map " + path_ + ": " + std::strerror(e));
    }
    map_ = static_cast<const uint8_t*>(m);
  }
  ::close(fd);  // the mapping keeps the file
}

DataFile::~DataFile() {
  if (map_ != nullptr) munmap(const_cast<uint8_t*>(map_), size_);
}

namespace {

constexpr uint32_t kPage = 4096;
constexpr uint32_t kIndexMagic = 0x58495248;  // "HRIX"
constexpr uint32_t kIndexCrc = 12;
constexpr uint32_t kIndexPageCrcs = 16;
constexpr uint32_t kHSpaceUsed = 0x18;

// CRC32C of `n` bytes with the 4 bytes at `field` counted as zero.
uint32_t CrcWithZeroField(const uint8_t* p, uint32_t n, uint32_t field) {
  static const uint8_t kZero[4] = {0, 0, 0, 0};
  uint32_t crc = Crc32c(p, field);
  crc = Crc32c(kZero, 4, crc);
  return Crc32c(p + field + 4, n - field - 4, crc);
}

}  // namespace

DataFile::Image DataFile::Frame(uint32_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto hit = checked_.find(id);
  if (hit != checked_.end()) return hit->second;
  const auto slot = slots_.find(id);
  if (slot == slots_.end()) throw Corrupt(path_, 0, "frame " + std::to_string(id) + " is not in the manifest");
  const uint64_t off = static_cast<uint64_t>(slot->second) * kSlotBytes;
  if (off + kFrameSize > size_) throw Corrupt(path_, off, "frame " + std::to_string(id) + " lies past the end of the file (truncated)");
  const uint8_t* f = map_ + off;
  if (U32(f) != kFrameMagic) throw Corrupt(path_, off, "bad frame magic in frame " + std::to_string(id));
  if (U32(f + kHFrameId) != id) throw Corrupt(path_, off + kHFrameId, "frame id " + std::to_string(U32(f + kHFrameId)) + ", expected " + std::to_string(id));
  Image image{f, kFrameSize};
  // Map the whole slot (image and index) in one call rather than a fault per page.
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
  madvise(const_cast<uint8_t*>(f), std::min<uint64_t>(kSlotBytes, size_ - off), MADV_POPULATE_READ);
  const uint8_t* dir = f + kFrameSize;
  const bool indexed = off + kFrameSize + kPage <= size_ && U32(dir) == kIndexMagic && U32(dir + 4) == id &&
                       U32(dir + kIndexCrc) == CrcWithZeroField(dir, kPage, kIndexCrc);
  const uint32_t used = U32(f + kHSpaceUsed);
  if (indexed && used >= kDataStart && used <= kFrameSize) {
    // Only what the walk can reach: the header page and the data area's pages below the bump cursor.
    image.limit = used;
    for (uint32_t page = 0; page * kPage < used; page++) {
      if (page != 0 && page * kPage < kDataStart) page = kDataStart / kPage;
      if (Crc32c(f + page * kPage, kPage) != U32(dir + kIndexPageCrcs + 4 * page)) {
        throw Corrupt(path_, off + page * kPage, "frame " + std::to_string(id) + " page " + std::to_string(page) + " checksum mismatch");
      }
    }
  } else if (CrcWithZeroField(f, kFrameSize, kHChecksum) != U32(f + kHChecksum)) {
    throw Corrupt(path_, off + kHChecksum, "frame " + std::to_string(id) + " checksum mismatch");
  }
  checked_.emplace(id, image);
  return image;
}

}  // namespace holtext
