// Element-wise table look-ups of ai.onnx.ml: LabelEncoder (1 and 2) and CategoryMapper (1).
//
// LabelEncoder-1 and CategoryMapper map strings to int64 or back, the direction chosen by the
// input's element type. LabelEncoder-2 maps keys_* to values_* for any pairing of string, int64
// and float; float keys compare bit for bit, so a NaN key can be mapped. A key listed twice maps
// to its first value. Unknown inputs get the default_* value of the output type.
#include <cstring>
#include <memory>
#include <unordered_map>

#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {
namespace {

// Hash-map key of an element: floats by bit pattern.
template <typename K>
struct KeyOf {
  using type = K;
  static const K& Get(const K& k) { return k; }
};
template <>
struct KeyOf<float> {
  using type = uint32_t;
  static uint32_t Get(float k) {
    uint32_t bits;
    std::memcpy(&bits, &k, sizeof bits);
    return bits;
  }
};

class Table {
 public:
  virtual ~Table() = default;
  virtual DataType KeyType() const = 0;
  virtual DataType ValueType() const = 0;
  virtual void Apply(const Tensor& x, Tensor& y, ThreadPool* pool) const = 0;
};

template <typename K, typename V>
class TypedTable final : public Table {
 public:
  TypedTable(const std::vector<K>& keys, const std::vector<V>& values, V default_value)
      : default_(std::move(default_value)) {
    map_.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) map_.emplace(KeyOf<K>::Get(keys[i]), values[i]);
  }

  DataType KeyType() const override { return DataTypeFor<K>(); }
  DataType ValueType() const override { return DataTypeFor<V>(); }

  void Apply(const Tensor& x, Tensor& y, ThreadPool* pool) const override {
    const K* in = x.Data<K>();
    V* out = y.MutableData<V>();
    ThreadPool::TryParallelFor(pool, x.NumElements(), 30.0, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        auto it = map_.find(KeyOf<K>::Get(in[i]));
        out[i] = it == map_.end() ? default_ : it->second;
      }
    });
  }

 private:
  std::unordered_map<typename KeyOf<K>::type, V> map_;
  V default_;
};

// Runs the table whose key type is X's element type.
void ApplyTables(OpKernelContext& ctx, const std::vector<std::unique_ptr<Table>>& tables, const char* op) {
  const Tensor& x = ctx.RequiredInput(0);
  for (const auto& t : tables) {
    if (t->KeyType() != x.GetElementType()) continue;
    Tensor* y = ctx.Output(0, x.Shape(), t->ValueType());
    t->Apply(x, *y, ctx.GetThreadPool());
    return;
  }
  std::string accepted;
  for (const auto& t : tables) accepted += std::string(accepted.empty() ? "" : " or ") + DataTypeName(t->KeyType());
  ThrowError(ErrorCode::kInvalidArgument, op, ": input of type ", DataTypeName(x.GetElementType()),
             " does not match the keys, which are ", accepted);
}

std::vector<int64_t> Iota(size_t n) {
  std::vector<int64_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int64_t>(i);
  return v;
}

class LabelEncoder final : public OpKernel {
 public:
  explicit LabelEncoder(const OpKernelInfo& info) : OpKernel(info) {
    if (info.SinceVersion() == 1) {
      const auto classes = info.GetAttrOrDefault<std::vector<std::string>>("classes_strings", {});
      const auto positions = Iota(classes.size());
      tables_.push_back(std::make_unique<TypedTable<std::string, int64_t>>(
          classes, positions, info.GetAttrOrDefault<int64_t>("default_int64", -1)));
      tables_.push_back(std::make_unique<TypedTable<int64_t, std::string>>(
          positions, classes, info.GetAttrOrDefault<std::string>("default_string", "_Unused")));
      return;
    }
    const auto key_strings = info.GetAttrOrDefault<std::vector<std::string>>("keys_strings", {});
    const auto key_ints = info.GetAttrOrDefault<std::vector<int64_t>>("keys_int64s", {});
    const auto key_floats = info.GetAttrOrDefault<std::vector<float>>("keys_floats", {});
    const int key_lists = !key_strings.empty() + !key_ints.empty() + !key_floats.empty();
    ORTLITE_CHECK_ARG(key_lists == 1, "LabelEncoder: exactly one of keys_strings, keys_int64s and keys_floats must be "
                                      "a non-empty list, got ", key_lists);
    if (!key_strings.empty()) AddTable(info, key_strings);
    else if (!key_ints.empty()) AddTable(info, key_ints);
    else AddTable(info, key_floats);
  }

  void Compute(OpKernelContext& ctx) const override { ApplyTables(ctx, tables_, "LabelEncoder"); }

 private:
  template <typename K>
  void AddTable(const OpKernelInfo& info, const std::vector<K>& keys) {
    const auto value_strings = info.GetAttrOrDefault<std::vector<std::string>>("values_strings", {});
    const auto value_ints = info.GetAttrOrDefault<std::vector<int64_t>>("values_int64s", {});
    const auto value_floats = info.GetAttrOrDefault<std::vector<float>>("values_floats", {});
    const int value_lists = !value_strings.empty() + !value_ints.empty() + !value_floats.empty();
    ORTLITE_CHECK_ARG(value_lists == 1, "LabelEncoder: exactly one of values_strings, values_int64s and values_floats "
                                        "must be a non-empty list, got ", value_lists);
    auto add = [&](const auto& values, auto default_value) {
      ORTLITE_CHECK_ARG(values.size() == keys.size(), "LabelEncoder: ", keys.size(), " keys but ", values.size(),
                        " values");
      using V = typename std::decay_t<decltype(values)>::value_type;
      tables_.push_back(std::make_unique<TypedTable<K, V>>(keys, values, static_cast<V>(default_value)));
    };
    if (!value_strings.empty()) add(value_strings, info.GetAttrOrDefault<std::string>("default_string", "_Unused"));
    else if (!value_ints.empty()) add(value_ints, info.GetAttrOrDefault<int64_t>("default_int64", -1));
    else add(value_floats, info.GetAttrOrDefault<float>("default_float", -0.0f));
  }

  std::vector<std::unique_ptr<Table>> tables_;
};

class CategoryMapper final : public OpKernel {
 public:
  explicit CategoryMapper(const OpKernelInfo& info) : OpKernel(info) {
    const auto strings = info.GetAttrOrDefault<std::vector<std::string>>("cats_strings", {});
    const auto ints = info.GetAttrOrDefault<std::vector<int64_t>>("cats_int64s", {});
    ORTLITE_CHECK_ARG(strings.size() == ints.size(), "CategoryMapper: cats_strings has ", strings.size(),
                      " entries but cats_int64s has ", ints.size());
    tables_.push_back(std::make_unique<TypedTable<std::string, int64_t>>(
        strings, ints, info.GetAttrOrDefault<int64_t>("default_int64", -1)));
    tables_.push_back(std::make_unique<TypedTable<int64_t, std::string>>(
        ints, strings, info.GetAttrOrDefault<std::string>("default_string", "_Unused")));
  }

  void Compute(OpKernelContext& ctx) const override { ApplyTables(ctx, tables_, "CategoryMapper"); }

 private:
  std::vector<std::unique_ptr<Table>> tables_;
};

}  // namespace

CPU_KERNEL_EX(LabelEncoder, kMLDomain, 1, 2, LabelEncoder, KernelDefBuilder())
CPU_KERNEL_EX(CategoryMapper, kMLDomain, 1, 1, CategoryMapper, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
