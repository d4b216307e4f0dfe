// Batch: the ops of one async call (preadAsync, preadManyAsync, submit, ...)
// and the promises they settle. It pins every JS value whose memory the ops
// touch until the last op ends, starts the ops on one backend, and is told on
// the JS thread as each op ends. It deletes itself after the last.
#pragma once

#include <napi.h>

#include <functional>
#include <string>
#include <vector>

#include "io_op.h"

namespace holt {

class UringQueue;

// What the call's promise(s) resolve to.
enum class Settle {
  kEach,     // submit(): one promise per op, each settling as its op ends, to its byte count
  kCounts,   // preadManyAsync(): one promise, after every op, to the byte count of each
  kTotal,    // preadAsync(), pwriteAsync(), pwriteManyAsync(): one promise, to the bytes of all ops
  kNothing,  // fdatasyncAsync(), fsyncAsync(): one promise, to undefined
};

class Batch {
 public:
  // `on_end` runs on the JS thread after the last op, before the batch is deleted.
  Batch(Napi::Env env, Settle settle, std::vector<IoOp> ops, const std::vector<Napi::Value>& keep, std::string path,
        std::function<void()> on_end);
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // What the JS call returns: the promise, or (kEach) the array of promises.
  // Call once, before Start.
  Napi::Value Result();

  // Starts every op on io_uring when `queue` is set, else on the thread pool.
  // Ops of zero bytes end at once, without a system call.
  void Start(UringQueue* queue);

  // JS thread: op `index` has ended (its done/err are final).
  void Finish(uint32_t index);

  // Frees the batch without settling anything or calling on_end: at
  // environment teardown, once its ops are out of the kernel (JS can no longer
  // run), or when it failed before Start.
  void Abandon();

 private:
  ~Batch() = default;
  void End();
  Napi::Value Failure(const IoOp& op) const;

  Napi::Env env_;
  Settle settle_;
  std::vector<IoOp> ops_;
  std::vector<Napi::Reference<Napi::Value>> pinned_;
  // One per op for kEach, else one.
  std::vector<Napi::Promise::Deferred> deferreds_;
  // Ops not yet ended, plus one while Start is still handing them out.
  size_t open_;
  std::string path_;
  std::function<void()> on_end_;
};

}  // namespace holt
