// Module entry for `holt_io`: registers FileHandle and the free functions.
// The JS side (src/io/native-binding.ts) mirrors this surface as a type.
#include <napi.h>

#include <cerrno>

#include "addon_data.h"
#include "aligned_buffer.h"
#include "args.h"
#include "async_ops.h"
#include "errors.h"
#include "file_handle.h"
#include "file_ops.h"

namespace holt {

namespace {

// open(path, direct, create, readOnly) -> FileHandle
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = ToPath(info[0]);
  bool direct = ToBool(info[1], "direct");
  bool create = ToBool(info[2], "create");
  bool read_only = ToBool(info[3], "readOnly");
  OpenResult opened;
  int err = OpenFile(path, direct, create, read_only, &opened);
  if (err != 0) throw OsError(env, err, "open", path);
  return FileHandle::Wrap(env, opened, path);
}

Napi::Value FsyncDir(const Napi::CallbackInfo& info) {
  std::string path = ToPath(info[0]);
  int err = SyncDirectory(path);
  if (err != 0) throw OsError(info.Env(), err, "fsync", path);
  return info.Env().Undefined();
}

Napi::Value FsyncDirAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    std::string path = ToPath(info[0]);
    AsyncJob job;
    job.path = path;
    job.run = [path](IoResult& r) {
      r.syscall = "fsync";
      r.err = SyncDirectory(path);
    };
    return StartAsync(env, std::move(job));
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

int ToFd(const Napi::Value& value) {
  int64_t fd = ToOffset(value, "fd");
  if (fd > INT32_MAX) throw ArgError(value.Env(), "fd out of range");
  return static_cast<int>(fd);
}

// flockFd(fd, exclusive): for descriptors opened by node:fs (the fs fallback).
Napi::Value FlockFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ToFd(info[0]);
  bool exclusive = ToBool(info[1], "exclusive");
  int err = Lock(fd, exclusive);
  if (err == EWOULDBLOCK) throw LockedError(env, "");
  if (err != 0) throw OsError(env, err, "flock", "");
  return env.Undefined();
}

Napi::Value UnlockFd(const Napi::CallbackInfo& info) {
  int err = Unlock(ToFd(info[0]));
  if (err != 0) throw OsError(info.Env(), err, "flock", "");
  return info.Env().Undefined();
}

Napi::Value Noop(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  AddonData* data = new AddonData();
  data->file_handle_constructor = Napi::Persistent(FileHandle::Define(env));
  env.SetInstanceData<AddonData>(data);  // deleted by Node when env tears down

  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("allocAligned", Napi::Function::New<AllocAligned>(env, "allocAligned"));
  exports.Set("fsyncDir", Napi::Function::New<FsyncDir>(env, "fsyncDir"));
  exports.Set("fsyncDirAsync", Napi::Function::New<FsyncDirAsync>(env, "fsyncDirAsync"));
  exports.Set("flockFd", Napi::Function::New<FlockFd>(env, "flockFd"));
  exports.Set("unlockFd", Napi::Function::New<UnlockFd>(env, "unlockFd"));
  exports.Set("noop", Napi::Function::New<Noop>(env, "noop"));
  exports.Set("alignment", Napi::Number::New(env, static_cast<double>(kAlignment)));
  return exports;
}

}  // namespace holt

static Napi::Object InitHoltIo(Napi::Env env, Napi::Object exports) { return holt::Init(env, exports); }

NODE_API_MODULE(holt_io, InitHoltIo)
