#include "conversation/interpret.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "conversation/date_parse.h"
#include "conversation/normalize.h"
#include "conversation/prompt.h"
#include "conversation/question.h"

namespace mg::conversation {
namespace {

Interpretation error(std::string message) {
  Interpretation i;
  i.kind = Interpretation::Kind::error;
  i.error = std::move(message);
  return i;
}

Interpretation answer(Json value, std::string display) {
  Interpretation i;
  i.kind = Interpretation::Kind::answer;
  i.answer = Answer{std::move(value), std::move(display)};
  return i;
}

Interpretation pending(std::string phase, Json data) {
  Interpretation i;
  i.kind = Interpretation::Kind::pending;
  i.phase = std::move(phase);
  i.pending = std::move(data);
  return i;
}

Interpretation page(int index) {
  Interpretation i;
  i.kind = Interpretation::Kind::page;
  i.page = std::max(0, index);
  return i;
}

bool is_skip(const Input& in) {
  if (in.type == Input::Type::choice) return in.value == kSkip;
  if (in.type != Input::Type::text) return false;
  std::string t = normalize_text(in.text);
  return t == "スキップ" || t == "すきっぷ" || t == "なし" || t == "skip" || t == "回答しない";
}

const std::string* text_of(const Input& in) {
  return in.type == Input::Type::text ? &in.text : nullptr;
}

// Typed text matched against a choice: value, label, button label or its 1-based number.
const ChoiceOption* match_choice(const Step& step, const std::string& typed) {
  std::string t = normalize_text(typed);
  if (t.empty()) return nullptr;
  for (const auto& c : step.choices) {
    if (t == normalize_text(c.value) || t == normalize_text(c.label) ||
        (!c.short_label.empty() && t == normalize_text(c.short_label)) ||
        t == normalize_text(button_label(c)))
      return &c;
  }
  int n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec == std::errc() && p == t.data() + t.size() && n >= 1 &&
      n <= static_cast<int>(step.choices.size()))
    return &step.choices[n - 1];
  return nullptr;
}

const ChoiceOption* find_value(const Step& step, const std::string& value) {
  for (const auto& c : step.choices)
    if (c.value == value) return &c;
  return nullptr;
}

Interpretation finish_selection(const Step& step, const std::vector<std::string>& values) {
  std::vector<std::string> unique;
  for (const auto& v : values) {
    if (!find_value(step, v))
      return error("選択肢にない項目が含まれています。選び直してください。");
    if (std::find(unique.begin(), unique.end(), v) == unique.end()) unique.push_back(v);
  }
  int n = static_cast<int>(unique.size());
  if (n < step.min_selections)
    return error(std::to_string(step.min_selections) + "つ以上選んでください。");
  if (step.max_selections > 0 && n > step.max_selections)
    return error(std::to_string(step.max_selections) + "つまで選べます。選び直してください。");
  std::string display;
  Json value = Json::array();
  // Keep definition order so summaries and CSV columns read the same for every resident.
  for (const auto& c : step.choices) {
    if (std::find(unique.begin(), unique.end(), c.value) == unique.end()) continue;
    value.push_back(c.value);
    display += (display.empty() ? "" : "、") + c.label;
  }
  return answer(value, display.empty() ? "（選択なし）" : display);
}

Interpretation interpret_choice(const Step& step, const SessionState& state, const Input& in) {
  if (in.type == Input::Type::choice && in.value == kNextPage) return page(state.page + 1);
  if (in.type == Input::Type::choice && in.value == kPrevPage) return page(state.page - 1);
  if (!step.multiple) {
    const ChoiceOption* c = nullptr;
    if (in.type == Input::Type::choice) c = find_value(step, in.value);
    if (const auto* t = text_of(in)) c = match_choice(step, *t);
    if (!c) return error("選択肢の中から選んでください。");
    return answer(c->value, c->label);
  }
  std::vector<std::string> selected;
  if (state.pending.is_object() && state.pending.contains("selected"))
    selected = state.pending["selected"].get<std::vector<std::string>>();
  if (in.type == Input::Type::choices) return finish_selection(step, in.values);
  if (in.type == Input::Type::choice) {
    if (in.value == kDoneSelecting) return finish_selection(step, selected);
    if (in.value == kClearSelection) return pending(state.phase, Json{{"selected", Json::array()}});
    if (!find_value(step, in.value)) return error("選択肢の中から選んでください。");
    // A tap toggles, so a mistaken tap can be undone by tapping again.
    auto it = std::find(selected.begin(), selected.end(), in.value);
    if (it == selected.end())
      selected.push_back(in.value);
    else
      selected.erase(it);
    return pending(state.phase, Json{{"selected", selected}});
  }
  if (const auto* t = text_of(in)) {
    std::string s = normalize_text(*t);
    if (s == "選択を終える" || s == "終わり" || s == "決定")
      return finish_selection(step, selected);
    if (s == "選び直す") return pending(state.phase, Json{{"selected", Json::array()}});
    for (const char* sep : {"、", "，", "・", "/", " "}) {
      for (size_t pos; (pos = s.find(sep)) != std::string::npos;)
        s.replace(pos, std::string(sep).size(), ",");
    }
    std::vector<std::string> values;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',') {
        std::string part = s.substr(start, i - start);
        start = i + 1;
        if (part.empty()) continue;
        const ChoiceOption* c = match_choice(step, part);
        if (!c) return error("「" + part + "」は選択肢にありません。選択肢から選んでください。");
        values.push_back(c->value);
      }
    }
    return finish_selection(step, values);
  }
  return error("選択肢の中から選んでください。");
}

