// Argument access and checks for the addon entry points, in the order of src/kernel/checks.ts: types
// in argument order, then scalar values, then lengths, then element values. Typed arrays are used in
// place (one napi_get_typedarray_info per argument, no copies, no per-element N-API calls).
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>

#include "messages.h"

namespace nudge {

template <typename T>
struct View {
  T* data;
  size_t length;
};

inline View<double> Float64Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  // the buffer and offset outputs are optional: skipping them saves creating a handle per argument
  const napi_status st = napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr);
  if (st != napi_ok || type != napi_float64_array) throw Napi::TypeError::New(info.Env(), msg::Float64(name));
  return View<double>{static_cast<double*>(data), length};
}

inline View<uint32_t> Uint32Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  // the buffer and offset outputs are optional: skipping them saves creating a handle per argument
  const napi_status st = napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr);
  if (st != napi_ok || type != napi_uint32_array) throw Napi::TypeError::New(info.Env(), msg::Uint32(name));
  return View<uint32_t>{static_cast<uint32_t*>(data), length};
}

// Scalar arguments: not a number -> TypeError, bad number -> RangeError (checked later), same message.
inline double NumberArg(const Napi::CallbackInfo& info, size_t i, const char* message) {
  double v = 0;
  if (napi_get_value_double(info.Env(), info[i], &v) != napi_ok) throw Napi::TypeError::New(info.Env(), message);
  return v;
}

[[noreturn]] inline void ThrowRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

constexpr double kMaxSafeInteger = 9007199254740991.0;

inline bool IsSafeInteger(double v) { return std::fabs(v) <= kMaxSafeInteger && std::trunc(v) == v; }

inline uint32_t CheckN(Napi::Env env, double n, size_t k) {
  if (!(n >= 1 && n <= static_cast<double>(k) && std::trunc(n) == n)) ThrowRange(env, msg::kN);
  return static_cast<uint32_t>(n);
}

inline uint64_t CheckM(Napi::Env env, double m) {
  if (!(m >= 1 && IsSafeInteger(m))) ThrowRange(env, msg::kM);
  return static_cast<uint64_t>(m);
}

inline uint64_t CheckReps(Napi::Env env, double reps) {
  if (!(reps >= 1 && IsSafeInteger(reps))) ThrowRange(env, msg::kReps);
  return static_cast<uint64_t>(reps);
}

inline void CheckP(Napi::Env env, double p) {
  if (!(p > 0 && p < 1)) ThrowRange(env, msg::kP);
}

inline uint64_t CheckSeed(Napi::Env env, double s) {
  if (!(s >= 0 && IsSafeInteger(s))) ThrowRange(env, msg::kSeed);
  return static_cast<uint64_t>(s);
}

inline void CheckSameLength(Napi::Env env, const View<double>& a, const View<double>& b) {
  if (a.length != b.length) ThrowRange(env, msg::kSameLength);
}

inline bool PositiveFinite(double v) { return v > 0 && v < HUGE_VAL; }

inline void CheckShapes(Napi::Env env, const View<double>& s, const char* name) {
  for (size_t i = 0; i < s.length; ++i) {
    if (!PositiveFinite(s.data[i])) ThrowRange(env, msg::PositiveFinite(name, i));
  }
}

inline void CheckShapePairs(Napi::Env env, const View<double>& a, const View<double>& b) {
  for (size_t i = 0; i < a.length; ++i) {
    if (!PositiveFinite(a.data[i])) ThrowRange(env, msg::PositiveFinite("alpha", i));
    if (!PositiveFinite(b.data[i])) ThrowRange(env, msg::PositiveFinite("beta", i));
  }
}

inline void CheckNotNaN(Napi::Env env, const View<double>& v, const char* name) {
  for (size_t i = 0; i < v.length; ++i) {
    if (std::isnan(v.data[i])) ThrowRange(env, msg::NotNaN(name, i));
  }
}

}  // namespace nudge
