#include "garbage/format_5374.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "garbage/icalendar.h"
#include "garbage/schedule.h"
#include "garbage/service.h"

namespace mg::garbage {
namespace {

namespace chr = std::chrono;

Date ymd(int y, unsigned m, unsigned d) { return Date{chr::year{y}, chr::month{m}, chr::day{d}}; }

Collection cell(const std::string& s) {
  std::string error;
  auto c = parse_cell(s, error);
  EXPECT_TRUE(c.has_value()) << s << ": " << error;
  return c.value_or(Collection{});
}

std::string cell_error(const std::string& s) {
  std::string error;
  auto c = parse_cell(s, error);
  EXPECT_FALSE(c.has_value()) << s;
  return error;
}

std::string data_dir(const std::string& town) {
  return std::string(MG_SOURCE_DIR) + "/tests/data/5374/" + town;
}

TEST(Cell, WeeklyAndNthWeekday) {
  auto c = cell("月 木");
  EXPECT_TRUE(falls_on(c, ymd(2026, 11, 30)));  // Monday
  EXPECT_TRUE(falls_on(c, ymd(2026, 12, 3)));   // Thursday
  EXPECT_FALSE(falls_on(c, ymd(2026, 12, 1)));  // Tuesday
  auto n = cell("水2 水4");
  EXPECT_FALSE(falls_on(n, ymd(2026, 12, 2)));   // 1st Wednesday
  EXPECT_TRUE(falls_on(n, ymd(2026, 12, 9)));    // 2nd
  EXPECT_FALSE(falls_on(n, ymd(2026, 12, 16)));  // 3rd
  EXPECT_TRUE(falls_on(n, ymd(2026, 12, 23)));   // 4th
  EXPECT_FALSE(falls_on(n, ymd(2026, 12, 30)));  // 5th
  EXPECT_EQ(format_cell(n), "水2 水4");
}

TEST(Cell, MonthsAfterColonApplyToTheWholeCell) {
  auto c = cell("火2 金4:4 6 8 10 12 2");
  EXPECT_TRUE(falls_on(c, ymd(2026, 12, 8)));    // 2nd Tuesday of December
  EXPECT_TRUE(falls_on(c, ymd(2026, 12, 25)));   // 4th Friday of December
  EXPECT_FALSE(falls_on(c, ymd(2026, 11, 10)));  // 2nd Tuesday, but November
  EXPECT_EQ(format_cell(c), "火2 金4:4 6 8 10 12 2");
}

TEST(Cell, ExplicitDatesAndRemarks) {
  auto c = cell("20260301 20260325*1");
  EXPECT_TRUE(falls_on(c, ymd(2026, 3, 1)));
  EXPECT_TRUE(falls_on(c, ymd(2026, 3, 25)));
  EXPECT_FALSE(falls_on(c, ymd(2026, 3, 2)));
  ASSERT_EQ(c.remarks.size(), 1u);
  EXPECT_EQ(c.remarks[0], 1);
  EXPECT_EQ(cell("木*2").days.size(), 1u);
}

TEST(Cell, BiweeklyCountsFromItsStartDate) {
  auto c = cell("隔月20260105");                 // Monday 2026-01-05
  EXPECT_FALSE(falls_on(c, ymd(2025, 12, 22)));  // before the start
  EXPECT_TRUE(falls_on(c, ymd(2026, 1, 5)));
  EXPECT_FALSE(falls_on(c, ymd(2026, 1, 12)));
  EXPECT_TRUE(falls_on(c, ymd(2026, 1, 19)));
  EXPECT_TRUE(falls_on(c, ymd(2026, 12, 21)));  // 50 weeks later
  EXPECT_FALSE(falls_on(c, ymd(2026, 12, 28)));
  EXPECT_EQ(format_cell(c), "隔月20260105");
  EXPECT_NE(cell_error("隔火20260105").find("火曜日ではありません"), std::string::npos);
}

TEST(Cell, FullWidthDigitsAndSpacesAreAccepted) {
  auto c = cell("水２　水４");
  EXPECT_TRUE(falls_on(c, ymd(2026, 12, 9)));
  EXPECT_TRUE(falls_on(c, ymd(2026, 12, 23)));
}

TEST(Cell, EmptyCellMeansNoCollection) {
  auto c = cell("");
  EXPECT_TRUE(c.days.empty());
  EXPECT_FALSE(falls_on(c, ymd(2026, 12, 9)));
}

TEST(Cell, BadCellsSayWhy) {
  EXPECT_NE(cell_error("水6").find("1〜5"), std::string::npos);
  EXPECT_NE(cell_error("20260231").find("日付"), std::string::npos);
  EXPECT_NE(cell_error("毎週").find("どれでもありません"), std::string::npos);
  EXPECT_NE(cell_error("月:13").find("1〜12"), std::string::npos);
  EXPECT_NE(cell_error("月:").find("月"), std::string::npos);
  EXPECT_FALSE(cell_error("隔月2026010").empty());
}

TEST(Read, ReportsEveryBadCellWithRowAndColumnAndKeepsTheRest) {
  std::map<std::string, std::string> files = {
      {"area_days.csv",
       "地名,センター,燃やせるごみ,資源ごみ\n北町,,月 木,水2\n南町,,火 "
       "金,水9\n東町,,月7,\n北町,,月,月\n"}};
  auto r = read_5374(files);
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].row, 3u);
  EXPECT_EQ(r.problems[0].column, 4u);
  EXPECT_EQ(r.problems[1].row, 4u);
  EXPECT_EQ(r.problems[1].column, 3u);
  EXPECT_EQ(r.problems[2].row, 5u);  // the second 北町
  EXPECT_EQ(r.problems[2].column, 1u);
  ASSERT_EQ(r.calendar.areas.size(), 3u);
  EXPECT_EQ(r.calendar.categories.size(), 2u);
  // 南町 keeps its good cell; the bad one is left empty.
  const auto* south = r.calendar.area("南町");
  ASSERT_NE(south, nullptr);
  EXPECT_TRUE(falls_on(south->collections[0], ymd(2026, 12, 1)));
  EXPECT_TRUE(south->collections[1].days.empty());
}

