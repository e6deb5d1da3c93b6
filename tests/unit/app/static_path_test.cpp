// The static-file resolver only ever names paths inside the web root, whatever the request
// path looks like; StaticFiles never reads a file outside it.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/static_files.h"
#include "app/static_path.h"
#include "core/http.h"

namespace mg::app {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& body) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << body;
}

// <tmp>/root (the web root) and <tmp>/outside/secret.txt next to it.
class StaticPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("mg-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    write(base_ / "root" / "index.html", "<!doctype html>index");
    write(base_ / "root" / "assets" / "a.js", "console.log(1)");
    write(base_ / "outside" / "secret.txt", "SECRET");
    fs::create_directory_symlink(base_ / "outside", base_ / "root" / "out");
    fs::create_symlink(base_ / "outside" / "secret.txt", base_ / "root" / "secret.txt");
    fs::create_symlink(base_ / "root" / "assets" / "a.js", base_ / "root" / "alias.js");
    root_ = fs::canonical(base_ / "root");
  }
  void TearDown() override { fs::remove_all(base_); }
  std::optional<fs::path> resolve(std::string_view p) { return resolve_static_path(root_, p); }

  fs::path base_, root_;
};

TEST_F(StaticPathTest, ServesPlainPathsInsideTheRoot) {
  EXPECT_EQ(resolve("/"), root_);
  EXPECT_EQ(resolve("/index.html"), root_ / "index.html");
  EXPECT_EQ(resolve("/assets/a.js"), root_ / "assets" / "a.js");
  EXPECT_EQ(resolve("/assets/"), root_ / "assets");
  // Client routes that do not exist still resolve (the caller serves the SPA index).
  EXPECT_EQ(resolve("/console/login"), root_ / "console" / "login");
  EXPECT_EQ(resolve("/a%20b+c"), root_ / "a b+c");
  EXPECT_EQ(resolve("/%E3%81%82"), root_ / "\xE3\x81\x82");
  // Decoded once: %25 gives a literal '%', never a second round of decoding.
  EXPECT_EQ(resolve("/%252e%252e"), root_ / "%2e%2e");
  // A symlink that stays inside the root is fine.
  EXPECT_EQ(resolve("/alias.js"), root_ / "assets" / "a.js");
}

TEST_F(StaticPathTest, RefusesAbsoluteAndTraversingPaths) {
  for (std::string_view p : {"",
                             "x",
                             "*",
                             "http://host/index.html",
                             "//etc/passwd",
                             "///etc/passwd",
                             "/%2Fetc/passwd",
                             "/%2fetc/passwd",
                             "/..",
                             "/../x",
                             "/../../../../etc/passwd",
                             "/assets/../index.html",
                             "/%2e%2e/x",
                             "/.%2e/x",
                             "/%2E%2E%2Fetc",
                             "/..%2f..%2fetc/passwd",
                             "/assets/..%2F..%2Foutside/secret.txt",
                             "/.",
                             "/./index.html",
                             "/a//b",
                             "/assets//a.js",
                             "/.env",
                             "/.git/config"}) {
    EXPECT_EQ(resolve(p), std::nullopt) << "path: " << p;
  }
}

TEST_F(StaticPathTest, RefusesBackslashesControlsAndBadEscapes) {
  for (std::string_view p : {"/a\\b", "/a%5Cb", "/a%5cb", "/..\\etc", "/%00", "/a%00.html", "/a%0a",
                             "/a%0D%0Ab", "/a%7f", "/a\tb", "/%zz", "/%2", "/a%", "/%%41"})
    EXPECT_EQ(resolve(p), std::nullopt) << "path: " << p;
  EXPECT_EQ(resolve(std::string_view("/a\0b", 4)), std::nullopt);
  EXPECT_EQ(resolve("/a\x01"), std::nullopt);
}

TEST_F(StaticPathTest, RefusesSymlinksLeadingOutOfTheRoot) {
  EXPECT_EQ(resolve("/secret.txt"), std::nullopt);
  EXPECT_EQ(resolve("/out/secret.txt"), std::nullopt);
  EXPECT_EQ(resolve("/out"), std::nullopt);
  EXPECT_EQ(resolve("/out/missing"), std::nullopt);
}

TEST_F(StaticPathTest, RefusesOverLongPaths) {
  std::string p = "/" + std::string(kMaxStaticPathBytes, 'a');
  EXPECT_EQ(resolve(p), std::nullopt);
  EXPECT_EQ(resolve("/" + std::string(200, 'a')), root_ / std::string(200, 'a'));
}

TEST_F(StaticPathTest, RefusesWithoutAnAbsoluteRoot) {
  EXPECT_EQ(resolve_static_path({}, "/index.html"), std::nullopt);
  EXPECT_EQ(resolve_static_path("relative", "/index.html"), std::nullopt);
}

TEST(PathIsWithin, ComparesWholeComponents) {
  EXPECT_TRUE(path_is_within("/srv/web", "/srv/web"));
  EXPECT_TRUE(path_is_within("/srv/web", "/srv/web/a/b"));
  EXPECT_TRUE(path_is_within("/srv/web/", "/srv/web/a"));
  EXPECT_FALSE(path_is_within("/srv/web", "/srv/website/a"));
  EXPECT_FALSE(path_is_within("/srv/web", "/srv"));
  EXPECT_FALSE(path_is_within("/srv/web", "/etc/passwd"));
}

http::Request get(std::string target) {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  r.path = http::url_decode_path(r.target.substr(0, r.target.find('?')));
  return r;
}

TEST_F(StaticPathTest, StaticFilesNeverReadOutsideTheRoot) {
  StaticFiles web((base_ / "root").string());
  ASSERT_TRUE(web.available());
  auto ok = web.serve(get("/assets/a.js?v=1"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "console.log(1)");
  EXPECT_EQ(web.serve(get("/")).body, "<!doctype html>index");
  // Extension-less client routes get the SPA index, as before.
  EXPECT_EQ(web.serve(get("/console/login")).body, "<!doctype html>index");
  std::string secret = (base_ / "outside" / "secret.txt").string();
  for (const std::string& target : std::vector<std::string>{
           "/" + secret, "/%2F" + secret.substr(1), "//etc/passwd", "/%2Fetc/passwd", "/secret.txt",
           "/out/secret.txt", "/../outside", "/..%2f..%2fetc/passwd"}) {
    auto res = web.serve(get(target));
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_EQ(res.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(res.body.find("root:"), std::string::npos) << target;
  }
}

TEST(UrlDecodePath, KeepsEncodedSeparatorsAndPlus) {
  EXPECT_EQ(http::url_decode_path("/%2Fetc/passwd"), "/%2Fetc/passwd");
  EXPECT_EQ(http::url_decode_path("/a%2fb%5Cc%5cd"), "/a%2fb%5Cc%5cd");
  EXPECT_EQ(http::url_decode_path("/a+b%20c"), "/a+b c");
  EXPECT_EQ(http::url_decode_path("/%E3%81%82"), "/\xE3\x81\x82");
  EXPECT_EQ(http::url_decode_path("/%2"), "/%2");
}

}  // namespace
}  // namespace mg::app
