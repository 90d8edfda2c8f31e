// Pad: constant, reflect and edge modes; negative pads crop. Pad-1 names the pads `paddings`,
// Pad-2 `pads` (both attributes, with a float `value`); from Pad-11 pads and the constant are inputs.
//
// Each output coordinate along each axis maps to one input coordinate (or to "fill" in constant
// mode), so the whole operator is a gather through per-axis index maps.
#include <algorithm>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

enum class PadMode { kConstant, kReflect, kEdge };

constexpr int64_t kFill = -1;

// The input coordinate for output coordinate `o` of an axis of size `dim` padded by `begin` in front.
int64_t SourceIndex(int64_t o, int64_t begin, int64_t dim, PadMode mode) {
  const int64_t i = o - begin;
  if (i >= 0 && i < dim) return i;
  switch (mode) {
    case PadMode::kConstant: return kFill;
    case PadMode::kEdge: return i < 0 ? 0 : dim - 1;
    case PadMode::kReflect: {
      if (dim == 1) return 0;
      const int64_t period = 2 * (dim - 1);
      int64_t m = i % period;
      if (m < 0) m += period;
      return m < dim ? m : period - m;
    }
  }
  return kFill;
}

// A single element of `type` holding `value`, for the Pad-1/2 float attribute.
Tensor ScalarFromDouble(DataType type, double value) {
  Tensor t(type, TensorShape(), GetCpuAllocator());
  if (type == DataType::kString) return t;
  if (type == DataType::kBool) {
    *t.MutableData<bool>() = value != 0;
  } else if (type == DataType::kComplex64) {
    *t.MutableData<std::complex<float>>() = std::complex<float>(static_cast<float>(value), 0.f);
  } else if (type == DataType::kComplex128) {
    *t.MutableData<std::complex<double>>() = std::complex<double>(value, 0.0);
  } else {
    VisitType<AllNumericTypes>(type, [&](auto tag) {
      using T = typename decltype(tag)::type;
      *t.MutableData<T>() = FromCompute<T>(value);
    });
  }
  return t;
}

// One run of the innermost axis: `length` output elements from `src_start` on (kFill: constant).
struct InnerRun {
  int64_t out_start, length, src_start;
};

