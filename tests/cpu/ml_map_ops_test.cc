// ai.onnx.ml DictVectorizer (map -> tensor) and ZipMap (tensor -> sequence of maps): every key
// and value type, vocabulary entries missing from the map, empty maps and batches, and
// mismatched keys or label counts.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
using Strings = std::vector<std::string>;

onnx::TypeProto MapType(DataType key, DataType value) {
  onnx::TypeProto type;
  auto* map = type.mutable_map_type();
  map->set_key_type(static_cast<int>(key));
  map->mutable_value_type()->mutable_tensor_type()->set_elem_type(static_cast<int>(value));
  return type;
}

template <typename K, typename V>
OrtValue Map(const std::vector<K>& keys, const std::vector<V>& values) {
  return OrtValue(MapValue{Tensor::FromVector<K>(keys, {static_cast<int64_t>(keys.size())}),
                           Tensor::FromVector<V>(values, {static_cast<int64_t>(values.size())})});
}

template <typename K, typename V>
void AddMapInput(OpTester& t, const std::vector<K>& keys, const std::vector<V>& values) {
  t.AddInputValue("X", Map(keys, values), MapType(DataTypeFor<K>(), DataTypeFor<V>()));
}

// ---- DictVectorizer -----------------------------------------------------------------------

TEST(MLDictVectorizerTest, SpecExample) {
  OpTester t("DictVectorizer", 1, kML);
  t.AddAttribute("string_vocabulary", Strings{"a", "c", "b", "z"});
  AddMapInput<std::string, int64_t>(t, {"a", "c"}, {4, 8});
  t.AddOutput<int64_t>("Y", {1, 4}, {4, 8, 0, 0});
  t.Run();
}

TEST(MLDictVectorizerTest, StringKeysFloatAndDoubleValues) {
  {
    OpTester t("DictVectorizer", 1, kML);
    t.AddAttribute("string_vocabulary", Strings{"x", "y", "z"});
    AddMapInput<std::string, float>(t, {"z", "x", "unknown"}, {1.5f, -2.0f, 99.0f});
    t.AddOutput<float>("Y", {1, 3}, {-2.0f, 0.0f, 1.5f});
    t.Run();
  }
  {
    OpTester t("DictVectorizer", 1, kML);
    t.AddAttribute("string_vocabulary", Strings{"x", "y"});
    AddMapInput<std::string, double>(t, {"y"}, {0.25});
    t.AddOutput<double>("Y", {1, 2}, {0.0, 0.25});
    t.Run();
  }
}

TEST(MLDictVectorizerTest, Int64Keys) {
  {
    OpTester t("DictVectorizer", 1, kML);
    t.AddAttribute("int64_vocabulary", std::vector<int64_t>{10, 20, 30});
    AddMapInput<int64_t, float>(t, {30, 10}, {3.0f, 1.0f});
    t.AddOutput<float>("Y", {1, 3}, {1.0f, 0.0f, 3.0f});
    t.Run();
  }
  {
    OpTester t("DictVectorizer", 1, kML);
    t.AddAttribute("int64_vocabulary", std::vector<int64_t>{2, 1});
    AddMapInput<int64_t, double>(t, {1}, {-7.5});
    t.AddOutput<double>("Y", {1, 2}, {0.0, -7.5});
    t.Run();
  }
  {
    // Missing string values are empty strings.
    OpTester t("DictVectorizer", 1, kML);
    t.AddAttribute("int64_vocabulary", std::vector<int64_t>{5, 6, 7});
    AddMapInput<int64_t, std::string>(t, {7, 5}, {"seven", "five"});
    t.AddOutput<std::string>("Y", {1, 3}, {"five", "", "seven"});
    t.Run();
  }
}

TEST(MLDictVectorizerTest, EmptyMap) {
  OpTester t("DictVectorizer", 1, kML);
  t.AddAttribute("string_vocabulary", Strings{"a", "b"});
  AddMapInput<std::string, float>(t, {}, {});
  t.AddOutput<float>("Y", {1, 2}, {0, 0});
  t.Run();
}

TEST(MLDictVectorizerTest, KeyTypeMustMatchVocabulary) {
  OpTester t("DictVectorizer", 1, kML);
  t.AddAttribute("string_vocabulary", Strings{"a"});
  AddMapInput<int64_t, float>(t, {1}, {1.0f});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("do not match the string_vocabulary");
}

