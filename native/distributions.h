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
  // Whether these are the constants of shape 1: d is a - 1/3, and shapes >= 1 are at least 2^-52 apart
  // there while d's are 2^-53 apart, so only a == 1 gives this d.
  inline bool IsShapeOne() const { return d == 1.0 - 1.0 / 3.0; }
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

  // Beta(a, b) for a, b >= 1 from precomputed constants. The first Marsaglia-Tsang attempt of both
  // gammas is straight-line code behind one branch (ziggurat core, y >= 0.5 and the squeeze, for both;
  // it holds in ~90-97% of draws). Otherwise BetaLargeSlow continues each attempt exactly where the
  // plain samplers would (wedge/tail of that normal, log test of that pair, fresh attempts after a
  // rejection), so the law is that of two independent GammaMT draws; only the order in which the
  // stream is consumed differs. `r` is the generator: `rng`, or a copy the caller keeps in registers
  // across a loop (it must sync through `rng` around BetaLargeSlow).
  struct Attempt {
    uint64_t na, ua, nb, ub;
  };
  inline bool TryBetaLarge(Xoshiro256pp& r, const GammaConst& ka, const GammaConst& kb, double& out,
                           Attempt& at) const {
    at.na = r.Next();
    at.ua = r.Next();
    at.nb = r.Next();
    at.ub = r.Next();
    const double xa = zig.Core(at.na), xb = zig.Core(at.nb);
    const double ya = 1.0 + ka.c * xa, yb = 1.0 + kb.c * xb;
    const double xa2 = xa * xa, xb2 = xb * xb;
    // & rather than &&: one branch for the whole test instead of six poorly predicted ones
    const bool ok = zig.InCore(at.na) & zig.InCore(at.nb) & (ya >= 0.5) & (yb >= 0.5) &
                    (Xoshiro256pp::UnitFrom(at.ua) < 1.0 - ka.s * xa2 * xa2) &
                    (Xoshiro256pp::UnitFrom(at.ub) < 1.0 - kb.s * xb2 * xb2);
    const double ga = ka.d * (ya * ya * ya);
    out = ga / (ga + kb.d * (yb * yb * yb));
    return ok;
  }

  inline double BetaLarge(const GammaConst& ka, const GammaConst& kb) {
    Attempt at;
    double v;
    if (__builtin_expect(TryBetaLarge(rng, ka, kb, v, at), 1)) return v;
    return BetaLargeSlow(ka, kb, at);
  }

  // The same with the generator copy `r` of a caller's loop.
  inline double BetaLarge(Xoshiro256pp& r, const GammaConst& ka, const GammaConst& kb) {
    Attempt at;
    double v;
    if (__builtin_expect(TryBetaLarge(r, ka, kb, v, at), 1)) return v;
    rng = r;
    v = BetaLargeSlow(ka, kb, at);
    r = rng;
    return v;
  }

  // Beta(1, 1) is U(0, 1) itself. It is every offer's default prior, so a new campaign, offer or segment
  // draws it until its first outcomes, and Marsaglia-Tsang at shape 1 (d = 2/3) sends about a third of
  // those Beta draws to the slow path. The rule is applied where shapes >= 1 enter: here for loops with
  // precomputed constants, and in BetaAny on the shapes themselves, before any constants are built. Not
  // inside BetaLarge: its two extra compares per draw cost learned arms ~0.2 us per 100 draws.
  inline double BetaConst(Xoshiro256pp& r, const GammaConst& ka, const GammaConst& kb) {
    if (ka.IsShapeOne() && kb.IsShapeOne()) return r.Uniform();
    return BetaLarge(r, ka, kb);
  }

  // Any shapes, with the loop's generator copy `r`.
  inline double BetaAny(Xoshiro256pp& r, double a, double b) {
    if (__builtin_expect(a >= 1.0 && b >= 1.0, 1)) {
      // BetaConst's rule on the shapes: no constants are built for nothing (a square root and a division
      // per shape, about 0.5 us per Thompson decision over 100 arms at the prior).
      if (a == 1.0 && b == 1.0) return r.Uniform();
      return BetaLarge(r, GammaConst::For(a), GammaConst::For(b));
    }
    rng = r;
    const double v = Beta(a, b);
    r = rng;
    return v;
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
    if (a >= 1.0 && b >= 1.0) return BetaLarge(GammaConst::For(a), GammaConst::For(b));
    const double lx = LogGamma(a);
    const double ly = LogGamma(b);
    return 1.0 / (1.0 + std::exp(ly - lx));
  }

  __attribute__((noinline)) double BetaLargeSlow(const GammaConst& ka, const GammaConst& kb, const Attempt& at) {
    const double ga = GammaFinish(ka, zig.Finish(rng, at.na), Xoshiro256pp::UnitFrom(at.ua));
    const double gb = GammaFinish(kb, zig.Finish(rng, at.nb), Xoshiro256pp::UnitFrom(at.ub));
    return ga / (ga + gb);
  }

 private:
  // One Marsaglia-Tsang attempt from a known normal x and uniform u; a rejection starts over.
  double GammaFinish(const GammaConst& k, double x, double u) {
    const double y1 = 1.0 + k.c * x;
    if (y1 > 0.0) {
      const double v = y1 * y1 * y1;
      const double x2 = x * x;
      if (y1 >= 0.5 && u < 1.0 - k.s * x2 * x2) return k.d * v;
      if (std::log(u) < 0.5 * x2 + k.d * (1.0 - v + std::log(v))) return k.d * v;
    }
    return GammaMT(k);
  }
};

}  // namespace nudge
