// LinearClassifier and LinearRegressor (ai.onnx.ml 1): one dot product of the features with a
// coefficient row per class or target, plus its intercept, then the post-transform.
//
// A classifier with two classes may carry a single coefficient row: its score s is the positive
// class's, and the two class scores are (-s, s) before the transform. multi_class only records
// how the model was trained and does not change inference.
#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {
namespace {

// rows x features coefficients (row-major) with optional per-row intercepts.
struct LinearModel {
  std::vector<double> coefficients;
  std::vector<double> intercepts;

  // The number of coefficient rows for inputs of `features` columns.
  int64_t Rows(int64_t features, int64_t expected_rows, const char* op) const {
    const auto size = static_cast<int64_t>(coefficients.size());
    if (features == 0) {
      ORTLITE_CHECK_ARG(size == 0, op, ": X has no features but there are ", size, " coefficients");
      return expected_rows;
    }
    ORTLITE_CHECK_ARG(size % features == 0, op, ": ", size, " coefficients do not split into rows of ", features,
                      " features (the feature count of X)");
    return size / features;
  }

  void Scores(const double* x, int64_t features, int64_t rows, double* out) const {
    for (int64_t j = 0; j < rows; ++j) {
      const double* w = coefficients.data() + j * features;
      double s = intercepts.empty() ? 0.0 : intercepts[j];
      for (int64_t f = 0; f < features; ++f) s += w[f] * x[f];
      out[j] = s;
    }
  }
};

std::vector<double> FloatsAsDoubles(const OpKernelInfo& info, const std::string& name) {
  const auto f = info.GetAttrOrDefault<std::vector<float>>(name, {});
  return std::vector<double>(f.begin(), f.end());
}

class LinearClassifier final : public OpKernel {
 public:
  explicit LinearClassifier(const OpKernelInfo& info)
      : OpKernel(info), labels_(info, "classlabels_ints", "classlabels_strings"), post_(PostTransformAttr(info)) {
    ORTLITE_CHECK_ARG(info.HasAttr("coefficients"), "LinearClassifier needs the 'coefficients' attribute");
    model_.coefficients = FloatsAsDoubles(info, "coefficients");
    model_.intercepts = FloatsAsDoubles(info, "intercepts");
  }

  void Compute(OpKernelContext& ctx) const override {
    const FeatureMatrix x = ReadFeatures(ctx.RequiredInput(0), "LinearClassifier");
    const int64_t classes = labels_.size();
    const int64_t rows = model_.Rows(x.cols, classes, "LinearClassifier");
    const bool single_row_binary = rows == 1 && classes == 2;
    ORTLITE_CHECK_ARG(rows == classes || single_row_binary, "LinearClassifier: the coefficients hold ", rows,
                      " rows of ", x.cols, " features but there are ", classes, " class labels");
    ORTLITE_CHECK_ARG(model_.intercepts.empty() || static_cast<int64_t>(model_.intercepts.size()) == rows,
                      "LinearClassifier: ", model_.intercepts.size(), " intercepts for ", rows, " coefficient rows");
    Tensor* y = ctx.Output(0, {x.rows}, labels_.Type());
    Tensor* z = ctx.Output(1, {x.rows, classes}, DataType::kFloat);
    float* pz = z->MutableData<float>();
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.rows, static_cast<double>(rows * x.cols + classes) * 2,
                               [&](int64_t begin, int64_t end) {
                                 std::vector<double> s(classes);
                                 for (int64_t r = begin; r < end; ++r) {
                                   model_.Scores(x.Row(r), x.cols, rows, s.data());
                                   if (single_row_binary) {
                                     s[1] = s[0];
                                     s[0] = -s[1];
                                   }
                                   ApplyPostTransform(post_, s.data(), classes);
                                   labels_.Write(*y, r, ArgMax(s.data(), classes));
                                   for (int64_t c = 0; c < classes; ++c) pz[r * classes + c] = static_cast<float>(s[c]);
                                 }
                               });
  }

 private:
  ClassLabels labels_;
  LinearModel model_;
  PostTransform post_;
};

class LinearRegressor final : public OpKernel {
 public:
  explicit LinearRegressor(const OpKernelInfo& info)
      : OpKernel(info), targets_(info.GetAttrOrDefault<int64_t>("targets", 1)), post_(PostTransformAttr(info)) {
    ORTLITE_CHECK_ARG(targets_ > 0, "LinearRegressor: targets must be positive, got ", targets_);
    model_.coefficients = FloatsAsDoubles(info, "coefficients");
    model_.intercepts = FloatsAsDoubles(info, "intercepts");
    ORTLITE_CHECK_ARG(model_.intercepts.empty() || static_cast<int64_t>(model_.intercepts.size()) == targets_,
                      "LinearRegressor: ", model_.intercepts.size(), " intercepts for ", targets_, " targets");
  }

  void Compute(OpKernelContext& ctx) const override {
    const FeatureMatrix x = ReadFeatures(ctx.RequiredInput(0), "LinearRegressor");
    const int64_t rows = model_.Rows(x.cols, targets_, "LinearRegressor");
    ORTLITE_CHECK_ARG(rows == targets_, "LinearRegressor: the coefficients hold ", rows, " rows of ", x.cols,
                      " features but targets is ", targets_);
    Tensor* y = ctx.Output(0, {x.rows, targets_}, DataType::kFloat);
    float* py = y->MutableData<float>();
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.rows, static_cast<double>(targets_ * x.cols) * 2,
                               [&](int64_t begin, int64_t end) {
                                 std::vector<double> s(targets_);
                                 for (int64_t r = begin; r < end; ++r) {
                                   model_.Scores(x.Row(r), x.cols, targets_, s.data());
                                   ApplyPostTransform(post_, s.data(), targets_);
                                   for (int64_t k = 0; k < targets_; ++k) py[r * targets_ + k] = static_cast<float>(s[k]);
                                 }
                               });
  }

 private:
  int64_t targets_;
  LinearModel model_;
  PostTransform post_;
};

}  // namespace

CPU_KERNEL_EX(LinearClassifier, kMLDomain, 1, 1, LinearClassifier, KernelDefBuilder())
CPU_KERNEL_EX(LinearRegressor, kMLDomain, 1, 1, LinearRegressor, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
