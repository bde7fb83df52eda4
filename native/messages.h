// The exact error messages of the kernel: mirrors src/kernel/messages.ts (a test checks that both
// implementations throw the same class and text for every bad argument).
#pragma once

#include <cstddef>
#include <string>

namespace nudge {
namespace msg {

inline std::string Float64(const char* name) { return std::string(name) + " must be a Float64Array"; }
inline std::string Uint32(const char* name) { return std::string(name) + " must be a Uint32Array"; }
inline std::string PositiveFinite(const char* name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "] must be a finite number > 0";
}
inline std::string NotNaN(const char* name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "] must not be NaN";
}
inline std::string OutLength(const char* name) { return std::string("out must have the length of ") + name; }
inline std::string NonNegativeFinite(const char* name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "] must be a finite number >= 0";
}

constexpr const char* kSameLength = "alpha and beta must have the same length";
constexpr const char* kN = "n must be an integer in [1, k]";
constexpr const char* kM = "m must be an integer >= 1";
constexpr const char* kP = "p must be in (0, 1)";
constexpr const char* kSeed = "seed must be a safe integer >= 0";
constexpr const char* kOutKn = "out must have length k * n";
constexpr const char* kDrawsLength = "draws must have the length of alpha";
constexpr const char* kOutIdxLength = "outIdx must have length >= n";
constexpr const char* kReps = "reps must be an integer >= 1";
constexpr const char* kNotEmpty = "alpha must not be empty";
constexpr const char* kOutIdxReps = "outIdx must have length >= reps";
constexpr const char* kOutMaxReps = "outMax must have length >= reps";
constexpr const char* kWeightsLength = "m and q must have length out.length * x.length";
constexpr const char* kMomentsLength = "mean and sd must have the length of out";
constexpr const char* kMeanSdLength = "mean and sd must have the same length";

}  // namespace msg
}  // namespace nudge