TEST(MLDictVectorizerTest, TensorInputFails) {
  OpTester t("DictVectorizer", 1, kML);
  t.AddAttribute("string_vocabulary", Strings{"a"});
  t.AddInput<float>("X", {1}, {1.0f});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("DictVectorizer: input X must be a map");
}

// ---- ZipMap -------------------------------------------------------------------------------

// Checks that `v` is a sequence of maps with keys `keys` and the rows of `values`.
template <typename K>
void ExpectMaps(const OrtValue& v, const std::vector<K>& keys, const std::vector<std::vector<float>>& values) {
  ASSERT_TRUE(v.IsSequence()) << "expected a sequence";
  const auto& seq = v.GetSequence().values;
  ASSERT_EQ(seq.size(), values.size());
  for (size_t r = 0; r < seq.size(); ++r) {
    ASSERT_TRUE(seq[r].IsMap()) << "element " << r << " is not a map";
    const MapValue& m = seq[r].GetMap();
    ASSERT_EQ(m.keys.GetElementType(), DataTypeFor<K>());
    ASSERT_EQ(m.values.GetElementType(), DataType::kFloat);
    ASSERT_EQ(m.keys.NumElements(), static_cast<int64_t>(keys.size()));
    ASSERT_EQ(m.values.NumElements(), static_cast<int64_t>(keys.size()));
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(m.keys.Data<K>()[i], keys[i]) << "row " << r << " key " << i;
      EXPECT_FLOAT_EQ(m.values.Data<float>()[i], values[r][i]) << "row " << r << " key " << i;
    }
  }
}

TEST(MLZipMapTest, StringLabels) {
  OpTester t("ZipMap", 1, kML);
  t.AddAttribute("classlabels_strings", Strings{"cat", "dog", "cow"});
  t.AddInput<float>("X", {2, 3}, {0.1f, 0.2f, 0.7f, 0.5f, 0.5f, 0.0f});
  t.AddUncheckedOutput("Z", DataType::kUndefined);
  auto out = t.RunAndFetch();
  ExpectMaps<std::string>(out[0], {"cat", "dog", "cow"}, {{0.1f, 0.2f, 0.7f}, {0.5f, 0.5f, 0.0f}});
}

TEST(MLZipMapTest, Int64Labels) {
  OpTester t("ZipMap", 1, kML);
  t.AddAttribute("classlabels_int64s", std::vector<int64_t>{10, 20});
  t.AddInput<float>("X", {3, 2}, {1, 2, 3, 4, 5, 6});
  t.AddUncheckedOutput("Z", DataType::kUndefined);
  auto out = t.RunAndFetch();
  ExpectMaps<int64_t>(out[0], {10, 20}, {{1, 2}, {3, 4}, {5, 6}});
}

TEST(MLZipMapTest, OneDimensionalIsOneRow) {
  OpTester t("ZipMap", 1, kML);
  t.AddAttribute("classlabels_int64s", std::vector<int64_t>{0, 1});
  t.AddInput<float>("X", {2}, {0.3f, 0.7f});
  t.AddUncheckedOutput("Z", DataType::kUndefined);
  auto out = t.RunAndFetch();
  ExpectMaps<int64_t>(out[0], {0, 1}, {{0.3f, 0.7f}});
}

TEST(MLZipMapTest, EmptyBatch) {
  OpTester t("ZipMap", 1, kML);
  t.AddAttribute("classlabels_strings", Strings{"a", "b"});
  t.AddInput<float>("X", {0, 2}, {});
  t.AddUncheckedOutput("Z", DataType::kUndefined);
  auto out = t.RunAndFetch();
  ExpectMaps<std::string>(out[0], {"a", "b"}, {});
}

TEST(MLZipMapTest, ColumnsMustMatchLabels) {
  OpTester t("ZipMap", 1, kML);
  t.AddAttribute("classlabels_strings", Strings{"a", "b"});
  t.AddInput<float>("X", {1, 3}, {1, 2, 3});
  t.AddUncheckedOutput("Z", DataType::kUndefined);
  t.RunExpectFailure("X has 3 columns but there are 2 class labels");
}

TEST(MLZipMapTest, NeedsExactlyOneLabelList) {
  OpTester t("ZipMap", 1, kML);
  t.AddInput<float>("X", {1, 1}, {1});
  t.AddUncheckedOutput("Z", DataType::kUndefined);
  t.RunExpectFailure("exactly one of classlabels_int64s and classlabels_strings");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
