// Concat and Split: joining tensors along an axis and cutting one apart. Both view a tensor as
// [outer, axis * inner] rows and move whole row segments.
#include <algorithm>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// Below this many elements a piece of a copy is not worth handing to another thread.
constexpr int64_t kMinPieceElements = 16 * 1024;

class Concat final : public OpKernel {
 public:
  // Concat-1 defaults the axis to 1; from opset 4 it is required.
  explicit Concat(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.SinceVersion() < 4 ? info.GetAttrOrDefault<int64_t>("axis", 1) : info.GetAttr<int64_t>("axis")) {}

  void Compute(OpKernelContext& ctx) const override {
    std::vector<const Tensor*> inputs;
    for (int i = 0; i < ctx.InputCount(); ++i) {
      const Tensor* t = ctx.Input(i);
      ORTLITE_CHECK_ARG(t != nullptr, "Concat input ", i, " is missing");
      inputs.push_back(t);
    }
    ORTLITE_CHECK_ARG(!inputs.empty(), "Concat needs at least one input");
    // The reference input fixes rank and dims; a rank-mismatched input holding no elements (a
    // common exporter artefact, e.g. shape {0}) contributes nothing and is skipped.
    const Tensor* ref = inputs[0];
    for (const Tensor* t : inputs) {
      if (t->NumElements() != 0) {
        ref = t;
        break;
      }
    }
    const auto& ref_dims = ref->Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(ref_dims.size());
    ORTLITE_CHECK_ARG(rank > 0, "Concat inputs must have rank >= 1");
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, rank, "Concat axis"));
    const DataType type = ref->GetElementType();

    std::vector<const Tensor*> parts;
    int64_t axis_total = 0;
    for (const Tensor* t : inputs) {
      ORTLITE_CHECK_ARG(t->GetElementType() == type, "Concat inputs have different element types");
      const auto& d = t->Shape().GetDims();
      if (d.size() != ref_dims.size() && t->NumElements() == 0) continue;
      ORTLITE_CHECK_ARG(d.size() == ref_dims.size(), "Concat inputs have different ranks: ", t->Shape().ToString(),
                        " vs ", ref->Shape().ToString());
      for (size_t k = 0; k < d.size(); ++k) {
        ORTLITE_CHECK_ARG(k == axis || d[k] == ref_dims[k], "Concat input shape ", t->Shape().ToString(),
                          " does not match ", ref->Shape().ToString(), " outside axis ", axis);
      }
      axis_total += d[axis];
      parts.push_back(t);
    }
    std::vector<int64_t> out_dims = ref_dims;
    out_dims[axis] = axis_total;
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    const TensorShape out_shape(out_dims);
    const int64_t outer = out_shape.SizeToDimension(axis);
    const int64_t inner = out_shape.SizeFromDimension(axis + 1);
    const int64_t out_row = axis_total * inner;
    if (out->NumElements() == 0) return;
    // Every (outer row, input) run, cut into pieces so that threads share even a single image
    // (batch 1 with two inputs would otherwise give each thread one input, or nothing).
    struct Piece {
      int64_t dst, src, count;
      const Tensor* input;
    };
    const int threads = ThreadPool::DegreeOfParallelism(ctx.GetThreadPool());
    const int64_t total = out->NumElements();
    const int64_t piece_max = std::max<int64_t>(kMinPieceElements, total / (4 * threads) + 1);
    std::vector<Piece> pieces;
    for (int64_t o = 0; o < outer; ++o) {
      int64_t dst_offset = o * out_row;
      for (const Tensor* t : parts) {
        const int64_t row = t->Shape()[axis] * inner;
        // The planner may have placed the input where it belongs in the output already.
        const bool in_place = ElementAt(out->MutableDataRaw(), type, dst_offset) == ElementAt(t->DataRaw(), type, o * row);
        for (int64_t done = 0; !in_place && done < row; done += piece_max) {
          pieces.push_back({dst_offset + done, o * row + done, std::min(piece_max, row - done), t});
        }
        dst_offset += row;
      }
    }
    const double cost = static_cast<double>(total) / static_cast<double>(std::max<size_t>(1, pieces.size()));
    ThreadPool::ParallelForStatic(ctx.GetThreadPool(), static_cast<int64_t>(pieces.size()), cost + 8.0,
                               [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const Piece& p = pieces[static_cast<size_t>(i)];
        CopyElements(type, ElementAt(out->MutableDataRaw(), type, p.dst), ElementAt(p.input->DataRaw(), type, p.src),
                     p.count);
      }
    });
  }

 private:
  int64_t axis_;
};

