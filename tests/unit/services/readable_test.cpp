// What staff read instead of JSON: the draft/published differences and the template gallery.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "services/catalog.h"
#include "services/readable.h"
#include "services/templates.h"

using mg::Json;
namespace svc = mg::services;

namespace {
Json base() {
  return Json::parse(R"({
    "format": "madoguchi.service/1", "service_key": "dog", "title": "犬の登録", "fee": 3000,
    "steps": [
      {"id": "name", "kind": "text", "label": "犬の名前", "text": "犬の名前は？"},
      {"id": "kind", "kind": "choice", "label": "種類", "text": "種類は？",
       "choices": [{"value": "s", "label": "小型犬"}, {"value": "l", "label": "大型犬", "fee": 500}]},
      {"id": "confirm", "kind": "confirm"},
      {"id": "submit", "kind": "submit", "text": "受け付けました。受付番号：{{receipt_number}}"}
    ]})");
}

std::string templates_dir() {
  namespace fs = std::filesystem;
  return (fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "templates")
      .string();
}

std::vector<std::string> messages(const Json& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c["message"].get<std::string>());
  return out;
}
}  // namespace

TEST(DefinitionChanges, SameDefinitionInAnotherKeyOrderHasNone) {
  Json a = base();
  Json b = Json::parse(a.dump());  // re-parsed: same content
  EXPECT_TRUE(svc::same_definition(a, b));
  EXPECT_TRUE(svc::definition_changes(a, b).empty());
  EXPECT_TRUE(
      svc::same_definition(Json::parse(R"({"a":1,"b":2})"), Json::parse(R"({"b":2,"a":1})")));
}

TEST(DefinitionChanges, NamesAddedRemovedAndChangedStepsByLabel) {
  Json draft = base();
  draft["steps"][0]["text"] = "犬の名前を入力してください";
  draft["steps"].erase(1);  // 種類 removed
  draft["steps"].insert(
      draft["steps"].begin() + 1,
      Json{{"id", "color"}, {"kind", "text"}, {"label", "毛の色"}, {"text", "色は？"}});
  draft["fee"] = 3500;
  draft["title"] = "犬の登録（新）";
  auto m = messages(svc::definition_changes(base(), draft));
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0], "サービス名が変わりました");
  EXPECT_EQ(m[1], "手数料が変わりました");
  EXPECT_EQ(m[2], "手順「犬の名前」の質問文が変わりました");
  EXPECT_EQ(m[3], "手順「毛の色」が追加されました");
  EXPECT_EQ(m[4], "手順「種類」が削除されました");
  auto c = svc::definition_changes(base(), draft);
  EXPECT_EQ(c[3]["kind"], "step_added");
  EXPECT_EQ(c[4]["kind"], "step_removed");
  EXPECT_EQ(c[2]["kind"], "step_changed");
}

TEST(DefinitionChanges, ChoicesAndReorderAreNamed) {
  Json draft = base();
  draft["steps"][1]["choices"][1]["fee"] = 800;
  EXPECT_EQ(messages(svc::definition_changes(base(), draft)),
            std::vector<std::string>{"手順「種類」の選択肢が変わりました"});
  Json swapped = base();
  std::swap(swapped["steps"][0], swapped["steps"][1]);
  EXPECT_EQ(messages(svc::definition_changes(base(), swapped)),
            std::vector<std::string>{"手順の順序が変わりました"});
}

TEST(DefinitionChanges, OddInputDoesNotThrow) {
  EXPECT_FALSE(svc::definition_changes(Json(), base()).empty());
  EXPECT_FALSE(svc::definition_changes(Json::parse(R"({"steps": 3})"), base()).empty());
  EXPECT_FALSE(
      svc::definition_changes(base(), Json::parse(R"({"steps": [1, {"id": 2}]})")).empty());
}

TEST(ReadableSteps, ListsQuestionsChoicesAndFeesInJapanese) {
  auto steps = svc::readable_steps(svc::load_or_throw(base()));
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0]["kind_label"], "文字の入力");
  EXPECT_EQ(steps[0]["text"], "犬の名前は？");
  EXPECT_EQ(steps[1]["kind_label"], "選択");
  EXPECT_EQ(steps[1]["choices"][1], (Json{{"label", "大型犬"}, {"fee", 500}}));
  EXPECT_EQ(steps[2]["kind_label"], "入力内容の確認");
  EXPECT_EQ(steps[3]["text"], "受け付けました。受付番号：（受付番号）");  // no template syntax
  EXPECT_EQ(steps[3]["label"], steps[3]["text"]);
}

// Every bundled template loads and has a readable preview; the gallery skips broken files.
TEST(TemplateGallery, ListsEveryBundledTemplateWithAPreview) {
  svc::TemplateGallery gallery(templates_dir());
  Json items = gallery.list();
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(templates_dir()))
    files += e.path().extension() == ".json";
  ASSERT_EQ(items.size(), files);
  ASSERT_GE(files, 10u);
  for (const auto& t : items) {
    EXPECT_FALSE(t["title"].get<std::string>().empty()) << t["key"];
    EXPECT_FALSE(t["description"].get<std::string>().empty()) << t["key"];
    EXPECT_FALSE(t["steps"].empty()) << t["key"];
    for (const auto& s : t["steps"]) EXPECT_FALSE(s["kind_label"].get<std::string>().empty());
  }
  auto kyufukin = std::find_if(items.begin(), items.end(),
                               [](const Json& t) { return t["key"] == "kyufukin"; });
  ASSERT_NE(kyufukin, items.end());
  EXPECT_EQ((*kyufukin)["lists"], Json::array({"kyufukin-2025"}));
  EXPECT_TRUE(gallery.definition("kyufukin").has_value());
  EXPECT_FALSE(gallery.definition("../CMakeLists").has_value());
  EXPECT_FALSE(gallery.definition("nope").has_value());
  EXPECT_FALSE(gallery.definition("").has_value());
}

TEST(TemplateGallery, SkipsFilesThatDoNotLoad) {
  auto dir = std::filesystem::temp_directory_path() / "mg-gallery-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "good.json") << base().dump();
  std::ofstream(dir / "bad.json") << "{not json";
  std::ofstream(dir / "invalid.json") << R"({"format": "madoguchi.service/1", "steps": []})";
  Json items = svc::TemplateGallery(dir.string()).list();
  std::filesystem::remove_all(dir);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["key"], "good");
  EXPECT_EQ(items[0]["fee"], 3000);
}
