// xoshiro256++ (Blackman & Vigna) seeded by splitmix64, plus the ziggurat tables for normals.
// Instances live inside the per-environment addon object: no static mutable state, so every worker
// thread has its own generator. The uniform() stream matches src/kernel/xoshiro.ts bit for bit.
#pragma once

#include <cmath>
#include <cstdint>

namespace nudge {

class Xoshiro256pp {
 public:
  void Seed(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& w : s_) w = SplitMix64(x);
  }

  inline uint64_t Next() {
    const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // U[0,1) from the top 53 bits, for acceptance tests (u < f), where u == 0 is harmless.
  static inline double UnitFrom(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

  // U(0,1), 53-bit resolution; k == 0 is redrawn so the result is never 0 (nor 1).
  inline double Uniform() {
    for (;;) {
      const uint64_t k = Next() >> 11;
      if (k != 0) return static_cast<double>(k) * 0x1.0p-53;
    }
  }

 private:
  static inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  static uint64_t SplitMix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t s_[4] = {0, 0, 0, 0};
};

// Ziggurat for N(0,1) with 256 layers (Marsaglia & Tsang 2000 constants; Doornik's formulation with
// the layer index taken from bits that the uniform does not use, so the two are independent).
class Ziggurat {
 public:
  static constexpr int kLayers = 256;
  static constexpr double kR = 3.6541528853610088;
  static constexpr double kV = 0.00492867323399;

  Ziggurat() {
    double f = std::exp(-0.5 * kR * kR);
    x_[0] = kV / f;  // the base layer, including the tail, as a rectangle of area V
    x_[1] = kR;
    x_[kLayers] = 0.0;
    for (int i = 2; i < kLayers; ++i) {
      x_[i] = std::sqrt(-2.0 * std::log(kV / x_[i - 1] + f));
      f = std::exp(-0.5 * x_[i] * x_[i]);
    }
    for (int i = 0; i < kLayers; ++i) ratio_[i] = x_[i + 1] / x_[i];
  }

  // The fast path (about 99% of draws: one generator step, one table lookup) is kept small enough to
  // inline into the gamma sampler; the rest is out of line.
  inline double Normal(Xoshiro256pp& rng) const {
    const uint64_t bits = rng.Next();
    const int i = static_cast<int>(bits & 0xff);
    const double u = SignedUnit(bits);
    if (__builtin_expect(std::fabs(u) < ratio_[i], 1)) return u * x_[i];
    return NormalSlow(rng, i, u);
  }

  // The fast path split in two for callers that test several draws with one branch: Core() is the
  // candidate, exact when InCore() holds; otherwise Finish() completes the draw from the same bits.
  inline bool InCore(uint64_t bits) const { return std::fabs(SignedUnit(bits)) < ratio_[bits & 0xff]; }
  inline double Core(uint64_t bits) const { return SignedUnit(bits) * x_[bits & 0xff]; }
  double Finish(Xoshiro256pp& rng, uint64_t bits) const {
    const int i = static_cast<int>(bits & 0xff);
    const double u = SignedUnit(bits);
    if (std::fabs(u) < ratio_[i]) return u * x_[i];
    return NormalSlow(rng, i, u);
  }

 private:
  // top 53 bits -> u uniform in (-1, 1), symmetric
  static inline double SignedUnit(uint64_t bits) {
    return (static_cast<double>(static_cast<int64_t>(bits >> 11) - (int64_t{1} << 52)) + 0.5) * 0x1.0p-52;
  }

  __attribute__((noinline)) double NormalSlow(Xoshiro256pp& rng, int i, double u) const {
    for (;;) {
      if (i == 0) return Tail(rng, u < 0);
      const double x = u * x_[i];
      const double f0 = std::exp(-0.5 * (x_[i] * x_[i] - x * x));
      const double f1 = std::exp(-0.5 * (x_[i + 1] * x_[i + 1] - x * x));
      if (f1 + rng.Uniform() * (f0 - f1) < 1.0) return x;
      const uint64_t bits = rng.Next();
      i = static_cast<int>(bits & 0xff);
      u = SignedUnit(bits);
      if (std::fabs(u) < ratio_[i]) return u * x_[i];
    }
  }

  static double Tail(Xoshiro256pp& rng, bool negative) {
    double x, y;
    do {
      x = std::log(rng.Uniform()) / kR;
      y = std::log(rng.Uniform());
    } while (-2.0 * y < x * x);
    return negative ? x - kR : kR - x;
  }

  double x_[kLayers + 1];
  double ratio_[kLayers];
};

}  // namespace nudge
