// Gaussian entry points for contextual Thompson sampling (logistic-thompson): draws and dot products
// for all arms in one call, and Monte-Carlo slate propensities of Gaussian scores. Same checks, order
// and messages as src/kernel/gaussian.ts.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "distributions.h"
#include "select.h"

namespace nudge {

// mean[a] = m_a . x, sd[a] = sqrt(sum_i x_i^2 / q_ai), out[a] = mean[a] + z sd[a], z ~ N(0, 1): the
// score w . x of w ~ N(m_a, diag(1/q_a)), which has exactly that normal distribution.
inline void LinearScores(Sampler& s, const double* m, const double* q, const double* x, size_t dim, size_t k, double* mean,
                         double* sd, double* out) {
  for (size_t a = 0; a < k; ++a) {
    const double* ma = m + a * dim;
    const double* qa = q + a * dim;
    double mu = 0.0;
    double v = 0.0;
    for (size_t i = 0; i < dim; ++i) {
      const double xi = x[i];
      mu += ma[i] * xi;
      v += xi * xi / qa[i];
    }
    const double sa = std::sqrt(v);
    mean[a] = mu;
    sd[a] = sa;
    out[a] = mu + s.Normal() * sa;
  }
}

// out[i * n + j] = share of m joint draws of N(mean[i], sd[i]^2) in which arm i is at position j of the top n.
inline void GaussianPropensities(Sampler& s, const double* mean, const double* sd, size_t k, uint32_t n, uint64_t m, double* out,
                                 std::vector<double>& score, std::vector<uint32_t>& top, std::vector<uint32_t>& idx_scratch) {
  if (score.size() < k) score.resize(k);
  if (top.size() < n) top.resize(n);
  double* sc = score.data();
  uint32_t* tp = top.data();
  std::fill(out, out + k * n, 0.0);
  for (uint64_t r = 0; r < m; ++r) {
    for (size_t i = 0; i < k; ++i) sc[i] = mean[i] + s.Normal() * sd[i];
    if (n == 1) {
      size_t best = 0;
      double best_v = sc[0];
      for (size_t i = 1; i < k; ++i) {
        if (sc[i] > best_v) {
          best_v = sc[i];
          best = i;
        }
      }
      out[best] += 1.0;
    } else {
      TopN(sc, static_cast<uint32_t>(k), n, tp, idx_scratch);
      for (uint32_t j = 0; j < n; ++j) out[static_cast<size_t>(tp[j]) * n + j] += 1.0;
    }
  }
  const double inv = 1.0 / static_cast<double>(m);
  for (size_t i = 0; i < k * n; ++i) out[i] *= inv;
}

}  // namespace nudge
