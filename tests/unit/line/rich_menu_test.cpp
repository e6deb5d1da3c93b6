// Rich menu validation (400 naming the field, like LINE) and the generated PNG encoder.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <zlib.h>  // types only: zlib is loaded with dlopen, the build does not link it

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "channels/line/demo_rich_menu.h"
#include "channels/line/rich_menu_image.h"
#include "channels/line/rich_menu_validation.h"
#include "core/errors.h"

namespace mg::line {
namespace {

Json area(int x, int y, int w, int h, Json action = nullptr) {
  if (action.is_null()) action = {{"type", "message"}, {"text", "ごみの出し方"}, {"label", "ごみ"}};
  return {{"bounds", {{"x", x}, {"y", y}, {"width", w}, {"height", h}}}, {"action", action}};
}

Json valid_menu() {
  return {{"size", {{"width", 2500}, {"height", 843}}},
          {"selected", true},
          {"name", "村民メニュー"},
          {"chatBarText", "メニュー"},
          {"areas", Json::array({area(0, 0, 1250, 843), area(1250, 0, 1250, 843)})}};
}

std::vector<std::string> fields(const Json& menu) {
  std::vector<std::string> out;
  for (const auto& p : validate_rich_menu(menu)) out.push_back(p.field);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& f) {
  return std::find(v.begin(), v.end(), f) != v.end();
}

TEST(RichMenuValidation, AcceptsLineSizes) {
  EXPECT_TRUE(fields(valid_menu()).empty());
  Json tall = valid_menu();
  tall["size"] = {{"width", 2500}, {"height", 1686}};
  EXPECT_TRUE(fields(tall).empty());
  Json small = valid_menu();
  small["size"] = {{"width", 800}, {"height", 270}};
  small["areas"] = Json::array({area(0, 0, 800, 270)});
  EXPECT_TRUE(fields(small).empty());
}

TEST(RichMenuValidation, BadSizeNamesTheField) {
  Json m = valid_menu();
  m["size"]["width"] = 3000;
  EXPECT_TRUE(has(fields(m), "menu.size.width"));
  m = valid_menu();
  m["size"] = {{"width", 2500}, {"height", 200}};
  EXPECT_TRUE(has(fields(m), "menu.size.height"));
  m = valid_menu();
  m["size"] = {{"width", 1000}, {"height", 1000}};  // too square for LINE
  m["areas"] = Json::array({area(0, 0, 100, 100)});
  EXPECT_TRUE(has(fields(m), "menu.size"));
  m = valid_menu();
  m.erase("size");
  EXPECT_TRUE(has(fields(m), "menu.size"));
}

TEST(RichMenuValidation, AreaCountBoundsAndActions) {
  Json m = valid_menu();
  m["areas"] = Json::array();
  for (int i = 0; i < 21; ++i) m["areas"].push_back(area(i * 100, 0, 100, 843));
  EXPECT_TRUE(has(fields(m), "menu.areas"));
  m["areas"] = Json::array();
  EXPECT_TRUE(has(fields(m), "menu.areas"));

  m = valid_menu();
  m["areas"][1]["bounds"]["width"] = 1300;  // past the right edge
  EXPECT_TRUE(has(fields(m), "menu.areas[1].bounds"));

  m = valid_menu();
  m["areas"][0]["action"]["label"] = "とても長いラベルとても長いラベルとても長いラベル";
  EXPECT_TRUE(has(fields(m), "menu.areas[0].action.label"));
  m = valid_menu();
  m["areas"][0]["action"] = {{"type", "camera"}, {"label", "カメラ"}};
  EXPECT_TRUE(has(fields(m), "menu.areas[0].action.type"));
  m = valid_menu();
  m["areas"][0]["action"] = {{"type", "postback"}, {"label", "申請"}};
  EXPECT_TRUE(has(fields(m), "menu.areas[0].action.data"));
  m = valid_menu();
  m["areas"][0]["action"] = {{"type", "uri"}, {"uri", "javascript:alert(1)"}};
  EXPECT_TRUE(has(fields(m), "menu.areas[0].action.uri"));
}

TEST(RichMenuValidation, LongChatBarTextAndMissingFields) {
  Json m = valid_menu();
  m["chatBarText"] = "災害時のお知らせはこちらから見てください";  // > 14
  EXPECT_TRUE(has(fields(m), "menu.chatBarText"));
  m = valid_menu();
  m["chatBarText"] = "十四文字ちょうどのメニューだ";  // exactly 14
  EXPECT_TRUE(fields(m).empty());
  m = valid_menu();
  m.erase("selected");
  m.erase("name");
  auto f = fields(m);
  EXPECT_TRUE(has(f, "menu.selected"));
  EXPECT_TRUE(has(f, "menu.name"));
  EXPECT_TRUE(has(fields(Json("x")), "menu"));
}

TEST(RichMenuValidation, ThrowsBadRequestWithFirstFieldAndDetails) {
  Json m = valid_menu();
  m["chatBarText"] = std::string(15, 'a');
  try {
    throw_if_invalid(validate_rich_menu(m));
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.field(), "menu.chatBarText");
    ASSERT_TRUE(e.details().is_array());
    EXPECT_EQ(e.details()[0]["field"], "menu.chatBarText");
  }
}

TEST(RichMenuValidation, ImageMustBePngOrJpegOfTheMenuSize) {
  std::string png = generated_menu_png(800, 270, {255, 255, 255}, {0, 0, 0});
  EXPECT_TRUE(validate_rich_menu_image(png, 800, 270).empty());
  auto wrong = validate_rich_menu_image(png, 2500, 843);
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].field, "image_base64");
  EXPECT_FALSE(validate_rich_menu_image("GIF89a......", 800, 270).empty());
  EXPECT_FALSE(validate_rich_menu_image(png + std::string(1100000, '\0'), 800, 270).empty());
}

