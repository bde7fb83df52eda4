// The sampling kernel addon. One KernelAddon per environment (main thread and each worker thread):
// Napi::Addon stores it as the environment's instance data and deletes it when the environment is
// torn down, so generator state and scratch space are never shared between threads (no static mutable
// state anywhere in native/). Entry points mirror src/kernel/types.ts: same names, same argument order.
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "batch.h"
#include "checks.h"
#include "distributions.h"
#include "gaussian.h"
#include "quantile.h"
#include "select.h"

namespace nudge {

class KernelAddon : public Napi::Addon<KernelAddon> {
 public:
  KernelAddon(Napi::Env env, Napi::Object exports) {
    (void)env;
    // Unseeded environments must not share a stream (workers would draw identical samples).
    std::random_device rd;
    sampler_.rng.Seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
    DefineAddon(exports, {
                             InstanceMethod("seed", &KernelAddon::Seed),
                             InstanceMethod("uniform", &KernelAddon::Uniform),
                             InstanceMethod("normal", &KernelAddon::Normal),
                             InstanceMethod("gamma", &KernelAddon::Gamma),
                             InstanceMethod("beta", &KernelAddon::Beta),
                             InstanceMethod("topN", &KernelAddon::TopNMethod),
                             InstanceMethod("sampleTopN", &KernelAddon::SampleTopN),
                             InstanceMethod("propensities", &KernelAddon::Propensities),
                             InstanceMethod("betaQuantile", &KernelAddon::BetaQuantile),
                             InstanceMethod("thompsonPicks", &KernelAddon::ThompsonPicksMethod),
                             InstanceMethod("linearScores", &KernelAddon::LinearScoresMethod),
                             InstanceMethod("gaussianPropensities", &KernelAddon::GaussianPropensitiesMethod),
                         });
  }

 private:
  void Seed(const Napi::CallbackInfo& info) {
    const double s = NumberArg(info, 0, msg::kSeed);
    sampler_.rng.Seed(CheckSeed(info.Env(), s));
  }

  void Uniform(const Napi::CallbackInfo& info) {
    const View<double> out = Float64Arg(info, 0, "out");
    for (size_t i = 0; i < out.length; ++i) out.data[i] = sampler_.rng.Uniform();
  }

  void Normal(const Napi::CallbackInfo& info) {
    const View<double> out = Float64Arg(info, 0, "out");
    for (size_t i = 0; i < out.length; ++i) out.data[i] = sampler_.Normal();
  }

  void Gamma(const Napi::CallbackInfo& info) {
    const View<double> shape = Float64Arg(info, 0, "shape");
    const View<double> out = Float64Arg(info, 1, "out");
    if (out.length != shape.length) ThrowRange(info.Env(), msg::OutLength("shape"));
    CheckElements(info.Env(), {shape, "shape", Rule::kPositiveFinite});
    for (size_t i = 0; i < shape.length; ++i) out.data[i] = sampler_.Gamma(shape.data[i]);
  }

  void Beta(const Napi::CallbackInfo& info) {
    const View<double> alpha = Float64Arg(info, 0, "alpha");
    const View<double> beta = Float64Arg(info, 1, "beta");
    const View<double> out = Float64Arg(info, 2, "out");
    CheckSameLength(info.Env(), alpha, beta);
    if (out.length != alpha.length) ThrowRange(info.Env(), msg::OutLength("alpha"));
    CheckShapePairs(info.Env(), alpha, beta);
    BetaBatch(sampler_, alpha.data, beta.data, out.data, alpha.length);
  }

  void TopNMethod(const Napi::CallbackInfo& info) {
    const View<double> values = Float64Arg(info, 0, "values");
    const double nd = NumberArg(info, 1, msg::kN);
    const View<uint32_t> out_idx = Uint32Arg(info, 2, "outIdx");
    const uint32_t n = CheckN(info.Env(), nd, values.length);
    if (out_idx.length < n) ThrowRange(info.Env(), msg::kOutIdxLength);
    CheckElements(info.Env(), {values, "values", Rule::kNotNaN});
    TopN(values.data, static_cast<uint32_t>(values.length), n, out_idx.data, idx_scratch_);
  }

  void SampleTopN(const Napi::CallbackInfo& info) {
    const View<double> alpha = Float64Arg(info, 0, "alpha");
    const View<double> beta = Float64Arg(info, 1, "beta");
    const double nd = NumberArg(info, 2, msg::kN);
    const View<double> draws = Float64Arg(info, 3, "draws");
    const View<uint32_t> out_idx = Uint32Arg(info, 4, "outIdx");
    const size_t k = alpha.length;
    const uint32_t n = CheckN(info.Env(), nd, k);
    CheckSameLength(info.Env(), alpha, beta);
    if (draws.length != k) ThrowRange(info.Env(), msg::kDrawsLength);
    if (out_idx.length < n) ThrowRange(info.Env(), msg::kOutIdxLength);
    CheckShapePairs(info.Env(), alpha, beta);
    BetaBatch(sampler_, alpha.data, beta.data, draws.data, k);
    TopN(draws.data, static_cast<uint32_t>(k), n, out_idx.data, idx_scratch_);
  }

