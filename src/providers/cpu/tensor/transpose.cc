// Transpose and the two operators that are a transpose of a reshaped tensor: DepthToSpace and
// SpaceToDepth.
#include <numeric>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"
#include "providers/cpu/tensor/strided_copy.h"

namespace ortlite {

namespace {

class Transpose final : public OpKernel {
 public:
  explicit Transpose(const OpKernelInfo& info) : OpKernel(info) {
    if (info.HasAttr("perm")) {
      perm_ = info.GetAttr<std::vector<int64_t>>("perm");
      has_perm_ = true;
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    const size_t rank = dims.size();
    std::vector<size_t> perm(rank);
    if (has_perm_) {
      ORTLITE_CHECK_ARG(perm_.size() == rank, "perm has ", perm_.size(), " entries for an input of rank ", rank);
      std::vector<bool> seen(rank, false);
      for (size_t k = 0; k < rank; ++k) {
        const int64_t p = perm_[k];
        ORTLITE_CHECK_ARG(p >= 0 && p < static_cast<int64_t>(rank) && !seen[p], "perm is not a permutation of 0..",
                          rank - 1);
        seen[p] = true;
        perm[k] = static_cast<size_t>(p);
      }
    } else {
      for (size_t k = 0; k < rank; ++k) perm[k] = rank - 1 - k;
    }
    std::vector<int64_t> out_dims(rank);
    for (size_t k = 0; k < rank; ++k) out_dims[k] = dims[perm[k]];
    Tensor* out = ctx.Output(0, TensorShape(out_dims), input.GetElementType());
    PermutedCopy(input.GetElementType(), out->MutableDataRaw(), input.DataRaw(), dims, perm, ctx.GetThreadPool());
  }

 private:
  std::vector<int64_t> perm_;
  bool has_perm_ = false;
};

// Checks a 4-D NCHW input and a positive block size.
void CheckSpatialInput(const Tensor& input, int64_t blocksize) {
  ORTLITE_CHECK_ARG(input.Shape().NumDimensions() == 4, "input must be 4-D (N, C, H, W), got ",
                    input.Shape().ToString());
  ORTLITE_CHECK_ARG(blocksize > 0, "blocksize must be positive, got ", blocksize);
}

class DepthToSpace final : public OpKernel {
 public:
  explicit DepthToSpace(const OpKernelInfo& info)
      : OpKernel(info),
        blocksize_(info.GetAttr<int64_t>("blocksize")),
        column_row_depth_(info.GetAttrOrDefault<std::string>("mode", "DCR") == "CRD") {
    const std::string mode = info.GetAttrOrDefault<std::string>("mode", "DCR");
    ORTLITE_CHECK_ARG(mode == "DCR" || mode == "CRD", "unknown DepthToSpace mode '", mode, "'");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    CheckSpatialInput(input, blocksize_);
    const int64_t n = input.Shape()[0], c = input.Shape()[1], h = input.Shape()[2], w = input.Shape()[3];
    const int64_t b = blocksize_;
    ORTLITE_CHECK_ARG(c % (b * b) == 0, "channels (", c, ") must be a multiple of blocksize^2 (", b * b, ")");
    const int64_t oc = c / (b * b);
    std::vector<int64_t> split_dims;
    std::vector<size_t> perm;
    if (column_row_depth_) {
      split_dims = {n, oc, b, b, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    } else {
      split_dims = {n, b, b, oc, h, w};
      perm = {0, 3, 4, 1, 5, 2};
    }
    Tensor* out = ctx.Output(0, TensorShape({n, oc, h * b, w * b}), input.GetElementType());
    PermutedCopy(input.GetElementType(), out->MutableDataRaw(), input.DataRaw(), split_dims, perm, ctx.GetThreadPool());
  }

 private:
  int64_t blocksize_;
  bool column_row_depth_;
};

class SpaceToDepth final : public OpKernel {
 public:
  explicit SpaceToDepth(const OpKernelInfo& info) : OpKernel(info), blocksize_(info.GetAttr<int64_t>("blocksize")) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    CheckSpatialInput(input, blocksize_);
    const int64_t n = input.Shape()[0], c = input.Shape()[1], h = input.Shape()[2], w = input.Shape()[3];
    const int64_t b = blocksize_;
    ORTLITE_CHECK_ARG(h % b == 0 && w % b == 0, "height and width (", h, ", ", w, ") must be multiples of blocksize ",
                      b);
    Tensor* out = ctx.Output(0, TensorShape({n, c * b * b, h / b, w / b}), input.GetElementType());
    PermutedCopy(input.GetElementType(), out->MutableDataRaw(), input.DataRaw(), {n, c, h / b, b, w / b, b},
                 {0, 3, 5, 1, 2, 4}, ctx.GetThreadPool());
  }

 private:
  int64_t blocksize_;
};

}  // namespace

ONNX_CPU_KERNEL(Transpose, 1, Transpose, KernelDefBuilder())
ONNX_CPU_KERNEL(DepthToSpace, 1, DepthToSpace, KernelDefBuilder())
ONNX_CPU_KERNEL(SpaceToDepth, 1, SpaceToDepth, KernelDefBuilder())

}  // namespace ortlite
