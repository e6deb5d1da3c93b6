#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"
#include "conversation/normalize.h"
#include "conversation/question.h"

namespace mg::conversation::kinds {
namespace {

namespace addr {

Json candidate_json(const AddressCandidate& c) {
  return {{"prefecture", c.prefecture}, {"city", c.city}, {"town", c.town}};
}

// What the rest phase needs once the town is known: the prefix the resident types after.
Json known_town(const std::string& postal, const AddressCandidate& c) {
  Json j = candidate_json(c);
  j["postal_code"] = postal;
  j["prefix"] = c.full();
  return j;
}

// "〒060-0001 北1条西2丁目" → {"0600001", "北1条西2丁目"}; nullopt when the text does not start
// with a postal code.
std::optional<std::pair<std::string, std::string>> leading_postal(const std::string& text) {
  std::string t = unify_dashes(text);
  std::size_t at = t.rfind("〒", 0) == 0 ? std::string("〒").size() : 0;
  while (at < t.size() && t[at] == ' ') ++at;
  std::size_t end = at;
  while (end < t.size() && ((t[end] >= '0' && t[end] <= '9') || t[end] == '-')) ++end;
  std::string code = normalize_postal_code(t.substr(at, end - at));
  if (code.empty()) return std::nullopt;
  return std::make_pair(code, trim_spaces(t.substr(end)));
}

// The resident's words after a known town: they may repeat part of it (「札幌市中央区北一条西
// 2丁目」), which is not doubled. Words typed together with the code, before the resident saw
// the town (「〒060-0001 北1条西2丁目」), name the town their own way unless they start with
// a number: only the prefecture and city are added.
std::string complete(const Json& town, const std::string& rest, bool saw_town) {
  std::string pref = town.value("prefecture", ""), city = town.value("city", "");
  std::string prefix = town.value("prefix", "");
  if (!pref.empty() && rest.rfind(pref, 0) == 0) return rest;
  if (!city.empty() && rest.rfind(city, 0) == 0) return pref + rest;
  if (rest.rfind(prefix, 0) == 0) return rest;
  bool number_first = !rest.empty() && rest[0] >= '0' && rest[0] <= '9';
  return (saw_town || number_first ? prefix : pref + city) + rest;
}

bool names_city(const std::string& address) {
  std::string head = address.substr(0, address.find_first_of("0123456789"));
  for (const char* mark : {"市", "区", "郡"})
    if (head.find(mark) != std::string::npos) return true;
  return false;
}

Interpretation finish(const std::string& postal, const std::string& address) {
  Json value{{"postal_code", postal}, {"address", address}};
  return reply::answer(
      value, postal.empty() ? address : "〒" + format_postal_code(postal) + " " + address);
}

Interpretation unknown_code(const std::string& postal) {
  return reply::error(
      "〒" + format_postal_code(postal) +
      " の住所が見つかりませんでした。郵便番号を確かめて入力し直してください（わからない場"
      "合は「わからない」）。");
}

// A postal code given: one town → ask the rest (or finish when the rest is already known),
// several → let the resident choose, none → say so when the data is loaded.
Interpretation after_code(const std::string& postal, const std::string& rest, const Context& ctx) {
  std::vector<AddressCandidate> found;
  if (ctx.addresses) found = ctx.addresses->candidates(postal);
  if (found.empty()) {
    if (ctx.addresses && ctx.addresses->loaded()) return unknown_code(postal);
    return reply::pending("rest", Json{{"postal_code", postal}});
  }
  if (found.size() == 1) {
    Json town = known_town(postal, found[0]);
    if (!rest.empty()) return finish(postal, complete(town, rest, false));
    return reply::pending("rest", town);
  }
  Json list = Json::array();
  for (const auto& c : found) list.push_back(candidate_json(c));
  Json data{{"postal_code", postal}, {"candidates", list}};
  if (!rest.empty()) data["rest"] = rest;
  return reply::pending("town", data);
}

Interpretation choose_town(const SessionState& state, const Input& in) {
  if (in.type == Input::Type::choice && in.value == kNextPage) return reply::page(state.page + 1);
  if (in.type == Input::Type::choice && in.value == kPrevPage) return reply::page(state.page - 1);
  const Json& list = state.pending.value("candidates", Json::array());
  std::string postal = state.pending.value("postal_code", "");
  std::optional<std::size_t> chosen;
  if (in.type == Input::Type::choice && !in.value.empty() &&
      in.value.find_first_not_of("0123456789") == std::string::npos && in.value.size() < 6) {
    std::size_t i = std::stoul(in.value);
    if (i < list.size()) chosen = i;
  } else if (const auto* t = text_of(in)) {
    std::string said = normalize_text(*t);
    for (std::size_t i = 0; i < list.size() && !said.empty(); ++i) {
      std::string town = list[i].value("town", "");
      std::string city = list[i].value("city", "");
      if (said == town || said == city + town ||
          said == list[i].value("prefecture", "") + city + town)
        chosen = i;
    }
  }
  if (!chosen) return reply::error("候補の中から町名を選んでください。");
  const Json& c = list[*chosen];
  Json town =
      known_town(postal, {c.value("prefecture", ""), c.value("city", ""), c.value("town", "")});
  std::string rest = state.pending.value("rest", "");
  if (!rest.empty()) return finish(postal, complete(town, rest, false));
  return reply::pending("rest", town);
}

}  // namespace addr

Interpretation interpret_address(const Step& step, const SessionState& state, const Input& in,
                                 const Context& ctx) {
  bool asking_postal = step.ask_postal_code && state.phase.empty();
  if (asking_postal) {
    bool unknown = (in.type == Input::Type::choice && in.value == "__unknown__") ||
                   (in.type == Input::Type::text && normalize_text(in.text) == "わからない");
    if (unknown) return reply::pending("rest", Json::object());
    const auto* t = text_of(in);
    if (!t) return reply::error("郵便番号を入力してください。");
    std::string postal = normalize_postal_code(*t);
    if (!postal.empty()) return addr::after_code(postal, "", ctx);
    // 「〒060-0001 北1条西2丁目」 in one go.
    if (auto both = addr::leading_postal(normalize_text(*t)); both && !both->second.empty())
      return addr::after_code(both->first, both->second, ctx);
    return reply::error("郵便番号は7桁の数字で入力してください。例：123-4567");
  }
  if (state.phase == "town") return addr::choose_town(state, in);
  const auto* t = text_of(in);
  if (!t || normalize_text(*t).empty()) return reply::error("住所を入力してください。");
  std::string rest = normalize_text(*t);
  const Json& pending_data = state.pending.is_object() ? state.pending : Json::object();
  std::string postal = pending_data.value("postal_code", "");
  if (pending_data.contains("prefix"))
    return addr::finish(postal, addr::complete(pending_data, rest, true));
  // No town known yet: a leading postal code in the text completes it from the data.
  if (auto both = addr::leading_postal(rest)) {
    auto r = addr::after_code(both->first, both->second, ctx);
    if (r.kind != Interpretation::Kind::pending || both->second.empty()) return r;
    postal = both->first;
    rest = both->second;
    if (r.phase == "town") return r;
  }
  // Never stored without prefecture and city: the data could not complete it. A city (市, 区
  // or 郡 before the first number: 「魚津市釈迦堂1-10-1」) is enough to find the place;
  // 「北1条西2丁目」 is not.
  if (leading_prefecture(rest).empty() && !addr::names_city(rest))
    return reply::error("住所を都道府県から入力してください。例：東京都千代田区千代田1-1");
  return addr::finish(postal, rest);
}

class Address final : public QuestionKind {
 public:
  const char* name() const override { return "address"; }
  const char* staff_label() const override { return "住所の入力"; }
  // ask_postal_code is read with the common fields.
  void parse(const Json&, FieldReader&, Step&) const override {}
  void validate(const Step&, StepChecks&) const override {}

