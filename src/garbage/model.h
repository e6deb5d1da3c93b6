#pragma once
// A municipality's garbage collection calendar and sorting dictionary, as the "5374" open
// format describes them (Code for Kanazawa; ../shared/data/README.md): districts (地名) with
// collection days per category, centre closures, remarks, and which category each item is.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace mg::garbage {

using Date = std::chrono::year_month_day;

// One day form of an area_days.csv cell.
struct DayRule {
  enum class Kind {
    weekly,    // 月: every Monday
    nth,       // 月1: the first Monday of each month
    date,      // 20140301: that date only
    biweekly,  // 隔月20150112: every other Monday counting from that date
  };
  Kind kind = Kind::weekly;
  std::chrono::weekday weekday{};
  unsigned nth = 0;  // 1..5 for Kind::nth
  Date date{};       // Kind::date, and the first day of Kind::biweekly
};

// A category's collection days in one district.
struct Collection {
  std::vector<DayRule> days;
  std::vector<unsigned> months;  // empty: every month; else only these (after ':')
  std::vector<int> remarks;      // remarks.csv ids marked with *N
};

struct Category {
  std::string label;  // e.g. 燃やせるごみ
  std::string sublabel, description, color;
};

struct Area {
  std::string name;                     // 地名
  std::string center;                   // centre whose closures move collection, or empty
  std::vector<Collection> collections;  // parallel to GarbageCalendar::categories
};

// A centre's closure: collection days in [from, to] move a week later.
struct Closure {
  std::string center;
  Date from{}, to{};
};

struct Remark {
  int id = 0;
  std::string text;
};

// One entry of the sorting dictionary (分別辞典).
struct Item {
  std::string category;  // label
  std::string name, notice, furigana;
};

struct GarbageCalendar {
  std::vector<Category> categories;
  std::vector<Area> areas;
  std::vector<Closure> closures;
  std::vector<Remark> remarks;
  std::vector<Item> items;

  const Area* area(const std::string& name) const;
};

// A cell staff must fix: file, 1-based row (the header is row 1, as Excel numbers it) and
// column, in Japanese.
struct Problem {
  std::string file;
  std::size_t row = 0, column = 0;
  std::string message;
};

}  // namespace mg::garbage
