// The ai.onnx.ml operators on map values: DictVectorizer (map -> tensor) and ZipMap (tensor ->
// sequence of maps). A map is a pair of equal-length 1-D tensors, keys and values.
#include <unordered_map>

#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {
namespace {

// The map's value of each vocabulary entry, in vocabulary order, as a [1, vocabulary size]
// tensor of the map's value type. Entries missing from the map are zero (empty for strings);
// map keys outside the vocabulary are ignored.
class DictVectorizer final : public OpKernel {
 public:
  explicit DictVectorizer(const OpKernelInfo& info) : OpKernel(info) {
    const auto ints = info.GetAttrOrDefault<std::vector<int64_t>>("int64_vocabulary", {});
    const auto strings = info.GetAttrOrDefault<std::vector<std::string>>("string_vocabulary", {});
    ORTLITE_CHECK_ARG(ints.empty() != strings.empty(),
                      "DictVectorizer: exactly one of int64_vocabulary and string_vocabulary must be a non-empty list");
    // A word listed twice keeps its first position.
    for (size_t i = 0; i < ints.size(); ++i) int_index_.emplace(ints[i], static_cast<int64_t>(i));
    for (size_t i = 0; i < strings.size(); ++i) string_index_.emplace(strings[i], static_cast<int64_t>(i));
    size_ = static_cast<int64_t>(ints.size() + strings.size());
    string_keys_ = !strings.empty();
  }

  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* in = ctx.InputValue(0);
    ORTLITE_CHECK_ARG(in && in->IsMap(), "DictVectorizer: input X must be a map");
    const MapValue& map = in->GetMap();
    const DataType key_type = map.keys.GetElementType();
    ORTLITE_CHECK_ARG(key_type == (string_keys_ ? DataType::kString : DataType::kInt64), "DictVectorizer: map keys of type ",
                      DataTypeName(key_type), " do not match the ", string_keys_ ? "string" : "int64", "_vocabulary");
    const int64_t n = map.keys.NumElements();
    ORTLITE_CHECK_ARG(map.values.NumElements() == n, "DictVectorizer: the map has ", n, " keys but ",
                      map.values.NumElements(), " values");
    Tensor* y = ctx.Output(0, {1, size_}, map.values.GetElementType());
    VisitType<TypeList<int64_t, float, double, std::string>>(
        map.values.GetElementType(),
        [&](auto tag) {
          using V = typename decltype(tag)::type;
          V* out = y->MutableData<V>();
          std::fill(out, out + size_, V{});
          const V* values = map.values.Data<V>();
          for (int64_t i = 0; i < n; ++i) {
            const int64_t pos = Position(map.keys, i);
            if (pos >= 0) out[pos] = values[i];
          }
        },
        "DictVectorizer");
  }

 private:
  int64_t Position(const Tensor& keys, int64_t i) const {
    if (string_keys_) {
      auto it = string_index_.find(keys.Data<std::string>()[i]);
      return it == string_index_.end() ? -1 : it->second;
    }
    auto it = int_index_.find(keys.Data<int64_t>()[i]);
    return it == int_index_.end() ? -1 : it->second;
  }

  std::unordered_map<int64_t, int64_t> int_index_;
  std::unordered_map<std::string, int64_t> string_index_;
  int64_t size_ = 0;
  bool string_keys_ = false;
};

// One map per row of X ([N, C], or [C] for a single row): the class labels to the row's values.
class ZipMap final : public OpKernel {
 public:
  explicit ZipMap(const OpKernelInfo& info)
      : OpKernel(info),
        ints_(info.GetAttrOrDefault<std::vector<int64_t>>("classlabels_int64s", {})),
        strings_(info.GetAttrOrDefault<std::vector<std::string>>("classlabels_strings", {})) {
    ORTLITE_CHECK_ARG(ints_.empty() != strings_.empty(),
                      "ZipMap: exactly one of classlabels_int64s and classlabels_strings must be a non-empty list");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    ORTLITE_CHECK_ARG(x.GetElementType() == DataType::kFloat, "ZipMap: X must be float, got ",
                      DataTypeName(x.GetElementType()));
    const auto& dims = x.Shape().GetDims();
    ORTLITE_CHECK_ARG(dims.size() == 1 || dims.size() == 2, "ZipMap: X must be 1-D or 2-D, got rank ", dims.size());
    const int64_t labels = static_cast<int64_t>(strings_.empty() ? ints_.size() : strings_.size());
    const int64_t columns = dims.back();
    const int64_t rows = dims.size() == 1 ? 1 : dims[0];
    ORTLITE_CHECK_ARG(columns == labels, "ZipMap: X has ", columns, " columns but there are ", labels, " class labels");
    // One keys tensor shared by all maps of this run (tensors alias their buffer).
    const Tensor keys = strings_.empty() ? Tensor::FromVector<int64_t>(ints_, {labels})
                                         : Tensor::FromVector<std::string>(strings_, {labels});
    TensorSeq seq;
    seq.values.reserve(rows);
    const float* px = x.Data<float>();
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<float> row(px + r * columns, px + (r + 1) * columns);
      seq.values.emplace_back(MapValue{keys, Tensor::FromVector<float>(row, {labels})});
    }
    ctx.SetOutput(0, OrtValue(std::move(seq)));
  }

 private:
  std::vector<int64_t> ints_;
  std::vector<std::string> strings_;
};

}  // namespace

CPU_KERNEL_EX(DictVectorizer, kMLDomain, 1, 1, DictVectorizer, KernelDefBuilder())
CPU_KERNEL_EX(ZipMap, kMLDomain, 1, 1, ZipMap, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