// Split sizes come from the `split` attribute (opsets 1, 2, 11; opset 1 also accepts input 1) or
// from input 1 (opset 13). Without them the axis is cut into equal parts, one per output, the
// last part taking the remainder when the size does not divide evenly.
class Split final : public OpKernel {
 public:
  explicit Split(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.GetAttrOrDefault<int64_t>("axis", 0)),
        split_from_input_(info.SinceVersion() >= 13 || info.SinceVersion() == 1),
        num_outputs_(info.GetAttrOrDefault<int64_t>("num_outputs", 0)) {
    if (info.SinceVersion() < 13) split_attr_ = info.GetAttrOrDefault<std::vector<int64_t>>("split", {});
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    ORTLITE_CHECK_ARG(rank > 0, "Split input must have rank >= 1");
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, rank, "Split axis"));
    const int64_t dim = dims[axis];
    const int num_outputs = ctx.OutputCount();

    std::vector<int64_t> sizes = split_attr_;
    const Tensor* split_input = split_from_input_ ? ctx.Input(1) : nullptr;
    if (split_input) sizes = ReadInt64Values(*split_input, "split");
    if (sizes.empty()) {
      const int64_t parts = num_outputs_ > 0 ? num_outputs_ : num_outputs;
      ORTLITE_CHECK_ARG(parts > 0, "Split has no outputs");
      const int64_t chunk = (dim + parts - 1) / parts;
      for (int64_t j = 0; j < parts; ++j) sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - j * chunk)));
    }
    ORTLITE_CHECK_ARG(static_cast<int64_t>(sizes.size()) == num_outputs, "split has ", sizes.size(), " entries for ",
                      num_outputs, " outputs");
    int64_t total = 0;
    for (int64_t s : sizes) {
      ORTLITE_CHECK_ARG(s >= 0 && s <= dim, "split size ", s, " is outside [0, ", dim, "]");
      total += s;
    }
    ORTLITE_CHECK_ARG(total == dim, "split sizes sum to ", total, " but axis ", axis, " has size ", dim);

    const DataType type = input.GetElementType();
    const int64_t outer = input.Shape().SizeToDimension(axis);
    const int64_t inner = input.Shape().SizeFromDimension(axis + 1);
    const int64_t in_row = dim * inner;
    int64_t offset = 0;
    for (int j = 0; j < num_outputs; ++j) {
      std::vector<int64_t> out_dims = dims;
      out_dims[axis] = sizes[j];
      Tensor* out = ctx.Output(j, TensorShape(out_dims), type);
      const int64_t row = sizes[j] * inner;
      const int64_t start = offset;
      if (row > 0) {
        ThreadPool::TryParallelFor(ctx.GetThreadPool(), outer, double(row) + 8.0, [&](int64_t begin, int64_t end) {
          for (int64_t o = begin; o < end; ++o) {
            CopyElements(type, ElementAt(out->MutableDataRaw(), type, o * row),
                         ElementAt(input.DataRaw(), type, o * in_row + start), row);
          }
        });
      }
      offset += row;
    }
  }

 private:
  int64_t axis_;
  bool split_from_input_;
  int64_t num_outputs_;
  std::vector<int64_t> split_attr_;
};

}  // namespace

ONNX_CPU_KERNEL(Concat, 1, Concat, KernelDefBuilder())
ONNX_CPU_KERNEL(Split, 1, Split, KernelDefBuilder())

}  // namespace ortlite
