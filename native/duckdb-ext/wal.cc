#include "wal.h"

#include <algorithm>
#include <cstdio>

#include "crc32c.h"
#include "errors.h"
#include "format.h"
#include "os_file.h"

namespace holtext {

namespace {

constexpr uint64_t kMaxSafe = 9007199254740991ULL;

struct Reader {
  const uint8_t* b;
  size_t p;
  size_t end;
  bool ok = true;
  bool Need(size_t n) { if (p + n > end) { ok = false; return false; } return true; }
  uint32_t Read32() { if (!Need(4)) return 0; const uint32_t v = U32(b + p); p += 4; return v; }
  uint8_t Read8() { if (!Need(1)) return 0; return b[p++]; }
  uint64_t Read64() {
    if (!Need(8)) return 0;
    const uint64_t v = U64(b + p);
    if (v > kMaxSafe) ok = false;
    p += 8;
    return v;
  }
  void Bytes(const uint8_t** out, uint32_t* len) {
    *len = Read32();
    if (!ok || !Need(*len)) return;
    *out = b + p;
    p += *len;
  }
};

enum Defect { kOk, kBadMagic, kBadLength, kBadChecksum, kBadSequence, kBadType, kBadBody, kTrailing };

const char* DefectName(Defect d) {
  switch (d) {
    case kBadMagic: return "bad magic";
    case kBadLength: return "bad length";
    case kBadChecksum: return "bad checksum";
    case kBadSequence: return "bad sequence";
    case kBadType: return "bad type";
    case kBadBody: return "bad body";
    case kTrailing: return "trailing bytes";
    default: return "ok";
  }
}

// The framed size of the record at p (needs kRecordHeader bytes), or a defect.
Defect Peek(const uint8_t* b, size_t p, size_t* framed) {
  if (U32(b + p) != kRecordMagic) return kBadMagic;
  const uint32_t len = U32(b + p + 4);
  if (len > kMaxRecordBytes - kRecordOverhead) return kBadLength;
  *framed = kRecordOverhead + len;
  return kOk;
}

bool ReadSingle(Reader& r, uint8_t type, WalOp* op) {
  op->type = type;
  op->tree_id = r.Read64();
  op->a = op->b = nullptr;
  op->a_len = op->b_len = 0;
  op->overwrite = false;
  switch (type) {
    case kOpPut: r.Bytes(&op->a, &op->a_len); r.Bytes(&op->b, &op->b_len); break;
    case kOpDelete: r.Bytes(&op->a, &op->a_len); break;
    case kOpRename: {
      r.Bytes(&op->a, &op->a_len);
      r.Bytes(&op->b, &op->b_len);
      const uint8_t flag = r.Read8();
      if (flag > 1) r.ok = false;
      op->overwrite = flag == 1;
      break;
    }
    default: return false;
  }
  return true;
}

// Decodes the whole record at p (its framed size is available).
Defect Decode(const uint8_t* b, size_t p, WalRecord* rec, size_t* framed) {
  const Defect d = Peek(b, p, framed);
  if (d != kOk) return d;
  const size_t body_end = p + *framed - 4;
  if (Crc32c(b + p, body_end - p) != U32(b + body_end)) return kBadChecksum;
  const uint64_t seq = U64(b + p + 8);
  if (seq < 1 || seq > kMaxSafe) return kBadSequence;
  rec->seq = seq;
  rec->ops.clear();
  const uint8_t type = b[p + 16];
  Reader r{b, p + kRecordHeader, body_end};
  if (type == kOpBatch) {
    rec->batch = true;
    const uint32_t count = r.Read32();
    if (!r.ok || count == 0) return kBadBody;
    if (seq + count - 1 > kMaxSafe) return kBadSequence;
    for (uint32_t i = 0; i < count; i++) {
      WalOp op;
      const uint8_t t = r.Read8();
      if (!r.ok) return kBadBody;
      if (!ReadSingle(r, t, &op)) return kBadType;
      if (!r.ok) return kBadBody;
      rec->ops.push_back(op);
    }
  } else {
    rec->batch = false;
    WalOp op;
    if (!ReadSingle(r, type, &op)) return kBadType;
    if (!r.ok) return kBadBody;
    rec->ops.push_back(op);
  }
  if (r.p != body_end) return kTrailing;
  return kOk;
}

bool AllZero(const uint8_t* b, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) if (b[i] != 0) return false;
  return true;
}

// A complete, checksum-valid record starts somewhere in [from, to).
bool ValidRecordWithin(const uint8_t* b, size_t size, size_t from, size_t to) {
  if (size < kRecordOverhead) return false;
  const size_t last = std::min(to, size - kRecordOverhead);
  WalRecord rec;
  for (size_t q = from; q <= last; q++) {
    if (U32(b + q) != kRecordMagic) continue;
    size_t framed;
    if (Peek(b, q, &framed) != kOk || q + framed > size) continue;
    if (Decode(b, q, &rec, &framed) == kOk) return true;
  }
  return false;
}

HoltFailure CorruptWal(const std::string& file, size_t offset, const std::string& what) {
  return HoltFailure("CORRUPT", "WAL file " + file + " is corrupt at byte offset " + std::to_string(offset) + ": " + what);
}

}  // namespace

