// StringNormalizer tests.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

using Strings = std::vector<std::string>;

TEST(TextStringNormalizerTest, NoStopwordsNoCaseChangeIsIdentity) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("is_case_sensitive", int64_t{1});
  t.AddInput<std::string>("X", {2}, {"monday", "tuesday"});
  t.AddOutput<std::string>("Y", {2}, {"monday", "tuesday"});
  t.Run();
}

TEST(TextStringNormalizerTest, CaseSensitiveStopwordsThenUpper) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("case_change_action", "UPPER");
  t.AddAttribute("is_case_sensitive", int64_t{1});
  t.AddAttribute("stopwords", Strings{"monday"});
  t.AddInput<std::string>("X", {4}, {"monday", "Monday", "tuesday", "wednesday"});
  t.AddOutput<std::string>("Y", {3}, {"MONDAY", "TUESDAY", "WEDNESDAY"});
  t.Run();
}

TEST(TextStringNormalizerTest, CaseInsensitiveStopwordsTwoDim) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("case_change_action", "LOWER");
  t.AddAttribute("stopwords", Strings{"MONday"});
  t.AddInput<std::string>("X", {1, 4}, {"Monday", "TUESDAY", "monday", "Wednesday"});
  t.AddOutput<std::string>("Y", {1, 2}, {"tuesday", "wednesday"});
  t.Run();
}

TEST(TextStringNormalizerTest, AllDroppedGivesOneEmptyString) {
  {
    OpTester t("StringNormalizer", 10);
    t.AddAttribute("case_change_action", "UPPER");
    t.AddAttribute("is_case_sensitive", int64_t{1});
    t.AddAttribute("stopwords", Strings{"monday"});
    t.AddInput<std::string>("X", {2}, {"monday", "monday"});
    t.AddOutput<std::string>("Y", {1}, {""});
    t.Run();
  }
  {
    OpTester t("StringNormalizer", 10);
    t.AddAttribute("stopwords", Strings{"monday"});
    t.AddInput<std::string>("X", {1, 1}, {"MONDAY"});
    t.AddOutput<std::string>("Y", {1, 1}, {""});
    t.Run();
  }
}

TEST(TextStringNormalizerTest, EmptyInput) {
  OpTester t("StringNormalizer", 10);
  t.AddInput<std::string>("X", {0}, {});
  t.AddOutput<std::string>("Y", {1}, {""});
  t.Run();
}

TEST(TextStringNormalizerTest, Utf8CaseMapping) {
  // Accented letters, cedilla, umlaut and Greek map; the German sharp s has no single-letter
  // upper case and stays.
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("case_change_action", "UPPER");
  t.AddAttribute("locale", "en_US");
  t.AddInput<std::string>("X", {3}, {"\xC3\xA9t\xC3\xA9 gar\xC3\xA7on", "\xC3\xBC\x62\x65r stra\xC3\x9F\x65",
                                     "\xCE\xB1\xCE\xB2\xCE\xB3"});
  t.AddOutput<std::string>("Y", {3}, {"\xC3\x89T\xC3\x89 GAR\xC3\x87ON", "\xC3\x9C\x42\x45R STRA\xC3\x9F\x45",
                                      "\xCE\x91\xCE\x92\xCE\x93"});
  t.Run();
}

TEST(TextStringNormalizerTest, Utf8CaseInsensitiveStopword) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("stopwords", Strings{"\xC3\x89T\xC3\x89"});  // "ÉTÉ"
  t.AddInput<std::string>("X", {2}, {"\xC3\xA9t\xC3\xA9", "hiver"});
  t.AddOutput<std::string>("Y", {1}, {"hiver"});
  t.Run();
}

TEST(TextStringNormalizerTest, UnknownLocaleFallsBack) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("case_change_action", "LOWER");
  t.AddAttribute("locale", "xx_NOWHERE");
  t.AddInput<std::string>("X", {1}, {"ABC"});
  t.AddOutput<std::string>("Y", {1}, {"abc"});
  t.Run();
}

TEST(TextStringNormalizerTest, InvalidUtf8MapsAsciiOnly) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("case_change_action", "UPPER");
  t.AddInput<std::string>("X", {1}, {"ab\xFF" "cd"});
  t.AddOutput<std::string>("Y", {1}, {"AB\xFF" "CD"});
  t.Run();
}

TEST(TextStringNormalizerTest, BadShapeFails) {
  OpTester t("StringNormalizer", 10);
  t.AddInput<std::string>("X", {2, 2}, {"a", "b", "c", "d"});
  t.AddOutput<std::string>("Y", {2, 2}, {"a", "b", "c", "d"});
  t.RunExpectFailure("[1, C]");
}

TEST(TextStringNormalizerTest, BadCaseActionFails) {
  OpTester t("StringNormalizer", 10);
  t.AddAttribute("case_change_action", "TITLE");
  t.AddInput<std::string>("X", {1}, {"a"});
  t.AddOutput<std::string>("Y", {1}, {"a"});
  t.RunExpectFailure("case_change_action");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