TEST(Read, HeaderMustNameDistrictAndCentre) {
  auto r = read_5374({{"area_days.csv", "name,center,a\nx,,月\n"}});
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0].row, 1u);
  EXPECT_TRUE(r.calendar.areas.empty());
  EXPECT_FALSE(read_5374({}).problems.empty());
}

TEST(Read, UnknownRemarkAndBadClosureAreReported) {
  auto r =
      read_5374({{"area_days.csv", "地名,センター,燃やせるごみ\n北町,A,月*3\n"},
                 {"remarks.csv", "ID,注意事項\n1,朝8時までに\n"},
                 {"center.csv",
                  "名称,休止開始日,休止終了日\nA,2026/12/31,2026/12/30\nA,2026/2/30,2026/3/1\n"}});
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].file, "center.csv");
  EXPECT_EQ(r.problems[0].row, 2u);
  EXPECT_EQ(r.problems[1].row, 3u);
  EXPECT_EQ(r.problems[1].column, 2u);
  EXPECT_EQ(r.problems[2].file, "remarks.csv");
}

TEST(Read, UnreadableEncodingIsReported) {
  auto r = read_5374({{"area_days.csv", std::string("\xff\xfe\x00\x00", 4)}});
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].message.find("文字コード"), std::string::npos);
}

TEST(Schedule, ClosureMovesCollectionAWeekLater) {
  auto r = read_5374(
      {{"area_days.csv", "地名,センター,燃やせるごみ,資源ごみ\n北町,東C,月,水\n南町,,月,水\n"},
       {"center.csv", "名称,休止開始日,休止終了日\n東C,2026/12/28,2027/1/3\n"}});
  ASSERT_TRUE(r.problems.empty()) << describe(r.problems[0]);
  const auto& cal = r.calendar;
  const auto& north = *cal.area("北町");
  const auto& south = *cal.area("南町");
  EXPECT_TRUE(collected_on(cal, north, ymd(2026, 12, 28)).empty());  // closed
  EXPECT_TRUE(collected_on(cal, north, ymd(2026, 12, 30)).empty());
  EXPECT_EQ(collected_on(cal, north, ymd(2027, 1, 4)), std::vector<std::string>{"燃やせるごみ"});
  // Wednesday 12/30 moved to 1/6, which is a Wednesday collection anyway: listed once.
  EXPECT_EQ(collected_on(cal, north, ymd(2027, 1, 6)), std::vector<std::string>{"資源ごみ"});
  // 南町 has no centre: nothing moves.
  EXPECT_EQ(collected_on(cal, south, ymd(2026, 12, 28)), std::vector<std::string>{"燃やせるごみ"});
}

