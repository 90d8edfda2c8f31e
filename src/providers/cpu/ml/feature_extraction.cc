// Feature-assembly operators of ai.onnx.ml 1: OneHotEncoder, ArrayFeatureExtractor and
// FeatureVectorizer.
#include <unordered_map>

#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {
namespace {

// X of shape S becomes float Y of shape S + [categories] with a 1 at each element's category.
// Numeric inputs are truncated to int64 and looked up in cats_int64s; strings in cats_strings.
// With zeros=0 a value outside the categories is an error, else its row stays all zero.
class OneHotEncoder final : public OpKernel {
 public:
  explicit OneHotEncoder(const OpKernelInfo& info)
      : OpKernel(info), zeros_(info.GetAttrOrDefault<int64_t>("zeros", 1) != 0) {
    const auto ints = info.GetAttrOrDefault<std::vector<int64_t>>("cats_int64s", {});
    const auto strings = info.GetAttrOrDefault<std::vector<std::string>>("cats_strings", {});
    ORTLITE_CHECK_ARG(ints.empty() != strings.empty(),
                      "OneHotEncoder: exactly one of cats_int64s and cats_strings must be a non-empty list");
    for (size_t i = 0; i < ints.size(); ++i) int_index_.emplace(ints[i], static_cast<int64_t>(i));
    for (size_t i = 0; i < strings.size(); ++i) string_index_.emplace(strings[i], static_cast<int64_t>(i));
    categories_ = static_cast<int64_t>(ints.size() + strings.size());
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const bool string_input = x.GetElementType() == DataType::kString;
    ORTLITE_CHECK_ARG(string_input == !string_index_.empty(), "OneHotEncoder: X of type ",
                      DataTypeName(x.GetElementType()), " needs ", string_input ? "cats_strings" : "cats_int64s");
    std::vector<int64_t> dims = x.Shape().GetDims();
    dims.push_back(categories_);
    Tensor* y = ctx.Output(0, dims, DataType::kFloat);
    float* py = y->MutableData<float>();
    const int64_t n = x.NumElements();
    std::fill(py, py + n * categories_, 0.0f);
    auto place = [&](int64_t i, int64_t category, const auto& value) {
      if (category >= 0) {
        py[i * categories_ + category] = 1.0f;
      } else {
        ORTLITE_CHECK_ARG(zeros_, "OneHotEncoder: value ", value, " at position ", i,
                          " is not one of the categories (and zeros is 0)");
      }
    };
    if (string_input) {
      const std::string* px = x.Data<std::string>();
      for (int64_t i = 0; i < n; ++i) {
        auto it = string_index_.find(px[i]);
        place(i, it == string_index_.end() ? -1 : it->second, px[i]);
      }
      return;
    }
    VisitType<TypeList<float, double, int32_t, int64_t>>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* px = x.Data<T>();
          for (int64_t i = 0; i < n; ++i) {
            int64_t category = -1;
            // Casting a NaN or out-of-range float to int64 is undefined: such values match nothing.
            const double v = static_cast<double>(px[i]);
            if (v > -9.2e18 && v < 9.2e18) {
              auto it = int_index_.find(static_cast<int64_t>(px[i]));
              if (it != int_index_.end()) category = it->second;
            }
            place(i, category, px[i]);
          }
        },
        "OneHotEncoder");
  }

 private:
  bool zeros_;
  int64_t categories_ = 0;
  std::unordered_map<int64_t, int64_t> int_index_;
  std::unordered_map<std::string, int64_t> string_index_;
};

