#include "crc32c.h"

#include <cmath>
#include <cstring>
#include <string>

#include "args.h"
#include "errors.h"

// The CPU's own CRC-32C instruction, where there is one: SSE4.2 on x86-64, the
// CRC32 extension on arm64 (ARMv8.1 makes it mandatory; most ARMv8.0 cores have it).
// Each is compiled for its extension only in the functions that use it and chosen
// at load, so the binary still runs on a CPU without it.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define HOLT_CRC32C_HW 1
#define HOLT_CRC32C_TARGET __attribute__((target("sse4.2")))
#elif defined(__aarch64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#include <arm_acle.h>
#include <sys/auxv.h>
#define HOLT_CRC32C_HW 1
#define HOLT_CRC32C_TARGET __attribute__((target("+crc")))
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)  // the kernel's arm64 hwcap bit, for libc headers without it
#endif
#endif

namespace holt {

namespace {

constexpr uint32_t kPoly = 0x82F63B78u;

// kTable[k][b]: the CRC of byte b followed by k zero bytes (slicing-by-8),
// the same tables src/checksum/crc32c.ts builds.
struct Tables {
  uint32_t t[8][256];
  Tables() {
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t c = b;
      for (int i = 0; i < 8; i++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t c = t[0][b];
      for (int k = 1; k < 8; k++) {
        c = (c >> 8) ^ t[0][c & 0xff];
        t[k][b] = c;
      }
    }
  }
};

const Tables kTables;

// Raw update, no inversions: `c` is the inverted running value.
uint32_t UpdatePortable(uint32_t c, const uint8_t* p, size_t n) {
  const auto& t = kTables.t;
  while (n >= 8) {
    uint32_t lo = c ^ (static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                       static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c;
}

#ifdef HOLT_CRC32C_HW

// One byte and one 8-byte word through the instruction; both fold the bits the
// same way (reflected, no inversions) on either architecture. `Reg` is the
// register the running value stays in: x86's 8-byte form takes and returns 64
// bits, and narrowing it every step would add a move to the loop's latency chain.
#ifdef __x86_64__
using Reg = uint64_t;
HOLT_CRC32C_TARGET inline uint32_t Step8(uint32_t c, uint8_t b) { return _mm_crc32_u8(c, b); }
HOLT_CRC32C_TARGET inline Reg Step64(Reg c, uint64_t w) { return _mm_crc32_u64(c, w); }
#else
using Reg = uint32_t;
HOLT_CRC32C_TARGET inline uint32_t Step8(uint32_t c, uint8_t b) { return __crc32cb(c, b); }
HOLT_CRC32C_TARGET inline Reg Step64(Reg c, uint64_t w) { return __crc32cd(c, w); }
#endif

// Polynomial product a*b mod P in the reflected bit order (bit 31 is x^0).
uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (int i = 0; i < 32; i++) {
    if (a & 0x80000000u) product ^= b;
    a <<= 1;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return product;
}

// x^(8n) mod P, reflected: multiplying a raw CRC by it appends n zero bytes.
uint32_t ZerosOperator(size_t n) {
  uint32_t result = 0x80000000u;  // x^0
  uint32_t power = 0x00800000u;   // x^8
  while (n != 0) {
    if (n & 1) result = MultiplyModP(result, power);
    power = MultiplyModP(power, power);
    n >>= 1;
  }
  return result;
}

// Three independent streams hide the crc32 instruction's 3-cycle latency;
// each block of kStripe bytes per stream is then folded together by
// multiplying the earlier streams' CRCs by x^(8 * bytes that follow them).
constexpr size_t kStripe = 4096;
const uint32_t kShift1 = ZerosOperator(kStripe);
const uint32_t kShift2 = ZerosOperator(2 * kStripe);

HOLT_CRC32C_TARGET uint32_t UpdateHardware(uint32_t c, const uint8_t* p, size_t n) {
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = Step8(c, *p++);
    n--;
  }
  while (n >= 3 * kStripe) {
    Reg a = c, b = 0, d = 0;
    for (size_t i = 0; i < kStripe; i += 8) {
      uint64_t wa, wb, wd;
      std::memcpy(&wa, p + i, 8);
      std::memcpy(&wb, p + kStripe + i, 8);
      std::memcpy(&wd, p + 2 * kStripe + i, 8);
      a = Step64(a, wa);
      b = Step64(b, wb);
      d = Step64(d, wd);
    }
    c = MultiplyModP(static_cast<uint32_t>(a), kShift2) ^ MultiplyModP(static_cast<uint32_t>(b), kShift1) ^
        static_cast<uint32_t>(d);
    p += 3 * kStripe;
    n -= 3 * kStripe;
  }
  Reg c64 = c;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c64 = Step64(c64, w);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n-- > 0) c = Step8(c, *p++);
  return c;
}

bool DetectHardware() {
#ifdef __x86_64__
  __builtin_cpu_init();  // harmless if libgcc already ran it; required before constructors
  return __builtin_cpu_supports("sse4.2");
#else
  return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
#endif
}

const bool kHardware = DetectHardware();

#else

const bool kHardware = false;

#endif

uint32_t ToSeed(const Napi::Value& value) {
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d >= 0 && d <= 4294967295.0 && std::floor(d) == d) return static_cast<uint32_t>(d);
  }
  throw ArgError(value.Env(), "seed must be an integer in [0, 2^32)");
}

}  // namespace

uint32_t Crc32cPortable(const uint8_t* data, size_t length, uint32_t seed) {
  return ~UpdatePortable(~seed, data, length);
}

uint32_t Crc32c(const uint8_t* data, size_t length, uint32_t seed) {
#ifdef HOLT_CRC32C_HW
  if (kHardware) return ~UpdateHardware(~seed, data, length);
#endif
  return ~UpdatePortable(~seed, data, length);
}

namespace {

// Both exports parse alike; `compute` is Crc32c or Crc32cPortable.
Napi::Value Crc32cCall(const Napi::CallbackInfo& info, uint32_t (*compute)(const uint8_t*, size_t, uint32_t)) {
  Napi::Env env = info.Env();
  Napi::Uint8Array buf = ToUint8Array(info[0], "buf");
  int64_t from = ToOffset(info[1], "from");
  int64_t to = ToOffset(info[2], "to");
  uint32_t seed = ToSeed(info[3]);
  size_t length = buf.ByteLength();
  if (from > to || static_cast<uint64_t>(to) > length) {
    throw ArgError(env, "range [" + std::to_string(from) + ", " + std::to_string(to) + ") is not within buffer length " +
                            std::to_string(length));
  }
  // No JS runs after the checks above, so the pointer cannot go stale.
  const uint8_t* data = buf.Data() + from;
  return Napi::Number::New(env, static_cast<double>(compute(data, static_cast<size_t>(to - from), seed)));
}

}  // namespace

Napi::Value Crc32cExport(const Napi::CallbackInfo& info) { return Crc32cCall(info, Crc32c); }

Napi::Value Crc32cPortableExport(const Napi::CallbackInfo& info) { return Crc32cCall(info, Crc32cPortable); }

Napi::Value Crc32cHardware(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), kHardware); }

}  // namespace holt
