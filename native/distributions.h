// Gamma and Beta variates (same algorithms as src/kernel/sampling.ts; the normal comes from the
// ziggurat here and from the polar method there, so the two agree in distribution, not bit for bit).
#pragma once

#include <cmath>

#include "rng.h"

namespace nudge {

// Marsaglia-Tsang constants of one shape >= 1, precomputed when the same shape is drawn many times.
//
// Squeeze: with y = c*x and v = (1+y)^3 the exact test is log(u) < d*g(y), g(y) = 1.5y^2 - 3y - y^3 +
// 3*log(1+y) = -0.75y^4 + 0.6y^5 - ..., and -g(y)/y^4 <= 1.2711 for y >= -0.5. Since log(u) <= u - 1,
// u < 1 - s*x^4 with s = 1.272/(81 d) implies the exact test there. This accepts all but ~4.7%/d of
// draws without a logarithm (Marsaglia and Tsang's fixed 0.0331*x^4 sends ~8% to the logarithms at
// every shape), and accepts exactly the same points, so the distribution is unchanged.
constexpr double kSqueeze = 1.272 / 81.0;

struct GammaConst {
  double d;
  double c;
  double s;
  static inline GammaConst For(double a) {
    const double d = a - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    return GammaConst{d, c, (9.0 * kSqueeze) * (c * c)};  // c^2 = 1/(9d): no second division
  }
};

class Sampler {
 public:
  Xoshiro256pp rng;
  Ziggurat zig;

  inline double Normal() { return zig.Normal(rng); }

  // Marsaglia-Tsang, shape >= 1.
  inline double GammaMT(GammaConst k) {
    for (;;) {
      double x, y1;
      do {
        x = Normal();
        y1 = 1.0 + k.c * x;
      } while (y1 <= 0.0);
      const double v = y1 * y1 * y1;
      const double u = rng.Uniform();
      const double x2 = x * x;
      if (__builtin_expect(y1 >= 0.5 && u < 1.0 - k.s * x2 * x2, 1)) return k.d * v;
      if (std::log(u) < 0.5 * x2 + k.d * (1.0 - v + std::log(v))) return k.d * v;
    }
  }

  // Gamma(a, 1); shape < 1 via Gamma(a + 1) * U^(1/a).
  inline double Gamma(double a) {
    if (a >= 1.0) return GammaMT(GammaConst::For(a));
    return GammaMT(GammaConst::For(a + 1.0)) * std::pow(rng.Uniform(), 1.0 / a);
  }

  // log Gamma(a, 1): for shape < 1 the draw can underflow to 0, so the boost is applied in logs.
  inline double LogGamma(double a) {
    if (a >= 1.0) return std::log(GammaMT(GammaConst::For(a)));
    return std::log(GammaMT(GammaConst::For(a + 1.0))) + std::log(rng.Uniform()) / a;
  }

  // Beta(a, b) = X / (X + Y); in log space when a shape is < 1 so tiny shapes never give 0 / 0.
  inline double Beta(double a, double b) {
    if (a >= 1.0 && b >= 1.0) {
      const double x = GammaMT(GammaConst::For(a));
      return x / (x + GammaMT(GammaConst::For(b)));
    }
    const double lx = LogGamma(a);
    const double ly = LogGamma(b);
    return 1.0 / (1.0 + std::exp(ly - lx));
  }
};

}  // namespace nudge