// Z = X[..., indices]: the last axis of X gathered at the (flattened) indices Y. A 1-D X is
// treated as one row, so Z is [1, len(Y)] then.
class ArrayFeatureExtractor final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& indices = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(indices.GetElementType() == DataType::kInt64, "ArrayFeatureExtractor: indices must be int64, got ",
                      DataTypeName(indices.GetElementType()));
    const auto& dims = x.Shape().GetDims();
    ORTLITE_CHECK_ARG(!dims.empty(), "ArrayFeatureExtractor: X must have rank 1 or more, got a scalar");
    const int64_t width = dims.back();
    const int64_t count = indices.NumElements();
    const int64_t* idx = indices.Data<int64_t>();
    for (int64_t k = 0; k < count; ++k) {
      ORTLITE_CHECK_ARG(idx[k] >= 0 && idx[k] < width, "ArrayFeatureExtractor: index ", idx[k],
                        " is out of range for the last dimension of X, of size ", width);
    }
    std::vector<int64_t> out_dims = dims.size() == 1 ? std::vector<int64_t>{1} : std::vector<int64_t>(dims.begin(), dims.end() - 1);
    out_dims.push_back(count);
    const int64_t rows = x.Shape().SizeToDimension(dims.size() - 1);
    Tensor* z = ctx.Output(0, out_dims, x.GetElementType());
    VisitType<TypeList<float, double, int32_t, int64_t, std::string>>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* px = x.Data<T>();
          T* pz = z->MutableData<T>();
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t k = 0; k < count; ++k) pz[r * count + k] = px[r * width + idx[k]];
        },
        "ArrayFeatureExtractor");
  }
};

// Concatenates the inputs, each seen as [N, C_i] (a 1-D input is one row), along the feature
// axis into float [N, sum of widths]. inputdimensions, when given, sets each input's width:
// longer rows are cut, shorter ones padded with zeros.
class FeatureVectorizer final : public OpKernel {
 public:
  explicit FeatureVectorizer(const OpKernelInfo& info)
      : OpKernel(info), widths_(info.GetAttrOrDefault<std::vector<int64_t>>("inputdimensions", {})) {
    ORTLITE_CHECK_ARG(widths_.empty() || widths_.size() == info.InputCount(), "FeatureVectorizer: inputdimensions has ",
                      widths_.size(), " entries for ", info.InputCount(), " inputs");
    for (int64_t w : widths_) ORTLITE_CHECK_ARG(w >= 0, "FeatureVectorizer: negative input dimension ", w);
  }

  void Compute(OpKernelContext& ctx) const override {
    const int inputs = ctx.InputCount();
    ORTLITE_CHECK_ARG(inputs > 0, "FeatureVectorizer needs at least one input");
    int64_t rows = -1, total = 0;
    std::vector<int64_t> in_rows(inputs), in_cols(inputs), out_cols(inputs);
    for (int i = 0; i < inputs; ++i) {
      const Tensor& x = ctx.RequiredInput(i);
      const auto& dims = x.Shape().GetDims();
      in_rows[i] = dims.size() <= 1 ? 1 : dims[0];
      in_cols[i] = dims.empty() ? 1 : dims.size() == 1 ? dims[0] : x.Shape().SizeFromDimension(1);
      ORTLITE_CHECK_ARG(rows < 0 || in_rows[i] == rows, "FeatureVectorizer: input ", i, " has ", in_rows[i],
                        " rows but input 0 has ", rows);
      rows = in_rows[i];
      out_cols[i] = widths_.empty() ? in_cols[i] : widths_[i];
      total += out_cols[i];
    }
    Tensor* y = ctx.Output(0, {rows, total}, DataType::kFloat);
    float* py = y->MutableData<float>();
    int64_t offset = 0;
    for (int i = 0; i < inputs; ++i) {
      const Tensor& x = ctx.RequiredInput(i);
      const int64_t copy = std::min(in_cols[i], out_cols[i]);
      VisitType<TypeList<float, double, int32_t, int64_t>>(
          x.GetElementType(),
          [&](auto tag) {
            using T = typename decltype(tag)::type;
            const T* px = x.Data<T>();
            for (int64_t r = 0; r < rows; ++r) {
              float* out = py + r * total + offset;
              for (int64_t c = 0; c < copy; ++c) out[c] = static_cast<float>(px[r * in_cols[i] + c]);
              for (int64_t c = copy; c < out_cols[i]; ++c) out[c] = 0.0f;
            }
          },
          "FeatureVectorizer");
      offset += out_cols[i];
    }
  }

 private:
  std::vector<int64_t> widths_;
};

}  // namespace

CPU_KERNEL_EX(OneHotEncoder, kMLDomain, 1, 1, OneHotEncoder, KernelDefBuilder())
CPU_KERNEL_EX(ArrayFeatureExtractor, kMLDomain, 1, 1, ArrayFeatureExtractor, KernelDefBuilder())
CPU_KERNEL_EX(FeatureVectorizer, kMLDomain, 1, 1, FeatureVectorizer, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
