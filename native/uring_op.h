// How one IoOp maps onto io_uring entries: the SQE for its next transfer, and
// what a completion means for it. A transfer the kernel cuts short goes out
// again for the rest, with the same rules as the blocking loops in
// file_ops.cc (ReadFully/WriteFully), so both backends report the same counts.
#pragma once

#include <cstdint>

#include "io_op.h"
#include "uring_abi.h"

namespace holt {

// Fills `sqe` with the op's next transfer (at most kMaxChunk bytes) or its
// sync, tagged with the op's address as user_data.
void PrepareSqe(IoOp* op, uring::Sqe* sqe);

// Folds a completion's `res` (bytes moved or -errno) into the op. True when
// the op has ended (done, or err set); false when it must be submitted again.
bool AdvanceOp(IoOp* op, int32_t res);

}  // namespace holt
