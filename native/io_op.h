// IoOp: one read, write or sync of a batch, in the form both backends run it
// (the libuv thread pool in pool_runner.cc, io_uring in uring_queue.cc). It
// holds raw memory only; the Batch that owns it pins the JS buffers and turns
// its outcome into a promise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace holt {

class Batch;

enum class OpKind : uint8_t { kRead, kWrite, kSyncData, kSyncAll };

struct IoOp {
  OpKind kind = OpKind::kRead;
  int fd = -1;
  // A short read on an O_DIRECT descriptor ends the op: the rest would start unaligned.
  bool direct = false;
  uint8_t* data = nullptr;
  size_t length = 0;
  int64_t offset = 0;

  // Outcome: bytes moved so far, and 0 or the errno that ended the op.
  size_t done = 0;
  int err = 0;
  // The call that failed when it is not the op's own (io_uring_enter refusing a submission).
  const char* failed_call = nullptr;

  // Whom to tell when the op ends, and (io_uring) the bytes the SQE in flight asked for.
  Batch* batch = nullptr;
  uint32_t index = 0;
  uint32_t asked = 0;
};

inline bool MovesBytes(OpKind kind) { return kind == OpKind::kRead || kind == OpKind::kWrite; }

// The system call named in an error about `op`.
inline const char* SyscallOf(const IoOp& op) {
  if (op.failed_call != nullptr) return op.failed_call;
  switch (op.kind) {
    case OpKind::kRead: return "pread";
    case OpKind::kWrite: return "pwrite";
    case OpKind::kSyncData: return "fdatasync";
    case OpKind::kSyncAll: return "fsync";
  }
  return "io";
}

}  // namespace holt
