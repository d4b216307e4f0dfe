#include "batch.h"

#include "errors.h"
#include "pool_runner.h"
#include "uring_queue.h"

namespace holt {

Batch::Batch(Napi::Env env, Settle settle, std::vector<IoOp> ops, const std::vector<Napi::Value>& keep,
             std::string path, std::function<void()> on_end)
    : env_(env), settle_(settle), ops_(std::move(ops)), open_(ops_.size() + 1), path_(std::move(path)),
      on_end_(std::move(on_end)) {
  pinned_.reserve(keep.size());
  for (const Napi::Value& value : keep) pinned_.push_back(Napi::Persistent(value));
  size_t promises = settle_ == Settle::kEach ? ops_.size() : 1;
  deferreds_.reserve(promises);
  for (size_t i = 0; i < promises; i++) deferreds_.push_back(Napi::Promise::Deferred::New(env));
  // ops_ never reallocates from here on, so these addresses are what backends hold.
  for (size_t i = 0; i < ops_.size(); i++) {
    ops_[i].batch = this;
    ops_[i].index = static_cast<uint32_t>(i);
  }
}

Napi::Value Batch::Result() {
  if (settle_ != Settle::kEach) return deferreds_[0].Promise();
  Napi::Array out = Napi::Array::New(env_, deferreds_.size());
  for (size_t i = 0; i < deferreds_.size(); i++) out.Set(static_cast<uint32_t>(i), deferreds_[i].Promise());
  return out;
}

void Batch::Start(UringQueue* queue) {
  for (IoOp& op : ops_) {
    if (MovesBytes(op.kind) && op.length == 0) {
      Finish(op.index);
    } else if (queue != nullptr) {
      queue->Add(&op);
    } else {
      RunOnPool(env_, &op);
    }
  }
  if (queue != nullptr) queue->Flush();
  // The extra count kept a batch whose ops all ended during the loop alive until here.
  if (--open_ == 0) End();
}

Napi::Value Batch::Failure(const IoOp& op) const {
  return OsError(env_, op.err, SyscallOf(op), path_).Value();
}

void Batch::Finish(uint32_t index) {
  if (settle_ == Settle::kEach) {
    const IoOp& op = ops_[index];
    try {
      Napi::HandleScope scope(env_);
      if (op.err != 0) {
        deferreds_[index].Reject(Failure(op));
      } else {
        deferreds_[index].Resolve(Napi::Number::New(env_, static_cast<double>(op.done)));
      }
    } catch (const Napi::Error&) {
      // JS cannot run any more (the environment is stopping): nobody is left to tell.
    }
  }
  if (--open_ == 0) End();
}

void Batch::End() {
  if (settle_ != Settle::kEach) {
    try {
      Napi::HandleScope scope(env_);
      // The lowest-numbered failure wins, so the error does not depend on completion order.
      const IoOp* failed = nullptr;
      for (const IoOp& op : ops_) {
        if (op.err != 0) {
          failed = &op;
          break;
        }
      }
      Napi::Promise::Deferred& deferred = deferreds_[0];
      if (failed != nullptr) {
        deferred.Reject(Failure(*failed));
      } else if (settle_ == Settle::kCounts) {
        Napi::Array counts = Napi::Array::New(env_, ops_.size());
        for (size_t i = 0; i < ops_.size(); i++) {
          counts.Set(static_cast<uint32_t>(i), Napi::Number::New(env_, static_cast<double>(ops_[i].done)));
        }
        deferred.Resolve(counts);
      } else if (settle_ == Settle::kTotal) {
        double total = 0;
        for (const IoOp& op : ops_) total += static_cast<double>(op.done);
        deferred.Resolve(Napi::Number::New(env_, total));
      } else {
        deferred.Resolve(env_.Undefined());
      }
    } catch (const Napi::Error&) {
      // As in Finish: the environment is stopping.
    }
  }
  if (on_end_) on_end_();
  delete this;
}

void Batch::Abandon() { delete this; }

}  // namespace holt
