// The Promise side of the calls that are one blocking job (fsyncDirAsync,
// fallocateAsync, ftruncateAsync, sizeAsync; reads, writes and syncs go
// through batch.h instead): a job runs on the libuv thread pool, and the
// promise settles on the JS thread. While the job runs, the
// worker pins the JS objects whose memory it touches (buffers, the handle), so
// garbage collection cannot free them under the pool thread.
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace holt {

// What a job reports back. `err` is 0 or an errno value from `syscall`.
struct IoResult {
  int err = 0;
  const char* syscall = "";
  int64_t value = 0;
};

enum class ResultKind { kVoid, kNumber };

struct AsyncJob {
  std::function<void(IoResult&)> run;   // pool thread: no Node-API calls allowed
  std::function<void()> done;           // JS thread, before the promise settles
  ResultKind kind = ResultKind::kVoid;
  std::string path;                     // for error messages
  std::vector<Napi::Value> keep_alive;  // pinned until the job is done
};

// Queues `job` and returns its promise.
Napi::Promise StartAsync(Napi::Env env, AsyncJob job);

// A promise already rejected with `error`: async variants report bad
// arguments this way instead of throwing.
Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error);

}  // namespace holt
