// The thread-pool backend: each IoOp of a batch becomes its own libuv pool job
// (napi_async_work), so a batch keeps up to UV_THREADPOOL_SIZE (4 by default)
// requests in the kernel at once. Used where io_uring is missing or not wanted.
#pragma once

#include <node_api.h>

#include "io_op.h"

namespace holt {

// Runs `op` with blocking calls on a pool thread, then calls
// op->batch->Finish(op->index) on the JS thread.
void RunOnPool(napi_env env, IoOp* op);

}  // namespace holt
