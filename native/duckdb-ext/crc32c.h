// CRC-32C as src/checksum/crc32c.ts computes it (reflected 0x82F63B78, pre-
// and post-inverted; `seed` continues an earlier result).
#pragma once

#include <cstddef>
#include <cstdint>

namespace holtext {

uint32_t Crc32c(const uint8_t* data, size_t n, uint32_t seed = 0);

}  // namespace holtext
