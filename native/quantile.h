// Beta quantile: a line-by-line port of src/kernel/quantile.ts (see there for the method). Pure
// functions of their arguments; no state.
#pragma once

#include <algorithm>
#include <cmath>

namespace nudge {
namespace quantile {

constexpr double kLogSqrt2Pi = 0.9189385332046728;
constexpr double kCfEps = 1e-15;
constexpr double kCfTiny = 1e-300;
constexpr int kCfMaxIter = 100000;
constexpr double kTMin = -750.0;
constexpr double kTMax = 750.0;
constexpr double kTTol = 1e-9;  // stopping step in t (see quantile.ts)

// lgamma(x) - Stirling's approximation, for x >= 10.
inline double StirlingCorrection(double x) {
  const double r = 1.0 / x;
  const double r2 = r * r;
  return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

inline double LGamma(double x) {
  double p = 1.0;
  while (x < 10.0) {
    p *= x;
    x += 1.0;
  }
  return (x - 0.5) * std::log(x) - x + kLogSqrt2Pi + StirlingCorrection(x) - std::log(p);
}

inline double LBeta(double a, double b) {
  if (a > b) std::swap(a, b);
  const double s = a + b;
  if (a >= 10.0) {
    return (a - 0.5) * std::log(a / s) + (b - 0.5) * std::log1p(-a / s) - 0.5 * std::log(s) + kLogSqrt2Pi +
           StirlingCorrection(a) + StirlingCorrection(b) - StirlingCorrection(s);
  }
  if (b >= 10.0) {
    const double diff =
        StirlingCorrection(b) - StirlingCorrection(s) - (b - 0.5) * std::log1p(a / b) - a * std::log(s) + a;
    return LGamma(a) + diff;
  }
  return LGamma(a) + LGamma(b) - LGamma(s);
}

inline double Log1pExp(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

inline double Log1mExp(double l) {
  return l > -0.6931471805599453 ? std::log(-std::expm1(l)) : std::log1p(-std::exp(l));
}

inline double BetaCf(double a, double b, double x) {
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kCfTiny) d = kCfTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kCfMaxIter; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kCfTiny) d = kCfTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kCfTiny) c = kCfTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kCfTiny) d = kCfTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kCfTiny) c = kCfTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < kCfEps) break;
  }
  return h;
}

struct Eval {
  double log_i;
  double log_ic;
  double log_w;
};

inline Eval EvalAt(double a, double b, double lb, double t) {
  const double lx = -Log1pExp(-t);
  const double l1x = -Log1pExp(t);
  Eval e;
  e.log_w = a * lx + b * l1x - lb;
  const double x = std::exp(lx);
  if (x * (a + b + 2.0) < a + 1.0) {
    e.log_i = e.log_w + std::log(BetaCf(a, b, x) / a);
    e.log_ic = Log1mExp(std::min(e.log_i, 0.0));
  } else {
    e.log_ic = e.log_w + std::log(BetaCf(b, a, std::exp(l1x)) / b);
    e.log_i = Log1mExp(std::min(e.log_ic, 0.0));
  }
  return e;
}

inline double InitialT(double a, double b, double p) {
  if (a >= 1.0 && b >= 1.0) {
    const double pp = p < 0.5 ? p : 1.0 - p;
    const double tt = std::sqrt(-2.0 * std::log(pp));
    double z = (2.30753 + tt * 0.27061) / (1.0 + tt * (0.99229 + tt * 0.04481)) - tt;
    if (p < 0.5) z = -z;
    const double al = (z * z - 3.0) / 6.0;
    const double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
    const double w = z * std::sqrt(al + h) / h -
                     (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
    return std::log(a / b) - 2.0 * w;
  }
  const double lna = std::log(a / (a + b));
  const double lnb = std::log(b / (a + b));
  const double ta = std::exp(a * lna) / a;
  const double tb = std::exp(b * lnb) / b;
  const double w = ta + tb;
  if (p < ta / w) {
    const double lx = std::log(a * w * p) / a;
    return lx - Log1mExp(std::min(lx, 0.0));
  }
  const double l1x = std::log(b * w * (1.0 - p)) / b;
  return Log1mExp(std::min(l1x, 0.0)) - l1x;
}

// The p-quantile of Beta(a, b); arguments already checked (a, b > 0 finite, 0 < p < 1).
inline double BetaQuantile(double a, double b, double p) {
  const double lb = LBeta(a, b);
  const bool lower = p <= 0.5;
  const double target = lower ? std::log(p) : std::log1p(-p);
  double lo = kTMin;
  double hi = kTMax;
  double t = InitialT(a, b, p);
  if (!(t > lo && t < hi)) t = std::max(lo + 1.0, std::min(hi - 1.0, t == t ? t : 0.0));
  for (int iter = 0; iter < 300; ++iter) {
    const Eval e = EvalAt(a, b, lb, t);
    const double g = lower ? e.log_i - target : target - e.log_ic;
    if (g == 0.0) break;
    if (g < 0.0)
      lo = t;
    else
      hi = t;
    const double gp = std::exp(e.log_w - (lower ? e.log_i : e.log_ic));
    const double step = g / gp;
    if (std::fabs(step) <= kTTol * std::max(1.0, std::fabs(t))) {
      t -= step;
      break;
    }
    double next = t - step;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    t = next;
    if (hi - lo <= kTTol * std::max(1.0, std::fabs(t))) break;
  }
  return t < 0 ? std::exp(t - Log1pExp(t)) : 1.0 / (1.0 + std::exp(-t));
}

}  // namespace quantile
}  // namespace nudge
