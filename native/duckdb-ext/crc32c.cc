#include "crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace holtext {

namespace {

struct Table {
  uint32_t t[256];
  Table() {
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t c = b;
      for (int i = 0; i < 8; i++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[b] = c;
    }
  }
};
const Table kTable;

uint32_t UpdateTable(uint32_t c, const uint8_t* p, size_t n) {
  while (n-- > 0) c = kTable.t[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
// Frames are 512 KiB and checked once per scan: one crc32 stream is fast enough.
__attribute__((target("sse4.2"))) uint32_t UpdateSse42(uint32_t c, const uint8_t* p, size_t n) {
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c64 = _mm_crc32_u64(c64, w);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n-- > 0) c = _mm_crc32_u8(c, *p++);
  return c;
}
const bool kHardware = __builtin_cpu_supports("sse4.2");
#endif

}  // namespace

uint32_t Crc32c(const uint8_t* data, size_t n, uint32_t seed) {
  uint32_t c = ~seed;
#if defined(__x86_64__)
  if (kHardware) return ~UpdateSse42(c, data, n);
#endif
  return ~UpdateTable(c, data, n);
}

}  // namespace holtext
