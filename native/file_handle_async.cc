// FileHandle's batched Promise variants: reads, writes and syncs become one
// Batch on the handle's backend (io_uring or the thread pool). Bad arguments
// and a closed handle reject the promise (submit, which returns one promise
// per request, throws instead, before anything starts). fallocateAsync,
// ftruncateAsync and sizeAsync stay single pool jobs, in file_handle.cc.
#include <utility>

#include "args.h"
#include "errors.h"
#include "file_handle.h"
#include "uring_queue.h"

namespace holt {

IoOp FileHandle::MakeOp(OpKind kind, int fd, const IoSpan& span) const {
  IoOp op;
  op.kind = kind;
  op.fd = fd;
  op.direct = direct_;
  op.data = span.data;
  op.length = span.length;
  op.offset = span.offset;
  return op;
}

Napi::Value FileHandle::Launch(Napi::Env env, Settle settle, std::vector<IoOp> ops, std::vector<Napi::Value> keep) {
  keep.push_back(Value());
  Batch* batch = new Batch(env, settle, std::move(ops), keep, path_, [this]() { EndAsync(); });
  Napi::Value result;
  try {
    result = batch->Result();
  } catch (...) {
    batch->Abandon();  // never started: nothing pins its memory
    throw;
  }
  in_flight_++;
  // open() made this handle with `uring` only once the queue existed.
  batch->Start(uring_ ? UringQueue::For(env, nullptr) : nullptr);
  return result;
}

Napi::Value FileHandle::OneAsync(const Napi::CallbackInfo& info, OpKind kind, const char* syscall) {
  Napi::Env env = info.Env();
  try {
    Napi::Uint8Array buf = ToUint8Array(info[0], "buffer");
    int64_t offset = ToOffset(info[1], "offset");
    size_t length = ToLength(info[2], buf);
    int fd = OpenFd(env, syscall);
    IoSpan span = Span(env, buf, length, offset);
    return Launch(env, Settle::kTotal, {MakeOp(kind, fd, span)}, {buf});
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

Napi::Value FileHandle::ManyAsync(const Napi::CallbackInfo& info, OpKind kind, Settle settle, const char* syscall) {
  Napi::Env env = info.Env();
  try {
    std::vector<Napi::Value> keep;
    std::vector<IoSpan> spans = ToRequests(info[0], &keep);
    int fd = OpenFd(env, syscall);
    return LaunchTransfers(env, fd, spans, std::vector<bool>(spans.size(), kind == OpKind::kWrite), settle, std::move(keep));
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

Napi::Value FileHandle::LaunchTransfers(Napi::Env env, int fd, const std::vector<IoSpan>& spans,
                                        const std::vector<bool>& writes, Settle settle, std::vector<Napi::Value> keep) {
  std::vector<IoOp> ops;
  ops.reserve(spans.size());
  for (size_t i = 0; i < spans.size(); i++) {
    // Every request is checked before any starts: a bad one starts nothing.
    if (direct_) CheckDirectAlignment(env, spans[i]);
    ops.push_back(MakeOp(writes[i] ? OpKind::kWrite : OpKind::kRead, fd, spans[i]));
  }
  return Launch(env, settle, std::move(ops), std::move(keep));
}

Napi::Value FileHandle::PreadAsync(const Napi::CallbackInfo& info) { return OneAsync(info, OpKind::kRead, "pread"); }

Napi::Value FileHandle::PwriteAsync(const Napi::CallbackInfo& info) { return OneAsync(info, OpKind::kWrite, "pwrite"); }

Napi::Value FileHandle::PreadManyAsync(const Napi::CallbackInfo& info) {
  return ManyAsync(info, OpKind::kRead, Settle::kCounts, "preadMany");
}

Napi::Value FileHandle::PwriteManyAsync(const Napi::CallbackInfo& info) {
  return ManyAsync(info, OpKind::kWrite, Settle::kTotal, "pwriteMany");
}

Napi::Value FileHandle::Submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Napi::Value> keep;
  std::vector<bool> writes;
  std::vector<IoSpan> spans = ToSubmissions(info[0], &keep, &writes);
  int fd = OpenFd(env, "submit");
  return LaunchTransfers(env, fd, spans, writes, Settle::kEach, std::move(keep));
}

Napi::Value FileHandle::SyncAsync(const Napi::CallbackInfo& info, OpKind kind, const char* syscall) {
  Napi::Env env = info.Env();
  try {
    int fd = OpenFd(env, syscall);
    return Launch(env, Settle::kNothing, {MakeOp(kind, fd, IoSpan{nullptr, 0, 0})}, {});
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

Napi::Value FileHandle::FdatasyncAsync(const Napi::CallbackInfo& info) {
  return SyncAsync(info, OpKind::kSyncData, "fdatasync");
}

Napi::Value FileHandle::FsyncAsync(const Napi::CallbackInfo& info) { return SyncAsync(info, OpKind::kSyncAll, "fsync"); }

}  // namespace holt
