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

// The arguments of a slate-propensity entry point, (first, second, n, m, out): two arrays of k arms,
// slate size n, m Monte-Carlo rounds, out of k * n. Checked in the usual order: types, then n and m,
// then the two arrays' lengths (`length_message` when they differ), then out's.
struct SlateArgs {
  View<double> first;
  View<double> second;
  uint32_t n;
  uint64_t m;
  View<double> out;
};

inline SlateArgs ReadSlateArgs(const Napi::CallbackInfo& info, const char* first_name, const char* second_name,
                               const char* length_message) {
  const View<double> first = Float64Arg(info, 0, first_name);
  const View<double> second = Float64Arg(info, 1, second_name);
  const double nd = NumberArg(info, 2, msg::kN);
  const double md = NumberArg(info, 3, msg::kM);
  const View<double> out = Float64Arg(info, 4, "out");
  const size_t k = first.length;
  const uint32_t n = CheckN(info.Env(), nd, k);
  const uint64_t m = CheckM(info.Env(), md);
  if (second.length != k) ThrowRange(info.Env(), length_message);
  if (out.length != k * n) ThrowRange(info.Env(), msg::kOutKn);
  return SlateArgs{first, second, n, m, out};
}

inline void CheckSameLength(Napi::Env env, const View<double>& a, const View<double>& b) {
  if (a.length != b.length) ThrowRange(env, msg::kSameLength);
}

// Element rules, each with its message (messages.h). One loop applies them, so every entry point checks
// elements the same way: index by index, and for two arrays a[i] before b[i] (the first bad index wins,
// whichever array it is in), as src/kernel/checks.ts does.
enum class Rule { kNotNaN, kPositiveFinite, kNonNegativeFinite };

inline bool Holds(Rule rule, double v) {
  switch (rule) {
    case Rule::kNotNaN:
      return !std::isnan(v);
    case Rule::kPositiveFinite:
      return v > 0 && v < HUGE_VAL;
    case Rule::kNonNegativeFinite:
      return v >= 0 && v < HUGE_VAL;
  }
  return false;
}

inline std::string Violation(Rule rule, const char* name, size_t i) {
  switch (rule) {
    case Rule::kNotNaN:
      return msg::NotNaN(name, i);
    case Rule::kPositiveFinite:
      return msg::PositiveFinite(name, i);
    case Rule::kNonNegativeFinite:
      return msg::NonNegativeFinite(name, i);
  }
  return std::string();
}

struct Checked {
  const View<double>& view;
  const char* name;
  Rule rule;
};

inline void CheckElements(Napi::Env env, Checked a) {
  for (size_t i = 0; i < a.view.length; ++i) {
    if (!Holds(a.rule, a.view.data[i])) ThrowRange(env, Violation(a.rule, a.name, i));
  }
}

// `b` must be at least as long as `a` (the caller has checked the lengths).
inline void CheckElements(Napi::Env env, Checked a, Checked b) {
  for (size_t i = 0; i < a.view.length; ++i) {
    if (!Holds(a.rule, a.view.data[i])) ThrowRange(env, Violation(a.rule, a.name, i));
    if (!Holds(b.rule, b.view.data[i])) ThrowRange(env, Violation(b.rule, b.name, i));
  }
}

inline void CheckShapePairs(Napi::Env env, const View<double>& alpha, const View<double>& beta) {
  CheckElements(env, {alpha, "alpha", Rule::kPositiveFinite}, {beta, "beta", Rule::kPositiveFinite});
}

}  // namespace nudge
