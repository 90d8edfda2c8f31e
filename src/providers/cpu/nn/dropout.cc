// Dropout (opset 1, 6, 7, 10, 12, 13).
// Inference (every version before 12, and 12+ unless training_mode is true): Y = X and, if asked
// for, a mask of all true (ones of T before opset 10). Opset 12+ with training_mode true and
// ratio > 0: mask = uniform[0, 1) >= ratio, Y = X * mask / (1 - ratio); the `seed` attribute
// makes the draw repeatable.
#include <cstdint>
#include <cstring>
#include <random>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

// Reads a scalar input of any float type (ratio) or bool (training_mode).
double ScalarInput(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, "Dropout ", what, " must be a scalar, got shape ", t.Shape().ToString());
  if (t.GetElementType() == DataType::kBool) return t.Data<bool>()[0] ? 1.0 : 0.0;
  double v = 0.0;
  VisitType<FloatTypes>(t.GetElementType(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    v = static_cast<double>(ToCompute(t.Data<T>()[0]));
  }, "Dropout ratio");
  return v;
}

void FillMask(Tensor* mask, const std::vector<bool>* keep) {
  VisitType<AllNumericAndBoolTypes>(mask->GetElementType(), [&](auto tag) {
    using M = typename decltype(tag)::type;
    M* m = mask->MutableData<M>();
    for (int64_t i = 0; i < mask->NumElements(); ++i) {
      const bool k = keep ? (*keep)[static_cast<size_t>(i)] : true;
      m[i] = FromCompute<M>(k ? 1.f : 0.f);
    }
  }, "Dropout mask");
}

class Dropout final : public OpKernel {
 public:
  explicit Dropout(const OpKernelInfo& info) : OpKernel(info), opset_(info.SinceVersion()) {
    ratio_ = info.GetAttrOrDefault<float>("ratio", 0.5f);
    has_seed_ = info.HasAttr("seed");
    seed_ = info.GetAttrOrDefault<int64_t>("seed", 0);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    double ratio = ratio_;
    bool training = false;
    if (opset_ >= 12) {
      ratio = 0.5;
      if (const Tensor* r = ctx.Input(1)) ratio = ScalarInput(*r, "ratio");
      if (const Tensor* t = ctx.Input(2)) training = ScalarInput(*t, "training_mode") != 0.0;
    }
    ORTLITE_CHECK_ARG(ratio >= 0.0 && ratio <= 1.0, "Dropout ratio must be in [0, 1], got ", ratio);
    Tensor* Y = ctx.Output(0, X.Shape());
    Tensor* mask = ctx.OutputCount() > 1 && ctx.OutputIsUsed(1) ? ctx.Output(1, X.Shape()) : nullptr;
    if (!training || ratio == 0.0) {
      VisitType<FloatTypes>(X.GetElementType(), [&](auto) {}, "Dropout");
      if (X.NumElements() > 0) std::memcpy(Y->MutableDataRaw(), X.DataRaw(), X.SizeInBytes());
      if (mask) FillMask(mask, nullptr);
      return;
    }
    // MT19937 seeded with the 32-bit seed and 53-bit doubles built from two draws: the stream of
    // numpy's RandomState, so a seeded mask matches one drawn with numpy.random.seed(seed).
    std::mt19937 rng(has_seed_ ? static_cast<uint32_t>(seed_) : std::random_device{}());
    std::vector<bool> keep(static_cast<size_t>(X.NumElements()));
    for (size_t i = 0; i < keep.size(); ++i) {
      const uint32_t hi = rng() >> 5, lo = rng() >> 6;
      const double u = (hi * 67108864.0 + lo) / 9007199254740992.0;
      keep[i] = u >= ratio;
    }
    // ratio == 1 drops everything; the scale would be infinite.
    const double scale = ratio < 1.0 ? 1.0 / (1.0 - ratio) : 0.0;
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = ComputeType<T>;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      for (size_t i = 0; i < keep.size(); ++i) {
        y[i] = keep[i] ? FromCompute<T>(static_cast<C>(ToCompute(x[i])) * static_cast<C>(scale)) : FromCompute<T>(0.f);
      }
    }, "Dropout");
    if (mask) FillMask(mask, &keep);
  }

 private:
  int opset_;
  float ratio_ = 0.5f;
  bool has_seed_ = false;
  int64_t seed_ = 0;
};

}  // namespace

ONNX_CPU_KERNEL(Dropout, 1, Dropout, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
