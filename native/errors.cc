#include "errors.h"

#include <cerrno>
#include <cstring>

namespace holt {

namespace {

struct ErrnoEntry {
  int value;
  const char* name;
};

// The errors file I/O can plausibly see. EAGAIN/EWOULDBLOCK and
// ENOTSUP/EOPNOTSUPP share values on Linux; the first match wins.
const ErrnoEntry kErrnoTable[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {EINTR, "EINTR"},
    {EIO, "EIO"},
    {ENXIO, "ENXIO"},
    {E2BIG, "E2BIG"},
    {EBADF, "EBADF"},
    {EAGAIN, "EAGAIN"},
    {EWOULDBLOCK, "EWOULDBLOCK"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"},
    {ENODEV, "ENODEV"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},
    {ETXTBSY, "ETXTBSY"},
    {EFBIG, "EFBIG"},
    {ENOSPC, "ENOSPC"},
    {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"},
    {EMLINK, "EMLINK"},
    {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOLCK, "ENOLCK"},
    {ENOSYS, "ENOSYS"},
    {ENOTEMPTY, "ENOTEMPTY"},
    {ELOOP, "ELOOP"},
    {EOVERFLOW, "EOVERFLOW"},
    {ENOTSUP, "ENOTSUP"},
    {EOPNOTSUPP, "EOPNOTSUPP"},
    {EDQUOT, "EDQUOT"},
    {ESTALE, "ESTALE"},
    {ECANCELED, "ECANCELED"},
};

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace

std::string ErrnoName(int err) {
  for (const ErrnoEntry& entry : kErrnoTable) {
    if (entry.value == err) return entry.name;
  }
  return "ERRNO_" + std::to_string(err);
}

Napi::Error OsError(Napi::Env env, int err, const char* syscall, const std::string& path) {
  std::string code = ErrnoName(err);
  // strerror runs on the JS thread only, so its static buffer is not shared.
  std::string message = code + ": " + std::strerror(err) + ", " + syscall;
  if (!path.empty()) message += " '" + path + "'";
  Napi::Error error = MakeError(env, code, message);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  if (!path.empty()) error.Set("path", Napi::String::New(env, path));
  return error;
}

Napi::Error LockedError(Napi::Env env, const std::string& path) {
  std::string message = "LOCKED: flock is held by another open file description";
  if (!path.empty()) message += " '" + path + "'";
  Napi::Error error = MakeError(env, "LOCKED", message);
  error.Set("errno", Napi::Number::New(env, EWOULDBLOCK));
  error.Set("syscall", Napi::String::New(env, "flock"));
  if (!path.empty()) error.Set("path", Napi::String::New(env, path));
  return error;
}

Napi::Error ArgError(Napi::Env env, const std::string& message) {
  return MakeError(env, "ERR_INVALID_ARG", message);
}

Napi::Error ClosedError(Napi::Env env, const char* syscall, const std::string& path) {
  Napi::Error error = MakeError(env, "ERR_CLOSED", std::string(syscall) + " on a closed handle '" + path + "'");
  error.Set("syscall", Napi::String::New(env, syscall));
  error.Set("path", Napi::String::New(env, path));
  return error;
}

}  // namespace holt