// --- PNG ---

uint32_t be32(const std::string& s, size_t i) {
  auto u = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  return (u(i) << 24) | (u(i + 1) << 16) | (u(i + 2) << 8) | u(i + 3);
}

struct Chunk {
  std::string type, data;
  uint32_t crc = 0;
};

std::vector<Chunk> chunks(const std::string& png) {
  std::vector<Chunk> out;
  for (size_t i = 8; i + 12 <= png.size();) {
    uint32_t len = be32(png, i);
    Chunk c{png.substr(i + 4, 4), png.substr(i + 8, len), be32(png, i + 8 + len)};
    out.push_back(c);
    i += 12 + len;
  }
  return out;
}

TEST(RichMenuImage, Crc32AndAdler32KnownValues) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32("IEND"), 0xAE426082u);
  EXPECT_EQ(adler32("Wikipedia"), 0x11E60398u);
}

TEST(RichMenuImage, GeneratedImageHasSignatureHeaderAndValidCrcs) {
  Json areas = Json::array({area(0, 0, 1250, 843), area(1250, 0, 1250, 843)});
  std::string png = generated_menu_png(2500, 843, {0xE8, 0xF5, 0xE9}, {0x2E, 0x7D, 0x32}, areas);
  ASSERT_GE(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n"));
  auto cs = chunks(png);
  ASSERT_EQ(cs.size(), 4u);
  EXPECT_EQ(cs[0].type, "IHDR");
  EXPECT_EQ(cs[1].type, "PLTE");
  EXPECT_EQ(cs[2].type, "IDAT");
  EXPECT_EQ(cs.back().type, "IEND");
  ASSERT_EQ(cs[0].data.size(), 13u);
  EXPECT_EQ(be32(cs[0].data, 0), 2500u);
  EXPECT_EQ(be32(cs[0].data, 4), 843u);
  EXPECT_EQ(cs[0].data[8], 1);  // bit depth
  EXPECT_EQ(cs[0].data[9], 3);  // palette
  for (const auto& c : cs) EXPECT_EQ(c.crc, crc32(c.type + c.data)) << c.type;
  EXPECT_EQ(cs[1].data, std::string("\xE8\xF5\xE9\x2E\x7D\x32", 6));
  auto dims = image_size(png);
  ASSERT_TRUE(dims);
  EXPECT_EQ(dims->first, 2500);
  EXPECT_EQ(dims->second, 843);
  // Well under LINE's 1 MB even at the largest size.
  EXPECT_LT(generated_menu_png(2500, 1686, {}, {}, areas).size(), 64u * 1024);
}

// The deflate stream is checked against the real zlib when the system has it.
TEST(RichMenuImage, IdatInflatesToTheExpectedPixels) {
  void* lib = ::dlopen("libz.so.1", RTLD_NOW);
  if (!lib) GTEST_SKIP() << "libz.so.1 not available";
  auto inflate_all = reinterpret_cast<decltype(&::uncompress)>(::dlsym(lib, "uncompress"));
  ASSERT_NE(inflate_all, nullptr);

  const int w = 20, h = 10;
  Json areas = Json::array({area(0, 0, 10, 10)});
  auto cs = chunks(generated_menu_png(w, h, {}, {}, areas));
  const std::string& z = cs[2].data;
  const size_t stride = 1 + (w + 7) / 8;
  std::string raw(stride * h, 'x');
  uLongf len = raw.size();
  ASSERT_EQ(inflate_all(reinterpret_cast<Bytef*>(raw.data()), &len,
                        reinterpret_cast<const Bytef*>(z.data()), z.size()),
            Z_OK);
  ASSERT_EQ(len, raw.size());
  auto pixel = [&](int x, int y) {
    return (static_cast<unsigned char>(raw[y * stride + 1 + x / 8]) >> (7 - x % 8)) & 1;
  };
  for (int y = 0; y < h; ++y) EXPECT_EQ(raw[y * stride], 0) << "filter byte, row " << y;
  EXPECT_EQ(pixel(0, 0), 1);   // outline
  EXPECT_EQ(pixel(5, 5), 0);   // inside the area
  EXPECT_EQ(pixel(9, 5), 1);   // right edge of the area
  EXPECT_EQ(pixel(15, 5), 0);  // outside every area

  // Long runs and repeated rows go through length/distance codes; round-trip them too.
  std::string big;
  for (int i = 0; i < 70000; ++i) big.push_back(static_cast<char>((i % 313) < 300 ? 0 : i % 7));
  std::string zb = zlib_compress(big, 313);
  std::string back(big.size(), '\0');
  uLongf blen = back.size();
  ASSERT_EQ(inflate_all(reinterpret_cast<Bytef*>(back.data()), &blen,
                        reinterpret_cast<const Bytef*>(zb.data()), zb.size()),
            Z_OK);
  EXPECT_EQ(back, big);
  ::dlclose(lib);
}

}  // namespace
}  // namespace mg::line

namespace mg::line {
namespace {

// issue 9: the demo's default rich menu is one LINE accepts, and its bundled image has the
// menu's size (otherwise the generated placeholder is uploaded instead).
TEST(DemoRichMenu, ValidMenuAndImageOfItsSize) {
  Json menu = demo_rich_menu();
  EXPECT_TRUE(validate_rich_menu(menu).empty()) << menu.dump();
  ASSERT_EQ(menu["areas"].size(), 3u);
  int covered = 0;
  for (const auto& a : menu["areas"]) covered += a["bounds"]["width"].get<int>();
  EXPECT_EQ(covered, 2500);
  EXPECT_EQ(menu["areas"][1]["action"]["data"], "mg=c&x=applications");
  std::ifstream in(std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                       "../templates/line/demo-rich-menu.png",
                   std::ios::binary);
  std::string png((std::istreambuf_iterator<char>(in)), {});
  auto size = image_size(png);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->first, 2500);
  EXPECT_EQ(size->second, 843);
  EXPECT_TRUE(validate_rich_menu_image(png, 2500, 843).empty());
}

}  // namespace
}  // namespace mg::line
