// Aligned memory for O_DIRECT, handed to JS as a Uint8Array with no copy.
#pragma once

#include <napi.h>

namespace holt {

// allocAligned(size): zeroed memory from posix_memalign whose address and
// length are multiples of 4096 (length rounded up; 0 gives an empty array).
// The ArrayBuffer is external: its finalizer frees the memory, and V8 is told
// about the allocation so garbage collection feels its weight.
Napi::Value AllocAligned(const Napi::CallbackInfo& info);

}  // namespace holt
