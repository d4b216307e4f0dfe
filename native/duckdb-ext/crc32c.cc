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
// GF(2) product a*b mod P in the reflected bit order (bit 31 is x^0).
uint32_t MulModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (int i = 0; i < 32; i++) {
    if (a & 0x80000000u) product ^= b;
    a <<= 1;
    b = (b & 1) ? (b >> 1) ^ 0x82F63B78u : b >> 1;
  }
  return product;
}

// x^(8n) mod P: multiplying a raw CRC by it is the CRC of n more zero bytes.
uint32_t ShiftFor(size_t n) {
  uint32_t result = 0x80000000u, power = 0x00800000u;
  for (; n != 0; n >>= 1) {
    if (n & 1) result = MulModP(result, power);
    power = MulModP(power, power);
  }
  return result;
}

// A scan checks every frame it reads (512 KiB each), so this runs at memory
// speed: three crc32 streams over adjacent blocks hide the instruction's
// latency, and the first two are then shifted past the bytes after them.
constexpr size_t kBlock = 8192;
const uint32_t kShift1 = ShiftFor(kBlock);
const uint32_t kShift2 = ShiftFor(2 * kBlock);

__attribute__((target("sse4.2"))) uint32_t UpdateSse42(uint32_t c, const uint8_t* p, size_t n) {
  while (n >= 3 * kBlock) {
    uint64_t a = c, b = 0, d = 0;
    for (size_t i = 0; i < kBlock; i += 8) {
      uint64_t wa, wb, wd;
      std::memcpy(&wa, p + i, 8);
      std::memcpy(&wb, p + kBlock + i, 8);
      std::memcpy(&wd, p + 2 * kBlock + i, 8);
      a = _mm_crc32_u64(a, wa);
      b = _mm_crc32_u64(b, wb);
      d = _mm_crc32_u64(d, wd);
    }
    c = MulModP(static_cast<uint32_t>(a), kShift2) ^ MulModP(static_cast<uint32_t>(b), kShift1) ^ static_cast<uint32_t>(d);
    p += 3 * kBlock;
    n -= 3 * kBlock;
  }
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
