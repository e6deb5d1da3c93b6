// The KEN_ALL parser: encodings, continuation lines, 「以下に掲載がない場合」, ranges.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "postal/model.h"

namespace mg::postal {
namespace {

namespace fs = std::filesystem;

std::string sample_bytes() {
  auto path = fs::path(__FILE__).parent_path().parent_path().parent_path() / "data" / "postal" /
              "ken_all_sample.csv";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const PostalRecord* by_code(const std::vector<PostalRecord>& rs, const std::string& code) {
  for (const auto& r : rs)
    if (r.code == code) return &r;
  return nullptr;
}

std::string row(const std::string& code, const std::string& town, const std::string& kana = "ｶ") {
  return "01101,\"060  \",\"" + code + "\",\"ﾎｯｶｲﾄﾞｳ\",\"ｻｯﾎﾟﾛｼﾁｭｳｵｳｸ\",\"" + kana +
         "\",\"北海道\",\"札幌市中央区\",\"" + town + "\",0,0,0,0,0,0\r\n";
}

TEST(KenAll, ShiftJisSampleFromTheRepository) {
  std::string bytes = sample_bytes();
  ASSERT_FALSE(bytes.empty());
  // The file really is Shift_JIS: 「北海道」 is 0x96 0x6B 0x8A 0x43 0x93 0xB9.
  EXPECT_NE(bytes.find("\x96\x6B\x8A\x43\x93\xB9"), std::string::npos);
  auto rs = parse_ken_all(bytes);
  ASSERT_EQ(rs.size(), 13u);  // 15 lines: 3 continuation lines make one record
  const auto* kita = by_code(rs, "0600001");
  ASSERT_NE(kita, nullptr);
  EXPECT_EQ(kita->prefecture, "北海道");
  EXPECT_EQ(kita->city, "札幌市中央区");
  EXPECT_EQ(kita->town, "北一条西");              // 「（１〜１９丁目）」 removed
  EXPECT_EQ(kita->town_kana, "キタ1ジョウニシ");  // half-width kana → full width
  EXPECT_EQ(by_code(rs, "0600042")->town, "大通西");
  EXPECT_EQ(by_code(rs, "0600000")->town, "");  // 以下に掲載がない場合
  EXPECT_EQ(by_code(rs, "0600000")->town_kana, "");
  EXPECT_EQ(by_code(rs, "1006001")->town, "霞が関霞が関ビル（１階）");  // a floor stays
}

TEST(KenAll, ContinuationLinesMergeIntoOneTown) {
  auto rs = parse_ken_all(sample_bytes());
  int kyowa = 0;
  for (const auto& r : rs) kyowa += r.code == "0660005";
  EXPECT_EQ(kyowa, 1);
  EXPECT_EQ(by_code(rs, "0660005")->town, "協和");
  EXPECT_EQ(by_code(rs, "0660005")->city, "千歳市");
  // A continuation line on its own would have been a town named 「３、４３１－１２…」.
  for (const auto& r : rs) EXPECT_EQ(r.town.find("４３１"), std::string::npos) << r.town;
}

TEST(KenAll, SeveralTownsAndPrefecturesShareACode) {
  auto rs = parse_ken_all(sample_bytes());
  std::vector<std::string> towns, prefs;
  for (const auto& r : rs) {
    if (r.code == "0691329") towns.push_back(r.town);
    if (r.code == "4980000") prefs.push_back(r.prefecture);
  }
  EXPECT_EQ(towns, (std::vector<std::string>{"木詰", "幌向原野", "２９区"}));
  EXPECT_EQ(prefs, (std::vector<std::string>{"愛知県", "三重県"}));
}

TEST(KenAll, Utf8VariantIsReadAsIs) {
  std::string utf8 = "\xEF\xBB\xBF" + row("0600001", "北一条西（１〜１９丁目）") +
                     row("0600042", "大通西（１〜１９丁目）");
  auto rs = parse_ken_all(utf8);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].town, "北一条西");
  EXPECT_EQ(rs[1].town, "大通西");
  // The same bytes converted to Shift_JIS give the same records.
  EXPECT_EQ(shift_jis_to_utf8("\x96\x6B\x8A\x43\x93\xB9"), "北海道");
}

TEST(KenAll, CleanTown) {
  EXPECT_EQ(clean_town("以下に掲載がない場合", "札幌市中央区"), "");
  EXPECT_EQ(clean_town("大通西（１〜１９丁目）", "札幌市中央区"), "大通西");
  EXPECT_EQ(clean_town("大手町（次のビルを除く）", "千代田区"), "大手町");
  EXPECT_EQ(clean_town("奥多摩町一円", "西多摩郡奥多摩町"), "");
  EXPECT_EQ(clean_town("一円", "犬上郡多賀町"), "一円");  // a town really named 一円
  EXPECT_EQ(clean_town("猿払村の次に番地がくる場合", "宗谷郡猿払村"), "");
  EXPECT_EQ(clean_town("霞が関ビル（地階・階層不明）", "千代田区"), "霞が関ビル（地階・階層不明）");
  EXPECT_EQ(clean_town("協和（８８－２、２７１－１０", "千歳市"), "協和");  // never closed
}

TEST(KenAll, DuplicatesAfterCleaningAreDropped) {
  auto rs =
      parse_ken_all(row("0600001", "北一条西（１丁目）") + row("0600001", "北一条西（２丁目）"));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].town, "北一条西");
}

TEST(KenAll, MalformedInputIsA400NamingTheLine) {
  auto line_of = [](const std::string& csv) -> std::string {
    try {
      parse_ken_all(csv);
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(line_of(row("0600001", "a") + "1,2,3\r\n").find("2行目"), std::string::npos);
  EXPECT_NE(line_of(row("06000", "a")).find("7桁"), std::string::npos);
  EXPECT_NE(line_of("01101,\"060\r\n").find("引用符"), std::string::npos);
  // Neither UTF-8 nor Shift_JIS (0x80 alone, 0xFF).
  EXPECT_NE(line_of("\x80\xFF\xFF").find("文字コード"), std::string::npos);
  EXPECT_TRUE(parse_ken_all("").empty());
}

}  // namespace
}  // namespace mg::postal
