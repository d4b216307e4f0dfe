#include "file_handle.h"

#include <cerrno>

#include "addon_data.h"
#include "args.h"
#include "errors.h"

namespace holt {

namespace {

// Proof that the constructor is being called by Wrap, not from JS through
// `handle.constructor`: JS cannot make an External.
struct WrapToken {
  OpenResult opened;
  const std::string* path;
  bool uring;
};

}  // namespace

Napi::Function FileHandle::Define(Napi::Env env) {
  return DefineClass(env, "FileHandle",
                     {
                         InstanceAccessor<&FileHandle::Fd>("fd"),
                         InstanceAccessor<&FileHandle::Direct>("direct"),
                         InstanceAccessor<&FileHandle::Closed>("closed"),
                         InstanceAccessor<&FileHandle::Backend>("backend"),
                         InstanceMethod<&FileHandle::Pread>("pread"),
                         InstanceMethod<&FileHandle::Pwrite>("pwrite"),
                         InstanceMethod<&FileHandle::PreadMany>("preadMany"),
                         InstanceMethod<&FileHandle::PwriteMany>("pwriteMany"),
                         InstanceMethod<&FileHandle::Fdatasync>("fdatasync"),
                         InstanceMethod<&FileHandle::Fsync>("fsync"),
                         InstanceMethod<&FileHandle::Fallocate>("fallocate"),
                         InstanceMethod<&FileHandle::Ftruncate>("ftruncate"),
                         InstanceMethod<&FileHandle::Size>("size"),
                         InstanceMethod<&FileHandle::Lock>("lock"),
                         InstanceMethod<&FileHandle::Unlock>("unlock"),
                         InstanceMethod<&FileHandle::Close>("close"),
                         InstanceMethod<&FileHandle::PreadAsync>("preadAsync"),
                         InstanceMethod<&FileHandle::PwriteAsync>("pwriteAsync"),
                         InstanceMethod<&FileHandle::PreadManyAsync>("preadManyAsync"),
                         InstanceMethod<&FileHandle::PwriteManyAsync>("pwriteManyAsync"),
                         InstanceMethod<&FileHandle::FdatasyncAsync>("fdatasyncAsync"),
                         InstanceMethod<&FileHandle::FsyncAsync>("fsyncAsync"),
                         InstanceMethod<&FileHandle::FallocateAsync>("fallocateAsync"),
                         InstanceMethod<&FileHandle::FtruncateAsync>("ftruncateAsync"),
                         InstanceMethod<&FileHandle::SizeAsync>("sizeAsync"),
                         InstanceMethod<&FileHandle::Submit>("submit"),
                     });
}

Napi::Object FileHandle::Wrap(Napi::Env env, const OpenResult& opened, const std::string& path, bool uring) {
  WrapToken token{opened, &path, uring};
  AddonData* data = env.GetInstanceData<AddonData>();
  return data->file_handle_constructor.New({Napi::External<WrapToken>::New(env, &token)});
}

FileHandle::FileHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FileHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw ArgError(info.Env(), "FileHandle cannot be constructed directly; use open()");
  }
  const WrapToken* token = info[0].As<Napi::External<WrapToken>>().Data();
  fd_ = token->opened.fd;
  direct_ = token->opened.direct;
  uring_ = token->uring;
  path_ = *token->path;
}

FileHandle::~FileHandle() {
  // No job can be in flight here: each one pins this object until it ends.
  if (fd_ >= 0) CloseFd(fd_);
}

Napi::Value FileHandle::Fd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), closed_ ? -1 : fd_);
}

Napi::Value FileHandle::Direct(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), direct_); }

Napi::Value FileHandle::Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), closed_); }

Napi::Value FileHandle::Backend(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), uring_ ? "io_uring" : "threadpool");
}

int FileHandle::OpenFd(Napi::Env env, const char* syscall) const {
  if (closed_) throw ClosedError(env, syscall, path_);
  return fd_;
}

IoSpan FileHandle::Span(Napi::Env env, Napi::Uint8Array buf, size_t length, int64_t offset) const {
  IoSpan span{buf.Data(), length, offset};
  if (direct_) CheckDirectAlignment(env, span);
  return span;
}

void FileHandle::Throw(Napi::Env env, int err, const char* syscall) const {
  if (err == EWOULDBLOCK && std::string(syscall) == "flock") throw LockedError(env, path_);
  throw OsError(env, err, syscall, path_);
}

// ---- synchronous calls ----------------------------------------------------

Napi::Value FileHandle::Pread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint8Array buf = ToUint8Array(info[0], "buffer");
  int64_t offset = ToOffset(info[1], "offset");
  size_t length = ToLength(info[2], buf);
  int fd = OpenFd(env, "pread");
  IoSpan span = Span(env, buf, length, offset);
  size_t done = 0;
  int err = ReadFully(fd, span.data, span.length, span.offset, direct_, &done);
  if (err != 0) Throw(env, err, "pread");
  return Napi::Number::New(env, static_cast<double>(done));
}

Napi::Value FileHandle::Pwrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint8Array buf = ToUint8Array(info[0], "buffer");
  int64_t offset = ToOffset(info[1], "offset");
  size_t length = ToLength(info[2], buf);
  int fd = OpenFd(env, "pwrite");
  IoSpan span = Span(env, buf, length, offset);
  size_t done = 0;
  int err = WriteFully(fd, span.data, span.length, span.offset, &done);
  if (err != 0) Throw(env, err, "pwrite");
  return Napi::Number::New(env, static_cast<double>(done));
}

