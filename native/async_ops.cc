#include "async_ops.h"

#include <cerrno>
#include <new>

#include "errors.h"

namespace holt {

namespace {

class IoWorker : public Napi::AsyncWorker {
 public:
  IoWorker(Napi::Env env, AsyncJob job)
      : Napi::AsyncWorker(env, "holt_io"), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)) {
    pinned_.reserve(job_.keep_alive.size());
    for (const Napi::Value& value : job_.keep_alive) pinned_.push_back(Napi::Persistent(value));
    job_.keep_alive.clear();
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      job_.run(result_);
    } catch (const std::bad_alloc&) {
      result_.err = ENOMEM;
    } catch (...) {
      result_.err = EIO;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (job_.done) job_.done();
    if (result_.err != 0) {
      deferred_.Reject(OsError(env, result_.err, result_.syscall, job_.path).Value());
      return;
    }
    switch (job_.kind) {
      case ResultKind::kVoid:
        deferred_.Resolve(env.Undefined());
        break;
      case ResultKind::kNumber:
        deferred_.Resolve(Napi::Number::New(env, static_cast<double>(result_.value)));
        break;
    }
  }

  // Only reached if the worker itself failed (we never call SetError).
  void OnError(const Napi::Error& error) override {
    if (job_.done) job_.done();
    deferred_.Reject(error.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  AsyncJob job_;
  std::vector<Napi::Reference<Napi::Value>> pinned_;
  IoResult result_;
};

}  // namespace

Napi::Promise StartAsync(Napi::Env env, AsyncJob job) {
  IoWorker* worker = new IoWorker(env, std::move(job));  // deletes itself after OnOK
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

}  // namespace holt
