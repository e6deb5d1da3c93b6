// Precompressed assets: the coding chosen from Accept-Encoding, and StaticFiles sending the
// matching .br/.gz sibling with the original Content-Type, Content-Encoding and Vary.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "app/static_files.h"
#include "core/http.h"

namespace mg::app {
namespace {

namespace fs = std::filesystem;
using CC = ContentCoding;

CC choose(std::string_view ae) { return choose_content_coding(ae, true, true); }

TEST(ContentCodingTest, NoHeaderOrUnknownCodingsMeanIdentity) {
  EXPECT_EQ(choose(""), CC::identity);
  EXPECT_EQ(choose("identity"), CC::identity);
  EXPECT_EQ(choose("deflate, compress"), CC::identity);
  EXPECT_EQ(choose(" , ,"), CC::identity);
}

TEST(ContentCodingTest, PrefersBrotliOnATie) {
  EXPECT_EQ(choose("gzip, deflate, br"), CC::br);
  EXPECT_EQ(choose("gzip, deflate, br, zstd"), CC::br);
  EXPECT_EQ(choose("br;q=0.5, gzip;q=0.5"), CC::br);
  EXPECT_EQ(choose("gzip"), CC::gzip);
  EXPECT_EQ(choose("x-gzip"), CC::gzip);
  EXPECT_EQ(choose("br"), CC::br);
}

TEST(ContentCodingTest, HonoursQValues) {
  EXPECT_EQ(choose("br;q=0.4, gzip;q=0.9"), CC::gzip);
  EXPECT_EQ(choose("br ; q=1.0 , gzip ; q=0.9"), CC::br);
  EXPECT_EQ(choose("BR;Q=0.2, GZIP;Q=0.1"), CC::br);
  EXPECT_EQ(choose("gzip;q=1.000, br;q=0.999"), CC::gzip);
}

TEST(ContentCodingTest, QZeroMeansNotAcceptable) {
  EXPECT_EQ(choose("br;q=0"), CC::identity);
  EXPECT_EQ(choose("br;q=0, gzip"), CC::gzip);
  EXPECT_EQ(choose("br;q=0.000, gzip;q=0.0"), CC::identity);
  EXPECT_EQ(choose("gzip;q=0, br;q=0.1"), CC::br);
}

TEST(ContentCodingTest, MalformedQIsNotAcceptable) {
  EXPECT_EQ(choose("br;q=abc"), CC::identity);
  EXPECT_EQ(choose("br;q=, gzip"), CC::gzip);
  EXPECT_EQ(choose("br;q=1.5, gzip;q=-1"), CC::identity);
  EXPECT_EQ(choose("br;q=0.5x"), CC::identity);
  EXPECT_EQ(choose("br;q=nan, gzip;q=inf"), CC::identity);
}

TEST(ContentCodingTest, WildcardCoversUnnamedCodings) {
  EXPECT_EQ(choose("*"), CC::br);
  EXPECT_EQ(choose("br;q=0, *"), CC::gzip);
  EXPECT_EQ(choose("*;q=0"), CC::identity);
  EXPECT_EQ(choose("gzip, *;q=0"), CC::gzip);
}

TEST(ContentCodingTest, OnlyAvailableVariantsAreChosen) {
  EXPECT_EQ(choose_content_coding("br, gzip", false, true), CC::gzip);
  EXPECT_EQ(choose_content_coding("br, gzip", true, false), CC::br);
  EXPECT_EQ(choose_content_coding("br", false, true), CC::identity);
  EXPECT_EQ(choose_content_coding("br, gzip", false, false), CC::identity);
}

void write(const fs::path& p, const std::string& body) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << body;
}

std::optional<std::string> header(const http::Response& r, std::string_view name) {
  for (auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

http::Request get(std::string target, std::string accept_encoding = {}) {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  if (!accept_encoding.empty()) r.headers.emplace_back("accept-encoding", accept_encoding);
  return r;
}

class StaticEncodingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("mg-static-enc-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    write(base_ / "root" / "index.html", "<!doctype html>index");
    write(base_ / "root" / "assets" / "app-1.js", "IDENTITY");
    write(base_ / "root" / "assets" / "app-1.js.br", "BROTLI");
    write(base_ / "root" / "assets" / "app-1.js.gz", "GZIP");
    write(base_ / "root" / "assets" / "plain-1.css", "CSS");
    write(base_ / "root" / "assets" / "leak-1.js", "LEAK-IDENTITY");
    write(base_ / "outside" / "secret.br", "SECRET");
    // A variant that points out of the web root must never be read.
    fs::create_symlink(base_ / "outside" / "secret.br", base_ / "root" / "assets" / "leak-1.js.br");
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
};

TEST_F(StaticEncodingTest, SendsTheAcceptedVariantWithOriginalType) {
  StaticFiles web((base_ / "root").string());
  auto br = web.serve(get("/assets/app-1.js?x=1", "gzip, br"));
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(br.body, "BROTLI");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(br, "Content-Encoding"), "br");
  EXPECT_EQ(header(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(br, "Cache-Control"), "public, max-age=31536000, immutable");

  auto gz = web.serve(get("/assets/app-1.js", "gzip"));
  EXPECT_EQ(gz.body, "GZIP");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(gz, "Vary"), "Accept-Encoding");

  auto plain = web.serve(get("/assets/app-1.js"));
  EXPECT_EQ(plain.body, "IDENTITY");
  EXPECT_EQ(header(plain, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");

  auto refused = web.serve(get("/assets/app-1.js", "br;q=0, gzip;q=0"));
  EXPECT_EQ(refused.body, "IDENTITY");
  EXPECT_EQ(header(refused, "Content-Encoding"), std::nullopt);
}

TEST_F(StaticEncodingTest, FilesWithoutVariantsAndTheIndexAreIdentity) {
  StaticFiles web((base_ / "root").string());
  auto css = web.serve(get("/assets/plain-1.css", "br, gzip"));
  EXPECT_EQ(css.body, "CSS");
  EXPECT_EQ(header(css, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(header(css, "Vary"), std::nullopt);
  for (const char* target : {"/", "/t/demo", "/index.html"}) {
    auto res = web.serve(get(target, "br, gzip"));
    EXPECT_EQ(res.body, "<!doctype html>index") << target;
    EXPECT_EQ(header(res, "Content-Encoding"), std::nullopt) << target;
    EXPECT_EQ(header(res, "Cache-Control"), "no-cache") << target;
  }
  EXPECT_EQ(web.serve(get("/assets/missing-1.js", "br")).status, 404);
}

TEST_F(StaticEncodingTest, VariantOutsideTheRootIsNeverRead) {
  StaticFiles web((base_ / "root").string());
  auto res = web.serve(get("/assets/leak-1.js", "br"));
  EXPECT_EQ(res.body, "LEAK-IDENTITY");
  EXPECT_EQ(header(res, "Content-Encoding"), std::nullopt);
}

}  // namespace
}  // namespace mg::app
