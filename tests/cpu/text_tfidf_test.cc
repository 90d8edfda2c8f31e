// TfIdfVectorizer tests. The integer cases are the ONNX operator examples.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

// Unigrams 2, 3, 5, 4; bigrams (5, 6), (7, 8), (6, 7).
void IntPool(OpTester& t, const std::string& mode, int64_t min_gram, int64_t max_gram, int64_t skip) {
  t.AddAttribute("mode", mode);
  t.AddAttribute("min_gram_length", min_gram);
  t.AddAttribute("max_gram_length", max_gram);
  t.AddAttribute("max_skip_count", skip);
  t.AddAttribute("ngram_counts", std::vector<int64_t>{0, 4});
  t.AddAttribute("ngram_indexes", std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6});
  t.AddAttribute("pool_int64s", std::vector<int64_t>{2, 3, 5, 4, 5, 6, 7, 8, 6, 7});
}

const std::vector<int32_t> kSequence = {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8};

TEST(TextTfIdfTest, OnlyBigramsNoSkip) {
  OpTester t("TfIdfVectorizer", 9);
  IntPool(t, "TF", 2, 2, 0);
  t.AddInput<int32_t>("X", {12}, kSequence);
  t.AddOutput<float>("Y", {7}, {0, 0, 0, 0, 1, 1, 1});
  t.Run();
}

TEST(TextTfIdfTest, OnlyBigramsSkip5) {
  OpTester t("TfIdfVectorizer", 9);
  IntPool(t, "TF", 2, 2, 5);
  t.AddInput<int32_t>("X", {12}, kSequence);
  t.AddOutput<float>("Y", {7}, {0, 0, 0, 0, 1, 3, 1});
  t.Run();
}

TEST(TextTfIdfTest, UniAndBigramsSkip5CountsUnigramsOnce) {
  OpTester t("TfIdfVectorizer", 9);
  IntPool(t, "TF", 1, 2, 5);
  t.AddInput<int32_t>("X", {12}, kSequence);
  t.AddOutput<float>("Y", {7}, {0, 3, 1, 0, 1, 3, 1});
  t.Run();
}

TEST(TextTfIdfTest, BatchInt64) {
  OpTester t("TfIdfVectorizer", 9);
  IntPool(t, "TF", 1, 2, 5);
  t.AddInput<int64_t>("X", {2, 6}, {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8});
  t.AddOutput<float>("Y", {2, 7}, {0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1});
  t.Run();
}

TEST(TextTfIdfTest, EmptyUnigramLevel) {
  OpTester t("TfIdfVectorizer", 9);
  t.AddAttribute("mode", "TF");
  t.AddAttribute("min_gram_length", int64_t{2});
  t.AddAttribute("max_gram_length", int64_t{2});
  t.AddAttribute("max_skip_count", int64_t{0});
  t.AddAttribute("ngram_counts", std::vector<int64_t>{0, 0});
  t.AddAttribute("ngram_indexes", std::vector<int64_t>{0, 1, 2});
  t.AddAttribute("pool_int64s", std::vector<int64_t>{5, 6, 7, 8, 6, 7});
  t.AddInput<int32_t>("X", {12}, kSequence);
  t.AddOutput<float>("Y", {3}, {1, 1, 1});
  t.Run();
}

// Unigrams a, b, c; bigrams (a b), (b c).
void StringPool(OpTester& t, const std::string& mode, std::vector<int64_t> indexes = {0, 1, 2, 3, 4}) {
  t.AddAttribute("mode", mode);
  t.AddAttribute("min_gram_length", int64_t{1});
  t.AddAttribute("max_gram_length", int64_t{2});
  t.AddAttribute("max_skip_count", int64_t{0});
  t.AddAttribute("ngram_counts", std::vector<int64_t>{0, 3});
  t.AddAttribute("ngram_indexes", indexes);
  t.AddAttribute("pool_strings", std::vector<std::string>{"a", "b", "c", "a", "b", "b", "c"});
}

TEST(TextTfIdfTest, StringPool) {
  OpTester t("TfIdfVectorizer", 9);
  StringPool(t, "TF");
  t.AddInput<std::string>("X", {6}, {"a", "b", "c", "a", "b", "x"});
  t.AddOutput<float>("Y", {5}, {2, 2, 1, 2, 1});
  t.Run();
}