SegmentEnd ReadSegment(const std::string& file, const std::string& bytes, bool live,
                       const std::function<void(const WalRecord&)>& on_record) {
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  SegmentEnd out;
  if (size == 0 || AllZero(b, 0, std::min<size_t>(size, kWalHeaderUsed))) {
    // No header was made durable; records come only after it.
    for (size_t i = 0; i < size; i++) if (b[i] != 0) throw CorruptWal(file, i, "data after a missing header");
    return out;
  }
  auto header_corrupt = [&](size_t at, const std::string& what) {
    return HoltFailure("CORRUPT", "WAL header of " + file + " is corrupt at byte " + std::to_string(at) + ": " + what);
  };
  if (size < kWalHeaderUsed) throw header_corrupt(size, "header is truncated");
  if (U32(b) != kWalMagic) throw header_corrupt(0, "bad magic");
  if (Crc32c(b, 32) != U32(b + 32)) throw header_corrupt(32, "checksum mismatch");
  if (U32(b + 4) != 1) throw header_corrupt(4, "unsupported format version");
  if (U32(b + 8) != kWalHeaderSize) throw header_corrupt(8, "unexpected header size");
  out.base_seq = U64(b + 16);
  if (out.base_seq > kMaxSafe) throw header_corrupt(16, "base sequence is not a safe integer");
  size_t p = kWalHeaderSize;
  uint64_t last = 0;
  WalRecord rec;
  while (p < size) {
    if (size - p < kRecordHeader) break;
    size_t framed = 0;
    const Defect peek = Peek(b, p, &framed);
    if (live && (peek != kOk || p + framed > size)) break;
    if (peek == kBadMagic) {
      size_t k = 0;
      static const uint8_t kMagic[4] = {'H', 'R', 'E', 'C'};
      while (k < 4 && b[p + k] == kMagic[k]) k++;
      if (AllZero(b, p + k, size)) break;
      throw CorruptWal(file, p, "bad record magic");
    }
    if (peek == kBadLength) throw CorruptWal(file, p, "record length out of range");
    if (p + framed > size) {
      if (ValidRecordWithin(b, size, p + 1, size)) throw CorruptWal(file, p, "record length runs past a later record");
      break;
    }
    const Defect d = Decode(b, p, &rec, &framed);
    if (d != kOk) {
      if (live) break;
      if (AllZero(b, p + framed, size) && !ValidRecordWithin(b, size, p + 1, p + framed)) break;
      throw CorruptWal(file, p, DefectName(d));
    }
    if (rec.seq <= last) throw CorruptWal(file, p, "sequence " + std::to_string(rec.seq) + " does not follow " + std::to_string(last));
    on_record(rec);
    last = rec.seq + rec.ops.size() - 1;
    p += framed;
  }
  out.last_seq = last;
  out.torn = !live && p < size && !AllZero(b, p, size);
  return out;
}

std::vector<uint32_t> ListSegments(const std::string& dir) {
  std::vector<uint32_t> out;
  for (const auto& name : ListDir(dir)) {
    // wal-(\d{6,}).log
    if (name.size() < 14 || name.compare(0, 4, "wal-") != 0 || name.compare(name.size() - 4, 4, ".log") != 0) continue;
    const std::string digits = name.substr(4, name.size() - 8);
    if (digits.size() < 6 || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    out.push_back(static_cast<uint32_t>(std::stoul(digits)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string SegmentPath(const std::string& dir, uint32_t n) {
  char name[32];
  std::snprintf(name, sizeof name, "wal-%06u.log", n);
  return dir + "/" + name;
}

}  // namespace holtext
