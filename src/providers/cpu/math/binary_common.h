// Base of the two-input broadcasting kernels (binary.cc, pow_mod.cc): builds the broadcast plan,
// including the limited broadcasting of opsets before 7 where B is aligned to A at `axis`.
#pragma once
#include <string>

#include "core/framework/op_kernel.h"
#include "providers/cpu/math/elementwise.h"

namespace ortlite {

class BinaryKernelBase : public OpKernel {
 public:
  explicit BinaryKernelBase(const OpKernelInfo& info) : OpKernel(info), op_name_(info.node().OpType()) {
    // Opset 1..6 forms with `broadcast`=1: B may be a scalar, a suffix of A's shape, or a
    // contiguous part of it starting at `axis`. Without it the shapes should match; numpy rules
    // accept that and more, so they serve.
    if (info.SinceVersion() < 7 && info.GetAttrOrDefault<int64_t>("broadcast", 0) != 0) {
      legacy_ = true;
      has_axis_ = info.HasAttr("axis");
      if (has_axis_) axis_ = info.GetAttr<int64_t>("axis");
    }
  }

 protected:
  const char* OpName() const { return op_name_.c_str(); }

  void CheckSameType(const Tensor& a, const Tensor& b) const {
    ORTLITE_CHECK_ARG(a.GetElementType() == b.GetElementType(), op_name_, " inputs differ in element type: ",
                      DataTypeName(a.GetElementType()), " and ", DataTypeName(b.GetElementType()));
  }

  elementwise::BroadcastPlan MakePlan(const Tensor& a, const Tensor& b) const {
    if (!legacy_) return elementwise::BroadcastPlan({a.Shape(), b.Shape()});
    const TensorShape& sa = a.Shape();
    const TensorShape& sb = b.Shape();
    TensorShape aligned = sb;
    if (sb.Size() == 1) {
      aligned = TensorShape(std::vector<int64_t>{});
    } else if (has_axis_) {
      const int64_t rank_a = static_cast<int64_t>(sa.NumDimensions());
      const int64_t rank_b = static_cast<int64_t>(sb.NumDimensions());
      const int64_t axis = axis_ < 0 ? axis_ + rank_a : axis_;
      ORTLITE_CHECK_ARG(axis >= 0 && axis + rank_b <= rank_a, op_name_, ": axis ", axis_, " does not place B ",
                        sb.ToString(), " inside A ", sa.ToString());
      std::vector<int64_t> dims(static_cast<size_t>(axis), 1);
      for (int64_t d : sb.GetDims()) dims.push_back(d);
      dims.resize(static_cast<size_t>(rank_a), 1);
      aligned = TensorShape(dims);
    }
    const TensorShape out = BroadcastShapes({sa, aligned});
    ORTLITE_CHECK_ARG(out == sa, op_name_, ": B ", sb.ToString(), " does not broadcast to A ", sa.ToString());
    return elementwise::BroadcastPlan({sa, aligned}, out);
  }

 private:
  std::string op_name_;
  bool legacy_ = false;
  bool has_axis_ = false;
  int64_t axis_ = 0;
};

}  // namespace ortlite
