// FileHandle: one open descriptor, as a JS object made by `open()`.
//
// Its async reads, writes and syncs run as Batches on one backend, chosen at
// open: io_uring (uring_queue.cc) or the libuv thread pool (pool_runner.cc).
// The sync methods live in file_handle.cc, the batched Promise ones in
// file_handle_async.cc.
//
// Closing: `close()` marks the handle closed at once (every later call throws
// ERR_CLOSED). If async calls are still running, the descriptor is closed
// only when the last of them finishes, so a recycled descriptor number can
// never receive a late read or write. A handle that is garbage collected
// while still open closes its descriptor in the finalizer.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "async_ops.h"
#include "batch.h"
#include "file_ops.h"

namespace holt {

class FileHandle : public Napi::ObjectWrap<FileHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an already open descriptor; takes ownership of `opened.fd`. With
  // `uring`, async I/O goes through the environment's io_uring queue.
  static Napi::Object Wrap(Napi::Env env, const OpenResult& opened, const std::string& path, bool uring);

  explicit FileHandle(const Napi::CallbackInfo& info);
  ~FileHandle() override;

 private:
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value Direct(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value Backend(const Napi::CallbackInfo& info);

  Napi::Value Pread(const Napi::CallbackInfo& info);
  Napi::Value Pwrite(const Napi::CallbackInfo& info);
  Napi::Value PreadMany(const Napi::CallbackInfo& info);
  Napi::Value PwriteMany(const Napi::CallbackInfo& info);
  Napi::Value Fdatasync(const Napi::CallbackInfo& info);
  Napi::Value Fsync(const Napi::CallbackInfo& info);
  Napi::Value Fallocate(const Napi::CallbackInfo& info);
  Napi::Value Ftruncate(const Napi::CallbackInfo& info);
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Lock(const Napi::CallbackInfo& info);
  Napi::Value Unlock(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  Napi::Value PreadAsync(const Napi::CallbackInfo& info);
  Napi::Value PwriteAsync(const Napi::CallbackInfo& info);
  Napi::Value PreadManyAsync(const Napi::CallbackInfo& info);
  Napi::Value PwriteManyAsync(const Napi::CallbackInfo& info);
  Napi::Value FdatasyncAsync(const Napi::CallbackInfo& info);
  Napi::Value FsyncAsync(const Napi::CallbackInfo& info);
  Napi::Value FallocateAsync(const Napi::CallbackInfo& info);
  Napi::Value FtruncateAsync(const Napi::CallbackInfo& info);
  Napi::Value SizeAsync(const Napi::CallbackInfo& info);
  Napi::Value Submit(const Napi::CallbackInfo& info);

  // The descriptor, or throws ERR_CLOSED. Call after parsing arguments: a
  // getter run during parsing may have closed the handle.
  int OpenFd(Napi::Env env, const char* syscall) const;
  // Rejects bad O_DIRECT alignment before the kernel sees it.
  IoSpan Span(Napi::Env env, Napi::Uint8Array buf, size_t length, int64_t offset) const;
  void Throw(Napi::Env env, int err, const char* syscall) const;

  // An op on this descriptor: a transfer of `span`, or (no span) a sync.
  IoOp MakeOp(OpKind kind, int fd, const IoSpan& span) const;
  // Starts a pool job that pins this object and keeps fd_ open until it ends.
  Napi::Promise Start(Napi::Env env, AsyncJob job);
  // Starts `ops` as one Batch on this handle's backend; the batch pins this
  // object and `keep` and keeps fd_ open until its last op ends.
  Napi::Value Launch(Napi::Env env, Settle settle, std::vector<IoOp> ops, std::vector<Napi::Value> keep);
  // One op per span (a write where `writes` says so), O_DIRECT alignment
  // checked for all before any starts.
  Napi::Value LaunchTransfers(Napi::Env env, int fd, const std::vector<IoSpan>& spans, const std::vector<bool>& writes,
                              Settle settle, std::vector<Napi::Value> keep);
  // The shared bodies of preadAsync/pwriteAsync, preadManyAsync/pwriteManyAsync
  // and fdatasyncAsync/fsyncAsync.
  Napi::Value OneAsync(const Napi::CallbackInfo& info, OpKind kind, const char* syscall);
  Napi::Value ManyAsync(const Napi::CallbackInfo& info, OpKind kind, Settle settle, const char* syscall);
  Napi::Value SyncAsync(const Napi::CallbackInfo& info, OpKind kind, const char* syscall);
  void EndAsync();

  int fd_ = -1;
  bool direct_ = false;
  bool uring_ = false;
  bool closed_ = false;
  int in_flight_ = 0;
  std::string path_;
};

}  // namespace holt