Interpretation check_length(const Step& step, Json value, std::string display) {
  size_t n = char_count(display);
  if (step.min_length && n < static_cast<size_t>(*step.min_length))
    return error(std::to_string(*step.min_length) + "文字以上で入力してください。");
  if (step.max_length && n > static_cast<size_t>(*step.max_length))
    return error(std::to_string(*step.max_length) + "文字以内で入力してください。");
  return answer(std::move(value), std::move(display));
}

Interpretation interpret_text(const Step& step, const Input& in) {
  const auto* raw = text_of(in);
  if (!raw) return error("文字で入力してください。");
  std::string t = normalize_text(*raw);
  if (t.empty()) return error("入力してください。");
  switch (step.format) {
    case TextFormat::free:
      return check_length(step, t, t);
    case TextFormat::kana: {
      std::string k = to_katakana(t);
      if (!is_katakana(k)) return error("カタカナ（またはひらがな）で入力してください。");
      return check_length(step, k, k);
    }
    case TextFormat::email: {
      std::string e = normalize_email(t);
      if (e.empty()) return error("メールアドレスの形式が正しくありません。例：taro@example.jp");
      return answer(e, e);
    }
    case TextFormat::phone: {
      std::string p = normalize_phone(t);
      if (p.empty()) return error("電話番号は0から始まる10桁または11桁の数字で入力してください。");
      return answer(p, p);
    }
    case TextFormat::postal_code: {
      std::string p = normalize_postal_code(t);
      if (p.empty()) return error("郵便番号は7桁の数字で入力してください。例：123-4567");
      return answer(p, format_postal_code(p));
    }
    case TextFormat::number: {
      std::string digits;
      for (char c : t)
        if (c != ',') digits += c;
      double v = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || p != digits.data() + digits.size() || !std::isfinite(v))
        return error("数字で入力してください。");
      // Limits print as integers; casting one beyond ±1e15 (staff may write 1e300) is undefined.
      auto limit = [](double l) {
        return std::fabs(l) < 1e15 ? std::to_string(static_cast<long long>(l)) : std::to_string(l);
      };
      if (step.min && v < *step.min)
        return error(limit(*step.min) + "以上の数を入力してください。");
      if (step.max && v > *step.max)
        return error(limit(*step.max) + "以下の数を入力してください。");
      if (v == std::floor(v) && std::fabs(v) < 1e15)
        return answer(static_cast<int64_t>(v), std::to_string(static_cast<int64_t>(v)));
      return answer(v, digits);
    }
  }
  return error("入力を確認してください。");
}

Interpretation interpret_date(const Step& step, const Input& in, const Context& ctx) {
  std::optional<Date> d;
  if (in.type == Input::Type::date)
    d = parse_iso_date(in.date);
  else if (const auto* t = text_of(in))
    d = parse_date(*t);
  else
    return error("日付を入力してください。" + date_examples(ctx.today));
  if (!d)
    return error("日付を読み取れませんでした。存在する日付を入力してください。" +
                 date_examples(ctx.today));
  Date today = parse_iso_date(ctx.today).value_or(*d);
  if (!step.min_date.empty())
    if (auto min = resolve_date(step.min_date, today); min && *d < *min)
      return error(to_wareki(*min) + "以降の日付を入力してください。");
  if (!step.max_date.empty())
    if (auto max = resolve_date(step.max_date, today); max && *d > *max)
      return error(to_wareki(*max) + "以前の日付を入力してください。");
  return answer(to_iso(*d), to_wareki(*d));
}

namespace address {

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
  return answer(value,
                postal.empty() ? address : "〒" + format_postal_code(postal) + " " + address);
}

Interpretation unknown_code(const std::string& postal) {
  return error("〒" + format_postal_code(postal) +
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
    return pending("rest", Json{{"postal_code", postal}});
  }
  if (found.size() == 1) {
    Json town = known_town(postal, found[0]);
    if (!rest.empty()) return finish(postal, complete(town, rest, false));
    return pending("rest", town);
  }
  Json list = Json::array();
  for (const auto& c : found) list.push_back(candidate_json(c));
  Json data{{"postal_code", postal}, {"candidates", list}};
  if (!rest.empty()) data["rest"] = rest;
  return pending("town", data);
}

Interpretation choose_town(const SessionState& state, const Input& in) {
  if (in.type == Input::Type::choice && in.value == kNextPage) return page(state.page + 1);
  if (in.type == Input::Type::choice && in.value == kPrevPage) return page(state.page - 1);
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
  if (!chosen) return error("候補の中から町名を選んでください。");
  const Json& c = list[*chosen];
  Json town =
      known_town(postal, {c.value("prefecture", ""), c.value("city", ""), c.value("town", "")});
  std::string rest = state.pending.value("rest", "");
  if (!rest.empty()) return finish(postal, complete(town, rest, false));
  return pending("rest", town);
}

}  // namespace address

