#include "data_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crc32c.h"
#include "errors.h"
#include "format.h"

namespace holtext {

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

DataFile::DataFile(const std::string& dir, std::unordered_map<uint32_t, uint32_t> slots)
    : path_(dir + "/data.holt"), slots_(std::move(slots)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno == ENOENT) throw HoltFailure("NOT_FOUND", "no database at " + dir);
    throw HoltFailure("IO_ERROR", "cannot open " + path_ + ": " + std::strerror(errno));
  }
  struct statx st;
  if (statx(fd_, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
    const int e = errno;
    ::close(fd_);
    throw HoltFailure("IO_ERROR", "cannot stat " + path_ + ": " + std::strerror(e));
  }
  size_ = st.stx_size;
  dev_ = static_cast<uint64_t>(st.stx_dev_major) << 32 | st.stx_dev_minor;
  ino_ = st.stx_ino;
  // Which incarnation of the inode: its birth, else (no birth time kept) its last change.
  const struct statx_timestamp& t = (st.stx_mask & STATX_BTIME) != 0 ? st.stx_btime : st.stx_ctime;
  born_ = static_cast<uint64_t>(t.tv_sec) * 1000000000ULL + t.tv_nsec;
}

DataFile::~DataFile() { ::close(fd_); }

void DataFile::ReadAt(uint8_t* into, uint64_t off, uint32_t n) {
  uint32_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, into + done, n - done, static_cast<off_t>(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw HoltFailure("IO_ERROR", "cannot read " + path_ + " at byte " + std::to_string(off + done) + ": " + std::strerror(errno));
    if (r == 0) throw Corrupt(path_, off + done, "data file ends inside a frame (truncated)");
    done += static_cast<uint32_t>(r);
  }
}

FrameRef DataFile::Frame(uint32_t id) {
  FrameKey key;
  uint32_t slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto s = slots_.find(id);
    if (s == slots_.end()) throw Corrupt(path_, 0, "frame " + std::to_string(id) + " is not in the manifest");
    slot = s->second;
    const auto k = keys_.find(id);
    if (k != keys_.end()) key = k->second;
  }
  const uint64_t off = static_cast<uint64_t>(slot) * kSlotBytes;
  if (key.ino == 0 && key.dev == 0 && key.born == 0) {
    // What the slot holds now, by the fields that change with it: the frame's identity and both stored checksums.
    if (off + kFrameSize > size_) throw Corrupt(path_, off, "frame " + std::to_string(id) + " lies past the end of the file (truncated)");
    uint8_t head[kHChecksum + 4];
    ReadAt(head, off, sizeof head);
    if (U32(head) != kFrameMagic) throw Corrupt(path_, off, "bad frame magic in frame " + std::to_string(id));
    if (U32(head + kHFrameId) != id) throw Corrupt(path_, off + kHFrameId, "frame id " + std::to_string(U32(head + kHFrameId)) + ", expected " + std::to_string(id));
    uint8_t index[kIndexCrc + 4] = {0};
    if (off + kFrameSize + kPage <= size_) ReadAt(index, off + kFrameSize, sizeof index);
    key = FrameKey{dev_, ino_, born_, slot, id, U32(head + kHChecksum), U32(index + kIndexCrc)};
    std::lock_guard<std::mutex> lock(mu_);
    keys_[id] = key;
  }
  FrameRef hit = FrameCache::Process().Find(key);
  if (hit != nullptr) return hit;
  FrameRef loaded = Load(id, slot, key);
  FrameCache::Process().Insert(key, loaded);
  return loaded;
}

FrameRef DataFile::Load(uint32_t id, uint32_t slot, const FrameKey& key) {
  const uint64_t off = static_cast<uint64_t>(slot) * kSlotBytes;
  auto frame = std::make_shared<CheckedFrame>();
  uint8_t dir[kPage];
  const bool has_index = off + kFrameSize + kPage <= size_;
  if (has_index) ReadAt(dir, off + kFrameSize, kPage);
  const bool indexed = has_index && U32(dir) == kIndexMagic && U32(dir + 4) == id && U32(dir + kIndexCrc) == CrcWithZeroField(dir, kPage, kIndexCrc);
  uint8_t header[kPage];
  ReadAt(header, off, kPage);
  const uint32_t used = U32(header + kHSpaceUsed);
  if (indexed && used >= kDataStart && used <= kFrameSize) {
    // Only what the walk can reach: the header page and the data area's pages below the bump cursor.
    const uint32_t limit = (used + kPage - 1) / kPage * kPage;
    frame->bytes.reset(new uint8_t[limit]);
    frame->limit = used;
    uint8_t* f = frame->bytes.get();
    std::memcpy(f, header, kPage);
    std::memset(f + kPage, 0, kDataStart - kPage);  // the slot table: never read by a walk
    ReadAt(f + kDataStart, off + kDataStart, limit - kDataStart);
    for (uint32_t page = 0; page * kPage < used; page++) {
      if (page != 0 && page * kPage < kDataStart) page = kDataStart / kPage;
      if (Crc32c(f + page * kPage, kPage) != U32(dir + kIndexPageCrcs + 4 * page)) {
        throw Corrupt(path_, off + page * kPage, "frame " + std::to_string(id) + " page " + std::to_string(page) + " checksum mismatch");
      }
    }
  } else {
    frame->bytes.reset(new uint8_t[kFrameSize]);
    frame->limit = kFrameSize;
    uint8_t* f = frame->bytes.get();
    ReadAt(f, off, kFrameSize);
    if (U32(f) != kFrameMagic) throw Corrupt(path_, off, "bad frame magic in frame " + std::to_string(id));
    if (U32(f + kHFrameId) != id) throw Corrupt(path_, off + kHFrameId, "frame id " + std::to_string(U32(f + kHFrameId)) + ", expected " + std::to_string(id));
    if (CrcWithZeroField(f, kFrameSize, kHChecksum) != U32(f + kHChecksum)) throw Corrupt(path_, off + kHChecksum, "frame " + std::to_string(id) + " checksum mismatch");
  }
  if (U32(frame->bytes.get() + kHChecksum) != key.frame_crc || (has_index && U32(dir + kIndexCrc) != key.index_crc)) {
    // The slot changed between the key's read and this one: only a writer ignoring our claim does that.
    throw Corrupt(path_, off + kHChecksum, "frame " + std::to_string(id) + " changed while it was read");
  }
  return frame;
}

}  // namespace holtext
