#include "conversation/flow_test.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"

using namespace mg::conversation;
using mg::Json;
namespace fs = std::filesystem;

namespace {

Json inline_definition() {
  return {{"format", "madoguchi.service/1"},
          {"service_key", "mini"},
          {"title", "ミニ"},
          {"steps",
           {{{"id", "name"}, {"kind", "text"}, {"text", "お名前は？"}},
            {{"id", "when"}, {"kind", "date"}, {"text", "日付は？"}, {"min", "today"}},
            {{"id", "confirm"}, {"kind", "confirm"}},
            {{"id", "s"}, {"kind", "submit"}}}}};
}

fs::path write(const std::string& name, const Json& j) {
  fs::path dir = fs::temp_directory_path() / "mg_flow_test";
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p) << j.dump(2);
  return p;
}

}  // namespace

TEST(FlowTestRunner, PassingFileReturnsZero) {
  Json flow{
      {"definition", inline_definition()},
      {"today", "2025-04-01"},
      {"cases",
       {{{"name", "ok"},
         {"steps",
          {{{"expect", {{"step", "name"}}}},
           {{"input", "山田"}, {"expect", {{"step", "when"}, {"error", false}}}},
           {{"input", "2025-03-01"}, {"expect", {{"error", "以降"}}}},
           {{"input", {{"type", "date"}, {"date", "2025-04-02"}}},
            {"expect", {{"step", "confirm"}, {"prompt_contains", {"令和7年4月2日", "山田"}}}}},
           {{"input", {{"type", "choice"}, {"value", "confirm"}}},
            {"expect", {{"done", true}, {"effect", {{"kind", "submit"}, {"total_fee", 0}}}}}}}}}}}};
  std::ostringstream out;
  EXPECT_EQ(run_flow_tests({write("pass.flow.json", flow).string()}, out), 0) << out.str();
  EXPECT_NE(out.str().find("PASS"), std::string::npos);
  EXPECT_NE(out.str().find("1 passed, 0 failed"), std::string::npos);
}

TEST(FlowTestRunner, FailingCaseReturnsNonZeroWithReason) {
  Json flow{
      {"definition", inline_definition()},
      {"cases",
       {{{"name", "deliberately wrong"},
         {"steps", {{{"input", "山田"}, {"expect", {{"step", "confirm"}}}}}}},
        {{"name", "fine"}, {"steps", {{{"input", "山田"}, {"expect", {{"step", "when"}}}}}}}}}};
  std::ostringstream out;
  EXPECT_NE(run_flow_tests({write("fail.flow.json", flow).string()}, out), 0);
  std::string s = out.str();
  EXPECT_NE(s.find("deliberately wrong"), std::string::npos);
  EXPECT_NE(s.find("FAIL"), std::string::npos);
  EXPECT_NE(s.find("expected step \"confirm\""), std::string::npos);
  EXPECT_NE(s.find("1 passed, 1 failed"), std::string::npos);
}

TEST(FlowTestRunner, DefinitionByRelativePath) {
  fs::path def = write("mini.json", inline_definition());
  Json flow{{"definition", "mini.json"},
            {"cases", {{{"name", "relative"}, {"steps", {{{"expect", {{"step", "name"}}}}}}}}}};
  std::ostringstream out;
  EXPECT_EQ(run_flow_tests({write("rel.flow.json", flow).string()}, out), 0) << out.str();
}

TEST(FlowTestRunner, InvalidDefinitionAndMissingFileFail) {
  Json bad = inline_definition();
  bad["steps"][1]["next"] = "nowhere";
  Json flow{{"definition", bad}, {"cases", Json::array()}};
  std::ostringstream out;
  EXPECT_NE(run_flow_tests({write("bad.flow.json", flow).string()}, out), 0);
  EXPECT_NE(out.str().find("invalid definition"), std::string::npos);
  EXPECT_NE(out.str().find("nowhere"), std::string::npos);
  std::ostringstream out2;
  EXPECT_NE(run_flow_tests({"/nonexistent/x.flow.json"}, out2), 0);
  EXPECT_NE(out2.str().find("cannot read"), std::string::npos);
}
