// Keys as VARCHAR: valid UTF-8 as is; anything else decoded the way Node's
// Buffer#toString('utf8') does (the WHATWG UTF-8 decoder: each maximal
// invalid subsequence becomes U+FFFD), so the `key` column matches the JS
// bridge's byte for byte. `key_bytes` is always exact.
#pragma once

#include <cstdint>
#include <string>

namespace holtext {

// True when [p, p+n) is valid UTF-8 (no surrogates, no overlongs).
bool IsUtf8(const uint8_t* p, uint32_t n);

// The WHATWG decoding of [p, p+n), re-encoded as UTF-8.
std::string Utf8Replace(const uint8_t* p, uint32_t n);

}  // namespace holtext