TEST(TextTfIdfTest, PermutedIndexes) {
  OpTester t("TfIdfVectorizer", 9);
  StringPool(t, "TF", {4, 3, 2, 1, 0});
  t.AddInput<std::string>("X", {1, 6}, {"a", "b", "c", "a", "b", "x"});
  t.AddOutput<float>("Y", {1, 5}, {1, 2, 1, 2, 2});
  t.Run();
}

TEST(TextTfIdfTest, IdfAndTfIdfWeights) {
  const std::vector<float> weights = {0.5f, 1.5f, 2.5f, 3.5f, 4.5f};
  {
    OpTester t("TfIdfVectorizer", 9);
    StringPool(t, "IDF");
    t.AddAttribute("weights", weights);
    t.AddInput<std::string>("X", {4}, {"a", "b", "a", "b"});
    t.AddOutput<float>("Y", {5}, {0.5f, 1.5f, 0, 3.5f, 0});
    t.Run();
  }
  {
    OpTester t("TfIdfVectorizer", 9);
    StringPool(t, "TFIDF");
    t.AddAttribute("weights", weights);
    t.AddInput<std::string>("X", {4}, {"a", "b", "a", "b"});
    t.AddOutput<float>("Y", {5}, {1.0f, 3.0f, 0, 7.0f, 0});
    t.Run();
  }
  {
    OpTester t("TfIdfVectorizer", 9);
    StringPool(t, "IDF");
    t.AddInput<std::string>("X", {4}, {"a", "b", "a", "b"});
    t.AddOutput<float>("Y", {5}, {1, 1, 0, 1, 0});
    t.Run();
  }
}

TEST(TextTfIdfTest, EmptyInputs) {
  {
    OpTester t("TfIdfVectorizer", 9);
    IntPool(t, "TF", 1, 2, 0);
    t.AddInput<int64_t>("X", {0}, {});
    t.AddOutput<float>("Y", {7}, std::vector<float>(7, 0.f));
    t.Run();
  }
  {
    OpTester t("TfIdfVectorizer", 9);
    IntPool(t, "TF", 1, 2, 0);
    t.AddInput<int32_t>("X", {0, 4}, {});
    t.AddOutput<float>("Y", {0, 7}, {});
    t.Run();
  }
  {
    OpTester t("TfIdfVectorizer", 9);
    StringPool(t, "TF");
    t.AddInput<std::string>("X", {2, 0}, {});
    t.AddOutput<float>("Y", {2, 5}, std::vector<float>(10, 0.f));
    t.Run();
  }
}

TEST(TextTfIdfTest, WrongInputKindFails) {
  {
    OpTester t("TfIdfVectorizer", 9);
    IntPool(t, "TF", 1, 2, 0);
    t.AddInput<std::string>("X", {1}, {"a"});
    t.AddOutput<float>("Y", {7}, std::vector<float>(7, 0.f));
    t.RunExpectFailure("pool_strings");
  }
  {
    OpTester t("TfIdfVectorizer", 9);
    StringPool(t, "TF");
    t.AddInput<int64_t>("X", {1}, {1});
    t.AddOutput<float>("Y", {5}, std::vector<float>(5, 0.f));
    t.RunExpectFailure("pool_int64s");
  }
  {
    OpTester t("TfIdfVectorizer", 9);
    IntPool(t, "TF", 1, 2, 0);
    t.AddInput<int64_t>("X", {1, 1, 1}, {1});
    t.AddOutput<float>("Y", {7}, std::vector<float>(7, 0.f));
    t.RunExpectFailure("[C] or [N, C]");
  }
}

TEST(TextTfIdfTest, BadPoolLayoutFails) {
  OpTester t("TfIdfVectorizer", 9);
  t.AddAttribute("mode", "TF");
  t.AddAttribute("min_gram_length", int64_t{1});
  t.AddAttribute("max_gram_length", int64_t{2});
  t.AddAttribute("max_skip_count", int64_t{0});
  t.AddAttribute("ngram_counts", std::vector<int64_t>{0, 2});
  t.AddAttribute("ngram_indexes", std::vector<int64_t>{0, 1, 2});
  t.AddAttribute("pool_int64s", std::vector<int64_t>{1, 2, 3, 4, 5});  // 3 items for bigrams
  t.AddInput<int64_t>("X", {1}, {1});
  t.AddOutput<float>("Y", {3}, {0, 0, 0});
  t.RunExpectFailure("multiple of 2");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
