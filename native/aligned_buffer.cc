#include "aligned_buffer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "args.h"
#include "errors.h"

namespace holt {

namespace {

// 2 GiB: far above any frame batch, and low enough that overcommit cannot
// turn a typo into an OOM kill while the memory is zeroed.
constexpr int64_t kMaxAlloc = int64_t{1} << 31;

}  // namespace

Napi::Value AllocAligned(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t size = ToOffset(info[0], "size");
  if (size > kMaxAlloc) {
    throw ArgError(env, "allocation of " + std::to_string(size) + " bytes exceeds the 2 GiB limit");
  }
  size_t length = (static_cast<size_t>(size) + kAlignment - 1) & ~(kAlignment - 1);
  if (length == 0) return Napi::Uint8Array::New(env, 0);

  void* memory = nullptr;
  int err = ::posix_memalign(&memory, kAlignment, length);
  if (err != 0) throw OsError(env, err, "posix_memalign", "");
  std::memset(memory, 0, length);

  Napi::ArrayBuffer buffer;
  try {
    buffer = Napi::ArrayBuffer::New(env, memory, length, [length](Napi::Env finalize_env, void* data) {
      std::free(data);
      Napi::MemoryManagement::AdjustExternalMemory(finalize_env, -static_cast<int64_t>(length));
    });
  } catch (...) {
    std::free(memory);  // e.g. a runtime that forbids external buffers
    throw;
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(length));
  return Napi::Uint8Array::New(env, length, buffer, 0);
}

}  // namespace holt