  void Propensities(const Napi::CallbackInfo& info) {
    const SlateArgs a = ReadSlateArgs(info, "alpha", "beta", msg::kSameLength);
    const View<double>& alpha = a.first;
    const View<double>& beta = a.second;
    const View<double>& out = a.out;
    const size_t k = alpha.length;
    const uint32_t n = a.n;
    const uint64_t m = a.m;
    CheckShapePairs(info.Env(), alpha, beta);

    if (draw_scratch_.size() < k) draw_scratch_.resize(k);
    if (top_scratch_.size() < n) top_scratch_.resize(n);
    if (const_scratch_.size() < 2 * k) const_scratch_.resize(2 * k);
    // The same shapes are drawn m times: Marsaglia-Tsang constants once per arm when both shapes >= 1.
    bool all_large = true;
    for (size_t i = 0; i < k; ++i) {
      all_large = all_large && alpha.data[i] >= 1.0 && beta.data[i] >= 1.0;
      if (!all_large) break;
      const_scratch_[2 * i] = GammaConst::For(alpha.data[i]);
      const_scratch_[2 * i + 1] = GammaConst::For(beta.data[i]);
    }
    double* draws = draw_scratch_.data();
    uint32_t* top = top_scratch_.data();
    std::fill(out.data, out.data + out.length, 0.0);
    for (uint64_t r = 0; r < m; ++r) {
      if (all_large) {
        BetaBatchConst(sampler_, const_scratch_.data(), draws, k);
      } else {
        BetaBatch(sampler_, alpha.data, beta.data, draws, k);
      }
      TopN(draws, static_cast<uint32_t>(k), n, top, idx_scratch_);
      for (uint32_t j = 0; j < n; ++j) out.data[static_cast<size_t>(top[j]) * n + j] += 1.0;
    }
    const double inv = 1.0 / static_cast<double>(m);
    for (size_t i = 0; i < out.length; ++i) out.data[i] *= inv;
  }

  void BetaQuantile(const Napi::CallbackInfo& info) {
    const View<double> alpha = Float64Arg(info, 0, "alpha");
    const View<double> beta = Float64Arg(info, 1, "beta");
    const double p = NumberArg(info, 2, msg::kP);
    const View<double> out = Float64Arg(info, 3, "out");
    CheckP(info.Env(), p);
    CheckSameLength(info.Env(), alpha, beta);
    if (out.length != alpha.length) ThrowRange(info.Env(), msg::OutLength("alpha"));
    CheckShapePairs(info.Env(), alpha, beta);
    for (size_t i = 0; i < alpha.length; ++i) out.data[i] = quantile::BetaQuantile(alpha.data[i], beta.data[i], p);
  }

  // thompsonPicks(alpha, beta, reps, outIdx, outMax): reps Thompson decisions for a frozen posterior.
  void ThompsonPicksMethod(const Napi::CallbackInfo& info) {
    const View<double> alpha = Float64Arg(info, 0, "alpha");
    const View<double> beta = Float64Arg(info, 1, "beta");
    const double rd = NumberArg(info, 2, msg::kReps);
    const View<uint32_t> out_idx = Uint32Arg(info, 3, "outIdx");
    const View<double> out_max = Float64Arg(info, 4, "outMax");
    const uint64_t reps = CheckReps(info.Env(), rd);
    CheckSameLength(info.Env(), alpha, beta);
    if (alpha.length == 0) ThrowRange(info.Env(), msg::kNotEmpty);
    if (out_idx.length < reps) ThrowRange(info.Env(), msg::kOutIdxReps);
    if (out_max.length < reps) ThrowRange(info.Env(), msg::kOutMaxReps);
    CheckShapePairs(info.Env(), alpha, beta);
    const size_t k = alpha.length;
    if (const_scratch_.size() < 2 * k) const_scratch_.resize(2 * k);
    ThompsonPicks(sampler_, alpha.data, beta.data, k, reps, out_idx.data, out_max.data, const_scratch_.data());
  }

  void LinearScoresMethod(const Napi::CallbackInfo& info) {
    const View<double> m = Float64Arg(info, 0, "m");
    const View<double> q = Float64Arg(info, 1, "q");
    const View<double> x = Float64Arg(info, 2, "x");
    const View<double> mean = Float64Arg(info, 3, "mean");
    const View<double> sd = Float64Arg(info, 4, "sd");
    const View<double> out = Float64Arg(info, 5, "out");
    const size_t k = out.length;
    const size_t dim = x.length;
    if (m.length != k * dim || q.length != k * dim) ThrowRange(info.Env(), msg::kWeightsLength);
    if (mean.length != k || sd.length != k) ThrowRange(info.Env(), msg::kMomentsLength);
    CheckElements(info.Env(), {x, "x", Rule::kNotNaN});
    CheckElements(info.Env(), {m, "m", Rule::kNotNaN}, {q, "q", Rule::kPositiveFinite});
    LinearScores(sampler_, m.data, q.data, x.data, dim, k, mean.data, sd.data, out.data);
  }

  void GaussianPropensitiesMethod(const Napi::CallbackInfo& info) {
    const SlateArgs a = ReadSlateArgs(info, "mean", "sd", msg::kMeanSdLength);
    const View<double>& mean = a.first;
    const View<double>& sd = a.second;
    const size_t k = mean.length;
    CheckElements(info.Env(), {mean, "mean", Rule::kNotNaN}, {sd, "sd", Rule::kNonNegativeFinite});
    GaussianPropensities(sampler_, mean.data, sd.data, k, a.n, a.m, a.out.data, draw_scratch_, top_scratch_, idx_scratch_);
  }

  Sampler sampler_;
  std::vector<double> draw_scratch_;
  std::vector<uint32_t> top_scratch_;
  std::vector<uint32_t> idx_scratch_;
  std::vector<GammaConst> const_scratch_;
};

}  // namespace nudge

// The macro pastes the name into an identifier, so it needs an unqualified one.
using nudge::KernelAddon;
NODE_API_ADDON(KernelAddon)
