// WAL segments (src/wal/*): the 4 KiB header, then framed records
//   magic "HREC" u32 | body length u32 | seq u64 | type u8 | body | CRC32C u32
// read front to back with the rules of wal/wal-reader.ts for where the log
// ends: a torn tail (cut short, zeros, a bad last record followed only by
// zeros) ends it quietly; anything else is CORRUPT with file and offset.
// Beside a live writer the first record that does not decode ends the log.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace holtext {

struct WalOp {
  uint8_t type;  // kOpPut, kOpDelete, kOpRename
  uint64_t tree_id;
  const uint8_t* a;  // key (rename: from)
  uint32_t a_len;
  const uint8_t* b;  // value (rename: to)
  uint32_t b_len;
  bool overwrite;
};

// One record: its first sequence number and its ops (one, or a batch's; op i has seq + i).
struct WalRecord {
  uint64_t seq;
  bool batch;
  std::vector<WalOp> ops;
};

struct SegmentEnd {
  uint64_t base_seq = 0;
  uint64_t last_seq = 0;
  // Non-zero bytes follow the last record: what follows cannot belong to the log.
  bool torn = false;
};

// Reads the records of segment `file` (its bytes in `bytes`), handing each to
// `on_record` (views into `bytes`). `live`: a writer may be appending.
SegmentEnd ReadSegment(const std::string& file, const std::string& bytes, bool live,
                       const std::function<void(const WalRecord&)>& on_record);

// WAL segment numbers present in `dir` (wal-NNNNNN.log), ascending.
std::vector<uint32_t> ListSegments(const std::string& dir);
std::string SegmentPath(const std::string& dir, uint32_t n);

}  // namespace holtext
