// Holt's on-disk format as the extension reads it: the constants of
// src/layout/*, src/store/manifest.ts, src/wal/* and src/db/catalog-codec.ts,
// restated for C++. The TypeScript modules are the definition; the
// differential test (test/duckdb-ext/) checks that both read the same rows.
#pragma once

#include <cstdint>
#include <cstring>

namespace holtext {

// ---- frames (layout/frame-header.ts) ----
constexpr uint32_t kFrameSize = 512 * 1024;
constexpr uint32_t kFrameMagic = 0x46544c48;  // "HLTF"
constexpr uint32_t kHFrameId = 0x08;
constexpr uint32_t kHTreeId = 0x0c;
constexpr uint32_t kHChecksum = 0x10;
constexpr uint32_t kHRootRef = 0x14;
constexpr uint32_t kHExtraRoots = 0x100;
constexpr uint32_t kMaxRoots = 1025;
constexpr uint32_t kDataStart = 0xb000;
// read index (layout/read-index.ts): each data-file slot is a frame image and 16 index pages
constexpr uint64_t kSlotBytes = kFrameSize + 16 * 4096;

// ---- nodes (layout/node-types.ts, inner-nodes.ts, leaf.ts, prefix.ts, crossing.ts) ----
constexpr uint8_t kNodeLeaf = 1;
constexpr uint8_t kNodePrefix = 2;
constexpr uint8_t kNodeCrossing = 3;
constexpr uint8_t kNode4 = 4;
constexpr uint8_t kNode16 = 5;
constexpr uint8_t kNode48 = 6;
constexpr uint8_t kNode256 = 7;
constexpr uint8_t kNodeEmptyRoot = 8;
constexpr uint32_t kTypeOffset = 1;
constexpr uint32_t kInnerCount = 0;
constexpr uint32_t kInnerTerminal = 2;
constexpr uint32_t kN4Keys = 4, kN4Children = 8;
constexpr uint32_t kN16Keys = 8, kN16Children = 24;
constexpr uint32_t kN48Index = 8, kN48Children = 264;
constexpr uint32_t kN256Children = 8;
constexpr uint32_t kLeafKeyLen = 2, kLeafValueLen = 4, kLeafVersion = 8, kLeafHeader = 16;
constexpr uint32_t kPrefixLen = 2, kPrefixChild = 4, kPrefixBytes = 8;
constexpr uint32_t kCrossingRoot = 2, kCrossingChildFrame = 4;
constexpr uint32_t kMaxKeyBytes = 16384;

// ---- WAL (wal/wal-header.ts, wal/record-codec.ts) ----
constexpr uint32_t kWalMagic = 0x4c415748;  // "HWAL"
constexpr uint32_t kWalHeaderSize = 4096;
constexpr uint32_t kWalHeaderUsed = 36;
constexpr uint32_t kRecordMagic = 0x43455248;  // "HREC"
constexpr uint32_t kRecordHeader = 17;
constexpr uint32_t kRecordOverhead = 21;
constexpr uint32_t kMaxRecordBytes = 16 * 1024 * 1024;
constexpr uint8_t kOpPut = 1, kOpDelete = 2, kOpRename = 3, kOpBatch = 4;

// ---- catalog (db/tree-ids.ts, db/catalog-codec.ts) ----
constexpr uint64_t kCatalogTreeId = 0x686f6c746462ULL;

inline uint16_t U16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t U32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t U64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }
inline double F64(const uint8_t* p) { double v; std::memcpy(&v, p, 8); return v; }

// A child ref (layout/child-ref.ts) as a byte offset in its frame; 0 stays 0 (no child).
inline uint32_t DecodeRef(uint16_t ref) { return ref == 0 ? 0 : (static_cast<uint32_t>(ref) + (kDataStart >> 3) - 1) << 3; }

}  // namespace holtext
