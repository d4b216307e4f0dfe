#include "pool_runner.h"

#include <cerrno>

#include "batch.h"
#include "file_ops.h"

namespace holt {

namespace {

struct PoolJob {
  IoOp* op;
  napi_async_work work = nullptr;
};

// Pool thread: no Node-API here.
void Execute(napi_env, void* data) {
  IoOp* op = static_cast<PoolJob*>(data)->op;
  switch (op->kind) {
    case OpKind::kRead:
      op->err = ReadFully(op->fd, op->data, op->length, op->offset, op->direct, &op->done);
      break;
    case OpKind::kWrite:
      op->err = WriteFully(op->fd, op->data, op->length, op->offset, &op->done);
      break;
    case OpKind::kSyncData:
      op->err = SyncData(op->fd);
      break;
    case OpKind::kSyncAll:
      op->err = SyncAll(op->fd);
      break;
  }
}

// JS thread, inside the handle and callback scopes Node opens for async work.
void Complete(napi_env env, napi_status status, void* data) {
  PoolJob* job = static_cast<PoolJob*>(data);
  IoOp* op = job->op;
  napi_delete_async_work(env, job->work);
  delete job;
  if (status != napi_ok && op->err == 0) op->err = ECANCELED;
  op->batch->Finish(op->index);
}

}  // namespace

void RunOnPool(napi_env env, IoOp* op) {
  PoolJob* job = new PoolJob{op};
  napi_value name;
  if (napi_create_string_latin1(env, "holt_io", NAPI_AUTO_LENGTH, &name) == napi_ok &&
      napi_create_async_work(env, nullptr, name, Execute, Complete, job, &job->work) == napi_ok) {
    if (napi_queue_async_work(env, job->work) == napi_ok) return;
    napi_delete_async_work(env, job->work);
  }
  // Node could not take the job (out of memory, or the environment is shutting down).
  delete job;
  op->err = ENOMEM;
  op->failed_call = "uv_queue_work";
  op->batch->Finish(op->index);
}

}  // namespace holt
