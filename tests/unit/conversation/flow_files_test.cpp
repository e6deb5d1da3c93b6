// Runs every flow test shipped in tests/flows (templates stay correct as the engine changes).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "conversation/flow_test.h"

namespace fs = std::filesystem;
using mg::conversation::run_flow_tests;

namespace {
fs::path repo_root() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}
}  // namespace

TEST(FlowFiles, AllShippedFlowTestsPass) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(repo_root() / "tests" / "flows"))
    if (e.path().string().ends_with(".flow.json")) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 9u);
  std::ostringstream out;
  int rc = run_flow_tests(files, out);
  EXPECT_EQ(rc, 0) << out.str();
  EXPECT_EQ(out.str().find("FAIL"), std::string::npos) << out.str();
}
