// People's names in a resident's question, masked before a generative answer (see
// faq/personal_mask.h). MeCab's part of speech finds them: IPADIC files known given and family
// names as 名詞,固有名詞,人名 and さん/様/君/ちゃん/殿/氏 as 名詞,接尾,人名, so an unknown name
// is still caught by the honorific after it.
#include <set>
#include <string>
#include <vector>

#include "faq/personal_mask.h"
#include "faq/text.h"

namespace mg::faq {

namespace {

constexpr const char* kNamePlaceholder = "[氏名]";

// Nouns before an honorific that name a role or a relation, not a person (お客さん, 担当者様).
const std::set<std::string>& roles() {
  static const std::set<std::string> s = {
      "皆",     "みな",   "みんな", "客",       "お客",   "奥",     "子",   "お子",     "子ども",
      "子供",   "父",     "母",     "お父",     "お母",   "兄",     "姉",   "お兄",     "お姉",
      "担当",   "担当者", "職員",   "係",       "係員",   "市長",   "町長", "村長",     "区長",
      "知事",   "先生",   "医師",   "お医者",   "店員",   "駅員",   "大家", "家主",     "管理人",
      "業者",   "運転手", "隣",     "お隣",     "近所",   "ご近所", "方",   "相手",     "利用者",
      "申請者", "本人",   "ご本人", "家族",     "ご家族", "保護者", "会長", "自治会長", "社長",
      "部長",   "課長",   "委員",   "民生委員", "住民",   "市民",   "町民", "村民",     "区民",
      "世帯主", "名義人", "氏名",   "神",       "仏",     "お客様", "皆様"};
  return s;
}

// Byte ranges the pattern masker already replaced: never looked at again.
std::vector<std::pair<std::size_t, std::size_t>> placeholders(const std::string& s) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const char* p :
       {"[メール]", "[電話番号]", "[郵便番号]", "[個人番号]", "[住所]", kNamePlaceholder}) {
    std::string ph(p);
    for (std::size_t at = s.find(ph); at != std::string::npos; at = s.find(ph, at + ph.size()))
      out.push_back({at, at + ph.size()});
  }
  return out;
}

struct Located {
  Morpheme m;
  std::size_t at = 0, end = 0;  // bytes in the text
  bool protected_ = false;      // inside a placeholder
};

bool is_honorific(const Morpheme& m) {
  return m.pos == "名詞" && m.pos1 == "接尾" && m.pos2 == "人名";
}
bool is_person_name(const Morpheme& m) {
  return m.pos == "名詞" && m.pos1 == "固有名詞" && m.pos2 == "人名";
}
// A noun that can be part of a name before an honorific (山田, 花子, ジョン, 未知語).
bool name_like(const Morpheme& m) {
  if (m.pos == "未知語") return true;
  if (m.pos != "名詞") return false;
  return m.pos1 != "代名詞" && m.pos1 != "非自立" && m.pos1 != "数" && m.pos1 != "接尾" &&
         m.pos1 != "副詞可能" && m.pos1 != "サ変接続";
}

bool only_spaces(const std::string& s, std::size_t from, std::size_t to) {
  while (from < to) {
    if (s[from] == ' ')
      ++from;
    else if (s.compare(from, 3, "\xE3\x80\x80") == 0)  // U+3000
      from += 3;
    else
      return false;
  }
  return true;
}

}  // namespace

std::string mask_personal(std::string_view text, const Analyzer& analyzer) {
  std::string s = mask_personal(text);
  auto done = placeholders(s);
  std::vector<Located> ms;
  std::size_t pos = 0;
  for (auto& m : analyzer.morphemes(s)) {
    if (m.surface.empty()) continue;
    std::size_t at = s.find(m.surface, pos);
    if (at == std::string::npos) break;  // MeCab only drops spaces: not expected
    Located l{std::move(m), at, at, false};
    l.end = at + l.m.surface.size();
    for (const auto& [a, b] : done) l.protected_ = l.protected_ || (l.at < b && a < l.end);
    pos = l.end;
    ms.push_back(std::move(l));
  }
  std::vector<bool> masked(ms.size(), false);
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].protected_) continue;
    if (is_person_name(ms[i].m)) masked[i] = true;
    if (!is_honorific(ms[i].m) || i == 0) continue;
    // The nouns right before the honorific (no space between), unless they name a role.
    std::size_t j = i;
    while (j > 0 && !ms[j - 1].protected_ && name_like(ms[j - 1].m) && ms[j - 1].end == ms[j].at)
      --j;
    if (j == i) continue;
    std::string run = s.substr(ms[j].at, ms[i - 1].end - ms[j].at);
    std::string with_prefix = run;
    if (j > 0 && ms[j - 1].m.pos == "接頭詞") with_prefix = ms[j - 1].m.surface + run;
    if (roles().count(run) || roles().count(with_prefix)) continue;
    for (std::size_t k = j; k < i; ++k) masked[k] = true;
  }
  std::string out;
  out.reserve(s.size());
  std::size_t copied = 0;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (!masked[i]) continue;
    // A run of name words (姓 + 名, spaces between) is one placeholder.
    bool joined = i > 0 && masked[i - 1] && only_spaces(s, ms[i - 1].end, ms[i].at);
    if (!joined) {
      out.append(s, copied, ms[i].at - copied);
      out += kNamePlaceholder;
    }
    copied = ms[i].end;
  }
  out.append(s, copied, std::string::npos);
  return out;
}

}  // namespace mg::faq