class Pad final : public OpKernel {
 public:
  explicit Pad(const OpKernelInfo& info) : OpKernel(info), from_inputs_(info.SinceVersion() >= 11) {
    const std::string mode = info.GetAttrOrDefault<std::string>("mode", "constant");
    if (mode == "constant") {
      mode_ = PadMode::kConstant;
    } else if (mode == "reflect") {
      mode_ = PadMode::kReflect;
    } else if (mode == "edge") {
      mode_ = PadMode::kEdge;
    } else {
      ThrowError(ErrorCode::kInvalidArgument, "unsupported Pad mode '", mode, "'");
    }
    if (!from_inputs_) {
      pads_ = info.GetAttr<std::vector<int64_t>>(info.SinceVersion() < 2 ? "paddings" : "pads");
      value_ = info.GetAttrOrDefault<float>("value", 0.f);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const DataType type = input.GetElementType();
    const auto& dims = input.Shape().GetDims();
    const size_t rank = dims.size();

    std::vector<int64_t> begins(rank, 0), ends(rank, 0);
    std::vector<int64_t> pads = from_inputs_ ? ReadInt64Values(ctx.RequiredInput(1), "pads") : pads_;
    const Tensor* axes_input = from_inputs_ ? ctx.Input(3) : nullptr;
    std::vector<int64_t> axes;
    if (axes_input) {
      axes = NormalizeAxes(ReadInt64Values(*axes_input, "axes"), static_cast<int64_t>(rank), "Pad axis");
    } else {
      for (size_t k = 0; k < rank; ++k) axes.push_back(static_cast<int64_t>(k));
    }
    ORTLITE_CHECK_ARG(pads.size() == 2 * axes.size(), "pads has ", pads.size(), " entries, expected ", 2 * axes.size());
    for (size_t i = 0; i < axes.size(); ++i) {
      begins[axes[i]] = pads[i];
      ends[axes[i]] = pads[i + axes.size()];
    }

    Tensor fill;
    if (from_inputs_ && ctx.Input(2)) {
      const Tensor& c = *ctx.Input(2);
      ORTLITE_CHECK_ARG(c.GetElementType() == type && c.NumElements() == 1,
                        "constant_value must be one element of the data's type");
      fill = c;
    } else {
      fill = ScalarFromDouble(type, from_inputs_ ? 0.0 : value_);
    }

    std::vector<int64_t> out_dims(rank);
    std::vector<std::vector<int64_t>> maps(rank);
    for (size_t k = 0; k < rank; ++k) {
      const bool overflow = __builtin_add_overflow(dims[k], begins[k], &out_dims[k]) ||
                            __builtin_add_overflow(out_dims[k], ends[k], &out_dims[k]);
      ORTLITE_CHECK_ARG(!overflow, "pads ", begins[k], ", ", ends[k], " overflow axis ", k);
      ORTLITE_CHECK_ARG(out_dims[k] >= 0, "pads ", begins[k], ", ", ends[k], " remove more than axis ", k, " of size ",
                        dims[k]);
      const bool pads_outside = (begins[k] > 0 || ends[k] > 0) && out_dims[k] > 0;
      ORTLITE_CHECK_ARG(mode_ == PadMode::kConstant || dims[k] > 0 || !pads_outside,
                        "cannot pad an empty axis in reflect or edge mode");
    }
    CheckOutputDims(out_dims, "Pad output");
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    if (out->NumElements() == 0) return;
    for (size_t k = 0; k < rank; ++k) {
      maps[k].resize(static_cast<size_t>(out_dims[k]));
      for (int64_t o = 0; o < out_dims[k]; ++o) maps[k][o] = SourceIndex(o, begins[k], dims[k], mode_);
    }
    if (rank == 0) {
      CopyTensorData(input, *out);
      return;
    }

    // The innermost axis as runs of consecutive source elements or of fill.
    std::vector<InnerRun> runs;
    for (int64_t o = 0; o < out_dims[rank - 1]; ++o) {
      const int64_t s = maps[rank - 1][o];
      if (!runs.empty()) {
        InnerRun& last = runs.back();
        const bool extends =
            s == kFill ? last.src_start == kFill : last.src_start != kFill && last.src_start + last.length == s;
        if (extends) {
          ++last.length;
          continue;
        }
      }
      runs.push_back({o, 1, s});
    }

    const std::vector<int64_t> in_strides = ContiguousStrides(dims);
    const int64_t inner = out_dims[rank - 1];
    const int64_t rows = out->NumElements() / inner;
    VisitByElementSize(type, [&](auto tag) {
      using S = typename decltype(tag)::type;
      const S* src = static_cast<const S*>(input.DataRaw());
      S* dst = static_cast<S*>(out->MutableDataRaw());
      const S fill_value = *static_cast<const S*>(fill.DataRaw());
      auto pad_rows = [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
          S* d = dst + row * inner;
          int64_t src_row = 0, rem = row;
          bool filled = false;
          for (size_t k = rank - 1; k-- > 0;) {
            const int64_t s = maps[k][rem % out_dims[k]];
            rem /= out_dims[k];
            if (s == kFill) filled = true;
            src_row += s * in_strides[k];
          }
          if (filled) {
            std::fill(d, d + inner, fill_value);
            continue;
          }
          for (const InnerRun& run : runs) {
            if (run.src_start == kFill) {
              std::fill(d + run.out_start, d + run.out_start + run.length, fill_value);
            } else {
              std::copy(src + src_row + run.src_start, src + src_row + run.src_start + run.length, d + run.out_start);
            }
          }
        }
      };
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, double(inner) + 10.0 * rank, pad_rows);
    });
  }

 private:
  bool from_inputs_;
  PadMode mode_ = PadMode::kConstant;
  std::vector<int64_t> pads_;
  float value_ = 0.f;
};

}  // namespace

ONNX_CPU_KERNEL(Pad, 1, Pad, KernelDefBuilder())

}  // namespace ortlite