Interpretation interpret_address(const Step& step, const SessionState& state, const Input& in,
                                 const Context& ctx) {
  bool asking_postal = step.ask_postal_code && state.phase.empty();
  if (asking_postal) {
    bool unknown = (in.type == Input::Type::choice && in.value == "__unknown__") ||
                   (in.type == Input::Type::text && normalize_text(in.text) == "わからない");
    if (unknown) return pending("rest", Json::object());
    const auto* t = text_of(in);
    if (!t) return error("郵便番号を入力してください。");
    std::string postal = normalize_postal_code(*t);
    if (!postal.empty()) return address::after_code(postal, "", ctx);
    // 「〒060-0001 北1条西2丁目」 in one go.
    if (auto both = address::leading_postal(normalize_text(*t)); both && !both->second.empty())
      return address::after_code(both->first, both->second, ctx);
    return error("郵便番号は7桁の数字で入力してください。例：123-4567");
  }
  if (state.phase == "town") return address::choose_town(state, in);
  const auto* t = text_of(in);
  if (!t || normalize_text(*t).empty()) return error("住所を入力してください。");
  std::string rest = normalize_text(*t);
  const Json& pending_data = state.pending.is_object() ? state.pending : Json::object();
  std::string postal = pending_data.value("postal_code", "");
  if (pending_data.contains("prefix"))
    return address::finish(postal, address::complete(pending_data, rest, true));
  // No town known yet: a leading postal code in the text completes it from the data.
  if (auto both = address::leading_postal(rest)) {
    auto r = address::after_code(both->first, both->second, ctx);
    if (r.kind != Interpretation::Kind::pending || both->second.empty()) return r;
    postal = both->first;
    rest = both->second;
    if (r.phase == "town") return r;
  }
  // Never stored without prefecture and city: the data could not complete it. A city (市, 区
  // or 郡 before the first number: 「魚津市釈迦堂1-10-1」) is enough to find the place;
  // 「北1条西2丁目」 is not.
  if (leading_prefecture(rest).empty() && !address::names_city(rest))
    return error("住所を都道府県から入力してください。例：東京都千代田区千代田1-1");
  return address::finish(postal, rest);
}

Interpretation interpret_photo(const Step& step, const Input& in) {
  if (in.type != Input::Type::photo) return error("写真を送ってください。");
  if (!in.content_type.empty() &&
      std::find(step.types.begin(), step.types.end(), in.content_type) == step.types.end())
    return error("この形式の画像は受け付けられません。JPEGまたはPNGの写真を送ってください。");
  if (in.size > step.max_bytes)
    return error("写真のサイズが大きすぎます（" + std::to_string(step.max_bytes / (1024 * 1024)) +
                 "MBまで）。");
  Json v{{"attachment_id", in.attachment_id}};
  if (!in.content_type.empty()) v["content_type"] = in.content_type;
  return answer(v, "写真（添付あり）");
}

Interpretation interpret_location(const Input& in) {
  if (in.type == Input::Type::location) {
    Json v{{"lat", in.lat}, {"lng", in.lng}};
    std::string addr = normalize_text(in.address);
    if (!addr.empty()) v["address"] = addr;
    char buf[64];
    std::snprintf(buf, sizeof buf, "緯度%.5f, 経度%.5f", in.lat, in.lng);
    return answer(v, addr.empty() ? std::string(buf) : addr);
  }
  if (const auto* t = text_of(in); t && !normalize_text(*t).empty()) {
    std::string addr = normalize_text(*t);
    return answer(Json{{"address", addr}}, addr);
  }
  return error("場所を送るか、住所・目印を文字で入力してください。");
}

Interpretation interpret_rating(const Input& in) {
  std::string v = in.type == Input::Type::choice ? in.value
                  : in.type == Input::Type::text ? normalize_text(in.text)
                                                 : "";
  if (v.size() >= 1 && v[0] >= '1' && v[0] <= '5' && (v.size() == 1 || v[1] == ' '))
    return answer(v[0] - '0', std::string(1, v[0]));
  return error("1から5の数字で選んでください（5がいちばん満足）。");
}

}  // namespace

Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                         const Context& ctx) {
  bool skippable = step.optional || step.kind == StepKind::rating;
  if (skippable && is_skip(in)) return answer(Json(), "（未回答）");
  switch (step.kind) {
    case StepKind::choice:
      return interpret_choice(step, state, in);
    case StepKind::text:
      return interpret_text(step, in);
    case StepKind::date:
      return interpret_date(step, in, ctx);
    case StepKind::address:
      return interpret_address(step, state, in, ctx);
    case StepKind::photo:
      return interpret_photo(step, in);
    case StepKind::location:
      return interpret_location(in);
    case StepKind::rating:
      return interpret_rating(in);
    default:
      return error("この手順では入力を受け付けていません。");
  }
}

}  // namespace mg::conversation
