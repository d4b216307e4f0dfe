// FileHandle: one open descriptor, as a JS object made by `open()`.
//
// Closing: `close()` marks the handle closed at once (every later call throws
// ERR_CLOSED). If async calls are still running on the pool, the descriptor is
// closed only when the last of them finishes, so a recycled descriptor number
// can never receive a late read or write. A handle that is garbage collected
// while still open closes its descriptor in the finalizer.
#pragma once

#include <napi.h>

#include <string>

#include "async_ops.h"
#include "file_ops.h"

namespace holt {

class FileHandle : public Napi::ObjectWrap<FileHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an already open descriptor; takes ownership of `opened.fd`.
  static Napi::Object Wrap(Napi::Env env, const OpenResult& opened, const std::string& path);

  explicit FileHandle(const Napi::CallbackInfo& info);
  ~FileHandle() override;

 private:
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value Direct(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);

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

  // The descriptor, or throws ERR_CLOSED. Call after parsing arguments: a
  // getter run during parsing may have closed the handle.
  int OpenFd(Napi::Env env, const char* syscall) const;
  // Rejects bad O_DIRECT alignment before the kernel sees it.
  IoSpan Span(Napi::Env env, Napi::Uint8Array buf, size_t length, int64_t offset) const;
  void Throw(Napi::Env env, int err, const char* syscall) const;

  // Starts a pool job that pins this object and keeps fd_ open until it ends.
  Napi::Promise Start(Napi::Env env, AsyncJob job);
  void EndAsync();

  int fd_ = -1;
  bool direct_ = false;
  bool closed_ = false;
  int in_flight_ = 0;
  std::string path_;
};

}  // namespace holt
