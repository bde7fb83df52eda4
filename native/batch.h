// The hot loops of the entry points, over raw arrays (arguments already checked). Each keeps a copy of
// the generator in registers for the whole loop (Sampler::BetaLarge(r, ...)) instead of storing the
// state back to the addon object after every step.
//
// Each is compiled twice where GCC supports function multi-versioning, for x86-64-v3 (AVX2, FMA,
// BMI2) and for baseline x86-64, and the loader picks one per process. The v3 clone is ~10% faster,
// nearly all of it from FMA contraction of a*b+c. The price: a fused multiply-add rounds once, so on
// CPUs with and without FMA the same seed gives draws that can differ in the last bits (and, with
// probability ~1e-16 per draw, a different accept/reject decision). The law is the same and a seed
// repeats exactly on one machine. Build with -DNUDGE_NO_CLONES for one code path everywhere.
#pragma once

#include <cstddef>
#include <cstdint>

#include "distributions.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && !defined(NUDGE_NO_CLONES)
#define NUDGE_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NUDGE_CLONES
#endif

namespace nudge {

// out[i] ~ Beta(a[i], b[i]), i < n.
NUDGE_CLONES static void BetaBatch(Sampler& s, const double* a, const double* b, double* out, size_t n) {
  Xoshiro256pp r = s.rng;
  for (size_t i = 0; i < n; ++i) out[i] = s.BetaAny(r, a[i], b[i]);
  s.rng = r;
}

// out[i] ~ Beta from the precomputed constants consts[2i] (alpha) and consts[2i + 1] (beta), i < n.
NUDGE_CLONES static void BetaBatchConst(Sampler& s, const GammaConst* consts, double* out, size_t n) {
  Xoshiro256pp r = s.rng;
  for (size_t i = 0; i < n; ++i) out[i] = s.BetaConst(r, consts[2 * i], consts[2 * i + 1]);
  s.rng = r;
}

// reps Thompson decisions over k >= 1 arms with a frozen posterior: out_idx[t] = the arm with the
// largest of one Beta(a[i], b[i]) draw per arm (ties to the lower index, as TopN), out_max[t] = that
// draw. When every shape is >= 1 the Marsaglia-Tsang constants are computed once per arm (consts has
// room for 2k), not once per draw.
NUDGE_CLONES static void ThompsonPicks(Sampler& s, const double* a, const double* b, size_t k, size_t reps,
                                       uint32_t* out_idx, double* out_max, GammaConst* consts) {
  bool all_large = true;
  for (size_t i = 0; i < k; ++i) all_large = all_large && a[i] >= 1.0 && b[i] >= 1.0;
  Xoshiro256pp r = s.rng;
  if (all_large) {
    for (size_t i = 0; i < k; ++i) {
      consts[2 * i] = GammaConst::For(a[i]);
      consts[2 * i + 1] = GammaConst::For(b[i]);
    }
    for (size_t t = 0; t < reps; ++t) {
      uint32_t best = 0;
      double best_v = s.BetaConst(r, consts[0], consts[1]);
      for (size_t i = 1; i < k; ++i) {
        const double v = s.BetaConst(r, consts[2 * i], consts[2 * i + 1]);
        if (v > best_v) {
          best_v = v;
          best = static_cast<uint32_t>(i);
        }
      }
      out_idx[t] = best;
      out_max[t] = best_v;
    }
  } else {
    for (size_t t = 0; t < reps; ++t) {
      uint32_t best = 0;
      double best_v = s.BetaAny(r, a[0], b[0]);
      for (size_t i = 1; i < k; ++i) {
        const double v = s.BetaAny(r, a[i], b[i]);
        if (v > best_v) {
          best_v = v;
          best = static_cast<uint32_t>(i);
        }
      }
      out_idx[t] = best;
      out_max[t] = best_v;
    }
  }
  s.rng = r;
}

}  // namespace nudge