  void ask(const Step& step, const SessionState& state, const Context&, Prompt& p) const override {
    if (state.phase == "town") {
      // Several towns share the code: the resident picks theirs.
      const Json& list = state.pending.value("candidates", Json::array());
      bool prefectures_differ = false;
      for (const auto& c : list)
        prefectures_differ |= c.value("prefecture", "") != list[0].value("prefecture", "");
      std::vector<PromptChoice> all;
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::string town = list[i].value("town", "");
        std::string label = (prefectures_differ ? list[i].value("prefecture", "") : "") +
                            list[i].value("city", "") + (town.empty() ? "（上記以外）" : town);
        all.push_back(PromptChoice{std::to_string(i), label, std::nullopt});
      }
      p.text = "〒" + format_postal_code(state.pending.value("postal_code", "")) +
               " には複数の町名があります。お住まいの町名を選んでください。";
      p.hint.clear();
      p.format = "address_town";
      add_paged_choices(p, all, state.page, kChoicesPerPage);
    } else if (step.ask_postal_code && state.phase.empty()) {
      p.format = "postal_code";
      p.text += "\nまず郵便番号（7桁）を入力してください。";
      p.hint = "例：123-4567（わからない場合は「わからない」を押してください）";
      p.format = to_string(TextFormat::postal_code);
      p.choices.push_back(PromptChoice{"__unknown__", "わからない", std::nullopt});
    } else if (state.pending.is_object() && state.pending.contains("prefix")) {
      p.text = "〒" + format_postal_code(state.pending.value("postal_code", "")) + " " +
               state.pending.value("prefix", "") +
               " に続く番地・建物名・部屋番号を入力してください。";
      p.hint.clear();
      p.format = "address";
    } else {
      p.format = "address";
      p.text += "\n住所を都道府県から入力してください。";
      p.hint = "例：東京都千代田区千代田1-1 〇〇マンション101号室";
    }
    offer_skip(step, p);
  }

  Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                           const Context& ctx) const override {
    return interpret_address(step, state, in, ctx);
  }

  bool personal(const Step&) const override { return true; }
};

}  // namespace

const StepKindSpec& address() {
  static const Address kind;
  return kind;
}

}  // namespace mg::conversation::kinds
