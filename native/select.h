// Top-n selection: indices of the n largest values, largest first, ties to the lower index. The same
// total order as src/kernel/select.ts, so both implementations return identical indices.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nudge {

constexpr uint32_t kInsertionMaxN = 32;

// Small n: one pass with an insertion buffer kept in out_idx. Large n: partial sort of an index scratch.
inline void TopN(const double* values, uint32_t k, uint32_t n, uint32_t* out_idx, std::vector<uint32_t>& scratch) {
  if (n <= kInsertionMaxN) {
    uint32_t c = 0;
    for (uint32_t i = 0; i < k; ++i) {
      const double v = values[i];
      int64_t j;
      if (c < n) {
        j = static_cast<int64_t>(c) - 1;
        ++c;
      } else if (v > values[out_idx[n - 1]]) {
        j = static_cast<int64_t>(n) - 2;
      } else {
        continue;
      }
      // strict < keeps an earlier index with an equal value ahead of this one
      while (j >= 0 && values[out_idx[j]] < v) {
        out_idx[j + 1] = out_idx[j];
        --j;
      }
      out_idx[j + 1] = i;
    }
    return;
  }
  if (scratch.size() < k) scratch.resize(k);
  uint32_t* idx = scratch.data();
  for (uint32_t i = 0; i < k; ++i) idx[i] = i;
  std::partial_sort(idx, idx + n, idx + k, [values](uint32_t x, uint32_t y) {
    const double vx = values[x], vy = values[y];
    if (vx > vy) return true;
    if (vx < vy) return false;
    return x < y;
  });
  std::copy(idx, idx + n, out_idx);
}

}  // namespace nudge