std::map<std::string, std::string> real(const std::string& town) {
  return read_directory(data_dir(town));
}

TEST(RealData, KamisunagawaReadsWithoutProblems) {
  auto r = read_5374(real("kamisunagawa"));
  for (const auto& p : r.problems) ADD_FAILURE() << describe(p);
  EXPECT_EQ(r.calendar.areas.size(), 10u);
  EXPECT_EQ(r.calendar.categories.size(), 7u);
  EXPECT_EQ(r.calendar.categories[0].label, "燃やせるごみ");
  EXPECT_EQ(r.calendar.categories[0].color, "#ea3b13");
  EXPECT_EQ(r.calendar.items.size(), 65u);
  ASSERT_EQ(r.calendar.remarks.size(), 1u);
  // 緑が丘: 燃やせるごみ on Mondays and Thursdays, 資源ごみ on the 1st and 3rd Wednesdays.
  const auto& a = *r.calendar.area("緑が丘");
  auto on = collected_on(r.calendar, a, ymd(2026, 12, 2));  // 1st Wednesday
  EXPECT_NE(std::find(on.begin(), on.end(), "資源ごみ"), on.end());
}

TEST(RealData, KameokaShiftJisDictionaryAndClosure) {
  auto r = read_5374(real("kameoka"));
  // The city's own file has one entry without a category (a 粗大ごみ item whose notice spans
  // several lines, so its record starts on physical line 1253).
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(describe(r.problems[0]), "target.csv 1253 行目 1 列目: 分別の種類が空です");
  EXPECT_EQ(r.calendar.areas.size(), 25u);
  EXPECT_EQ(r.calendar.categories.size(), 8u);
  ASSERT_EQ(r.calendar.closures.size(), 1u);
  EXPECT_EQ(r.calendar.closures[0].from, ymd(2023, 12, 31));
  EXPECT_GT(r.calendar.items.size(), 1700u);
  bool found = false;
  for (const auto& it : r.calendar.items)
    if (it.notice.find("小型家電") != std::string::npos) found = true;
  EXPECT_TRUE(found) << "Shift_JIS notices decoded";
}

TEST(ICalendar, AllDayEventsFoldedAndEscaped) {
  auto r = read_5374({{"area_days.csv", "地名,センター,燃やせるごみ,びん,かん\n北町,,月,月,水\n"}});
  ASSERT_TRUE(r.problems.empty());
  auto ics = icalendar(r.calendar, r.calendar.areas[0], ymd(2026, 11, 30), ymd(2026, 12, 6),
                       "デモ町 北町 ごみ収集日, テスト; "
                       "とても長い名前のカレンダーです。とても長い名前のカレンダーです。",
                       "demo.madoguchi", "20261130T000000Z");
  EXPECT_EQ(ics.substr(0, 17), "BEGIN:VCALENDAR\r\n");
  EXPECT_NE(ics.find("DTSTART;VALUE=DATE:20261130\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTEND;VALUE=DATE:20261201\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SUMMARY:燃やせるごみ・びん\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;VALUE=DATE:20261202\r\n"), std::string::npos);
  EXPECT_EQ(ics.find("DTSTART;VALUE=DATE:20261201"), std::string::npos);  // Tuesday: nothing
  EXPECT_NE(ics.find("ごみ収集日\\, テスト\\;"), std::string::npos);
  // Every physical line is at most 75 octets and folding never splits a UTF-8 character.
  std::size_t start = 0;
  while (start < ics.size()) {
    auto end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    if (end > start && ics[start] == ' ') {
      EXPECT_NE(static_cast<unsigned char>(ics[start + 1]) & 0xC0, 0x80);
    }
    start = end + 2;
  }
}

}  // namespace
}  // namespace mg::garbage