Napi::Value FileHandle::PreadMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<IoSpan> spans = ToRequests(info[0], nullptr);
  int fd = OpenFd(env, "preadMany");
  if (direct_) {
    for (const IoSpan& span : spans) CheckDirectAlignment(env, span);
  }
  std::vector<int64_t> counts;
  int err = ReadMany(fd, spans, direct_, &counts);
  if (err != 0) Throw(env, err, "preadv");
  Napi::Array out = Napi::Array::New(env, counts.size());
  for (size_t i = 0; i < counts.size(); i++) out.Set(static_cast<uint32_t>(i), static_cast<double>(counts[i]));
  return out;
}

Napi::Value FileHandle::PwriteMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<IoSpan> spans = ToRequests(info[0], nullptr);
  int fd = OpenFd(env, "pwriteMany");
  if (direct_) {
    for (const IoSpan& span : spans) CheckDirectAlignment(env, span);
  }
  int64_t total = 0;
  int err = WriteMany(fd, spans, &total);
  if (err != 0) Throw(env, err, "pwritev");
  return Napi::Number::New(env, static_cast<double>(total));
}

Napi::Value FileHandle::Fdatasync(const Napi::CallbackInfo& info) {
  int err = SyncData(OpenFd(info.Env(), "fdatasync"));
  if (err != 0) Throw(info.Env(), err, "fdatasync");
  return info.Env().Undefined();
}

Napi::Value FileHandle::Fsync(const Napi::CallbackInfo& info) {
  int err = SyncAll(OpenFd(info.Env(), "fsync"));
  if (err != 0) Throw(info.Env(), err, "fsync");
  return info.Env().Undefined();
}

Napi::Value FileHandle::Fallocate(const Napi::CallbackInfo& info) {
  int64_t offset = ToOffset(info[0], "offset");
  int64_t length = ToOffset(info[1], "length");
  int err = Allocate(OpenFd(info.Env(), "fallocate"), offset, length);
  if (err != 0) Throw(info.Env(), err, "fallocate");
  return info.Env().Undefined();
}

Napi::Value FileHandle::Ftruncate(const Napi::CallbackInfo& info) {
  int64_t length = ToOffset(info[0], "length");
  int err = Truncate(OpenFd(info.Env(), "ftruncate"), length);
  if (err != 0) Throw(info.Env(), err, "ftruncate");
  return info.Env().Undefined();
}

Napi::Value FileHandle::Size(const Napi::CallbackInfo& info) {
  int64_t size = 0;
  int err = FileSize(OpenFd(info.Env(), "fstat"), &size);
  if (err != 0) Throw(info.Env(), err, "fstat");
  return Napi::Number::New(info.Env(), static_cast<double>(size));
}

Napi::Value FileHandle::Lock(const Napi::CallbackInfo& info) {
  bool exclusive = ToBool(info[0], "exclusive");
  int err = holt::Lock(OpenFd(info.Env(), "flock"), exclusive);
  if (err != 0) Throw(info.Env(), err, "flock");
  return info.Env().Undefined();
}

Napi::Value FileHandle::Unlock(const Napi::CallbackInfo& info) {
  int err = holt::Unlock(OpenFd(info.Env(), "flock"));
  if (err != 0) Throw(info.Env(), err, "flock");
  return info.Env().Undefined();
}

Napi::Value FileHandle::Close(const Napi::CallbackInfo& info) {
  if (closed_) return info.Env().Undefined();
  closed_ = true;
  if (in_flight_ > 0) return info.Env().Undefined();  // EndAsync closes it
  int fd = fd_;
  fd_ = -1;
  int err = CloseFd(fd);
  if (err != 0) Throw(info.Env(), err, "close");
  return info.Env().Undefined();
}

// ---- Promise variants that stay one pool job (file_handle_async.cc has the rest)

Napi::Promise FileHandle::Start(Napi::Env env, AsyncJob job) {
  job.keep_alive.push_back(Value());
  job.path = path_;
  job.done = [this]() { EndAsync(); };
  in_flight_++;
  return StartAsync(env, std::move(job));
}

void FileHandle::EndAsync() {
  if (--in_flight_ == 0 && closed_ && fd_ >= 0) {
    CloseFd(fd_);  // a deferred close has no caller left to report to
    fd_ = -1;
  }
}

Napi::Value FileHandle::FallocateAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    int64_t offset = ToOffset(info[0], "offset");
    int64_t length = ToOffset(info[1], "length");
    int fd = OpenFd(env, "fallocate");
    AsyncJob job;
    job.run = [fd, offset, length](IoResult& r) {
      r.syscall = "fallocate";
      r.err = Allocate(fd, offset, length);
    };
    return Start(env, std::move(job));
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

Napi::Value FileHandle::FtruncateAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    int64_t length = ToOffset(info[0], "length");
    int fd = OpenFd(env, "ftruncate");
    AsyncJob job;
    job.run = [fd, length](IoResult& r) {
      r.syscall = "ftruncate";
      r.err = Truncate(fd, length);
    };
    return Start(env, std::move(job));
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

Napi::Value FileHandle::SizeAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    int fd = OpenFd(env, "fstat");
    AsyncJob job;
    job.kind = ResultKind::kNumber;
    job.run = [fd](IoResult& r) {
      r.syscall = "fstat";
      r.err = FileSize(fd, &r.value);
    };
    return Start(env, std::move(job));
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e);
  }
}

}  // namespace holt
