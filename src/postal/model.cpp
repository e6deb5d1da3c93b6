#include "postal/model.h"

#include <memory>
#include <set>
#include <tuple>

#include "conversation/normalize.h"
#include "core/errors.h"
#include "core/text_encoding.h"

namespace mg::postal {

namespace {

constexpr std::string_view kOpen = "（", kClose = "）";
constexpr std::size_t kColumns = 15;
// KEN_ALL's columns (Japan Post's readme): 2 = 7-digit code, 5 = town kana, 6-8 = names.
constexpr std::size_t kCode = 2, kTownKana = 5, kPrefecture = 6, kCity = 7, kTown = 8;

std::size_t count(std::string_view s, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = s.find(needle); at != std::string_view::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

[[noreturn]] void bad_line(std::size_t line, const std::string& why) {
  throw ApiError::bad_request("郵便番号データの" + std::to_string(line) + "行目: " + why, "file");
}

// One CSV record per physical line (KEN_ALL never puts a newline inside quotes); quoted fields
// with doubled quotes, CRLF or LF.
std::vector<std::string> split_line(std::string_view line, std::size_t line_no) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c != '"')
        fields.back().push_back(c);
      else if (i + 1 < line.size() && line[i + 1] == '"')
        fields.back().push_back('"'), ++i;
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      if (fields.size() > kColumns) break;  // reported below; no need to keep splitting
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) bad_line(line_no, "引用符が閉じていません");
  return fields;
}

std::string clean_kana(std::string_view kana) {
  // Half-width kana (ｷﾀ1ｼﾞｮｳﾆｼ(1-19ﾁｮｳﾒ)) → full width; its notes use ASCII parentheses.
  std::string k = conversation::normalize_text(kana);
  if (auto at = k.find('('); at != std::string::npos) k.erase(at);
  if (k == "イカニケイサイガナイバアイ") k.clear();
  return k;
}

}  // namespace

// Japan Post writes CP932 (Shift_JIS); a file that is neither that nor UTF-8 is refused.
std::string shift_jis_to_utf8(std::string_view sjis) {
  auto out = cp932_to_utf8(sjis);
  if (!out)
    throw ApiError::bad_request("郵便番号データの文字コードを読み取れません（Shift_JIS か UTF-8）",
                                "file");
  return std::move(*out);
}

std::string clean_town(std::string_view town, std::string_view city) {
  if (town == "以下に掲載がない場合") return {};
  if (ends_with(town, "の次に番地がくる場合")) return {};
  // 「奥多摩町一円」 (city 西多摩郡奥多摩町): the whole town; a town named 「一円」 stays.
  if (ends_with(town, "一円") && town.size() > std::string_view("一円").size() &&
      ends_with(city, town.substr(0, town.size() - std::string_view("一円").size())))
    return {};
  auto open = town.find(kOpen);
  if (open == std::string_view::npos) return std::string(town);
  // A building's floor is part of the address the code stands for: keep 「（１階）」.
  std::string_view note = town.substr(open);
  if ((ends_with(note, "階）") || note == "（地階・階層不明）") && count(note, kOpen) == 1 &&
      count(note, kClose) == 1)
    return std::string(town);
  // Ranges, lists and exceptions (「（１〜１９丁目）」, 「（次のビルを除く）」) describe which
  // numbers the code covers; the resident types their own number next.
  return std::string(town.substr(0, open));
}

std::vector<PostalRecord> parse_ken_all(std::string_view csv) {
  std::string text;
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  text = is_utf8(csv) ? std::string(csv) : shift_jis_to_utf8(csv);

  std::vector<PostalRecord> out;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
  // A long town name is split over several lines of the same code; the first has an open
  // parenthesis that a later line closes. Raw town/kana are collected until then.
  std::vector<std::string> pending;
  std::string raw_town, raw_kana;
  auto flush = [&] {
    if (pending.empty()) return;
    PostalRecord r{pending[kCode], pending[kPrefecture], pending[kCity],
                   clean_town(raw_town, pending[kCity]), clean_kana(raw_kana)};
    // A kept floor note (「（１階）」) keeps its reading too.
    if (r.town.find(kOpen) != std::string::npos)
      r.town_kana = conversation::normalize_text(raw_kana);
    if (seen.emplace(r.code, r.prefecture, r.city, r.town).second) out.push_back(std::move(r));
    pending.clear();
  };

  std::size_t line_no = 0, start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto f = split_line(line, line_no);
    if (f.size() != kColumns) bad_line(line_no, "列の数が15ではありません");
    const std::string& code = f[kCode];
    if (code.size() != 7 || code.find_first_not_of("0123456789") != std::string::npos)
      bad_line(line_no, "郵便番号が7桁の数字ではありません");
    if (f[kPrefecture].empty() || f[kCity].empty())
      bad_line(line_no, "都道府県名・市区町村名がありません");

    bool continues = !pending.empty() && pending[kCode] == code && pending[kCity] == f[kCity] &&
                     count(raw_town, kOpen) > count(raw_town, kClose);
    if (continues) {
      raw_town += f[kTown];
      raw_kana += f[kTownKana];
      continue;
    }
    flush();
    pending = std::move(f);
    raw_town = pending[kTown];
    raw_kana = pending[kTownKana];
  }
  flush();
  return out;
}

}  // namespace mg::postal
