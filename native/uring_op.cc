#include "uring_op.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "file_ops.h"

namespace holt {

void PrepareSqe(IoOp* op, uring::Sqe* sqe) {
  sqe->fd = op->fd;
  sqe->user_data = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(op));
  if (!MovesBytes(op->kind)) {
    sqe->opcode = uring::kOpFsync;
    sqe->op_flags = op->kind == OpKind::kSyncData ? uring::kFsyncDatasync : 0;
    return;
  }
  // An SQE's length is 32 bits; kMaxChunk (1 GiB) keeps every transfer below it.
  op->asked = static_cast<uint32_t>(std::min(op->length - op->done, kMaxChunk));
  sqe->opcode = op->kind == OpKind::kRead ? uring::kOpRead : uring::kOpWrite;
  sqe->addr = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(op->data + op->done));
  sqe->len = op->asked;
  sqe->off = static_cast<uint64_t>(op->offset) + op->done;
}

bool AdvanceOp(IoOp* op, int32_t res) {
  if (res == -EINTR) return false;  // as the blocking loops do: try again
  if (res < 0) {
    op->err = -res;
    return true;
  }
  if (!MovesBytes(op->kind)) return true;
  size_t moved = static_cast<size_t>(res);
  op->done += moved;
  if (op->done >= op->length) return true;
  if (op->kind == OpKind::kWrite) {
    if (moved == 0) op->err = EIO;  // a zero-byte write of a non-empty buffer: never loop forever
    return moved == 0;
  }
  // Reads: 0 is end of file; on O_DIRECT a short read ends it too.
  return moved == 0 || (op->direct && moved < op->asked);
}

}  // namespace holt
