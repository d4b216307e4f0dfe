// Errors the addon throws or rejects with: plain JS Errors carrying `code`
// (errno name, or ERR_INVALID_ARG / ERR_CLOSED / LOCKED), `errno`, `syscall`
// and `path`. The JS wrapper (src/io/native-io.ts) turns them into IoError.
#pragma once

#include <napi.h>

#include <string>

namespace holt {

// "ENOENT" for ENOENT and so on; "ERRNO_<n>" for numbers outside the table.
std::string ErrnoName(int err);

// An OS call failed with `err` (a positive errno value).
Napi::Error OsError(Napi::Env env, int err, const char* syscall, const std::string& path);

// flock found the lock held elsewhere: code LOCKED.
Napi::Error LockedError(Napi::Env env, const std::string& path);

// A bad argument: code ERR_INVALID_ARG. Never an abort.
Napi::Error ArgError(Napi::Env env, const std::string& message);

// A call on a handle closed through this API: code ERR_CLOSED.
Napi::Error ClosedError(Napi::Env env, const char* syscall, const std::string& path);

}  // namespace holt
