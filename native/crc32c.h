// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of a byte range: the
// checksum of every on-disk record, computed here so a 512 KiB frame image is
// checked at memory speed instead of in the JS table loop.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace holt {

// CRC-32C of data[0, length), continuing `seed` (a previous result; 0 starts a
// new checksum): the same pre/post inversion as src/checksum/crc32c.ts, so
// Crc32c(b, n2, Crc32c(a, n1, 0)) equals the checksum of a followed by b.
// Uses the CPU's CRC-32C instruction when it has one (SSE4.2 on x86-64, the CRC32
// extension on arm64), a table otherwise.
uint32_t Crc32c(const uint8_t* data, size_t length, uint32_t seed);

// The table version alone, for tests of the dispatch and for other CPUs.
uint32_t Crc32cPortable(const uint8_t* data, size_t length, uint32_t seed);

// crc32c(buf, from, to, seed) -> unsigned 32-bit integer. `buf` a Uint8Array,
// 0 <= from <= to <= buf.length, seed an integer in [0, 2^32); anything else
// throws ERR_INVALID_ARG.
Napi::Value Crc32cExport(const Napi::CallbackInfo& info);

// crc32cPortable(...): the same with the table version, so tests cover the
// fallback on a CPU that has the instruction.
Napi::Value Crc32cPortableExport(const Napi::CallbackInfo& info);

// crc32cHardware() -> whether Crc32c uses the CPU instruction on this machine.
Napi::Value Crc32cHardware(const Napi::CallbackInfo& info);

}  // namespace holt
