#include "channels/line/faq_reply.h"

#include "channels/line/postback_data.h"
#include "channels/line/receiving_settings.h"
#include "channels/line/renderer.h"
#include "residents/store.h"

#include <algorithm>
#include <set>

namespace mg::line {

namespace {

Json command(const std::string& label, const std::string& value) {
  return quick_reply_item(
      postback_action(label, encode_postback({Postback::Kind::command, value})));
}

Json answer_messages(const faq::Reply& r) {
  const auto& e = r.entries.at(0);
  std::string text = e.answer;
  if (!e.url.empty()) text += "\n\n詳しくは：" + e.url;
  if (!e.department.empty()) text += "\nお問い合わせ：" + e.department;
  Json ms = text_messages(text);
  Json ask = {{"type", "text"}, {"text", "解決しましたか？"}};
  std::string ref = std::to_string(r.question_id) + ":" + r.token;
  ask["quickReply"] = {{"items", Json::array({command("はい", "faq.yes:" + ref),
                                              command("いいえ", "faq.no:" + ref)})}};
  ms.push_back(ask);
  return ms;
}

std::string resident_area(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  if (!resident_id) return "";
  for (const auto& v : residents::values_of(tx, tenant_id, resident_id))
    if (v.key == kGarbageAreaAttribute && v.text) return *v.text;
  return "";
}

// One item's answer: category, how to put it out, the next collection day in the district.
std::string garbage_text(const faq::Reply& r) {
  std::string text;
  for (const auto& m : r.garbage) {
    if (!text.empty()) text += "\n\n";
    text += "「" + m.item->name + "」は【" + m.item->category + "】です。";
    if (!m.item->notice.empty()) text += "\n出し方：" + m.item->notice;
    if (m.next) text += "\n" + r.area + "の次の収集日：" + faq::japanese_day(*m.next);
  }
  return text;
}

Json garbage_messages(const faq::Reply& r) {
  std::set<std::string> names;
  for (const auto& m : r.garbage) names.insert(m.item->name);
  std::string ref = std::to_string(r.question_id) + ":" + r.token;
  if (names.size() > 1) {
    // Choices: LINE shows 13 quick replies at most, one is 「どれでもない」.
    Json items = Json::array();
    for (const auto& m : r.garbage) {
      std::string data = "faq.g:" + m.item->name;
      if (items.size() >= 12 || data.size() > 200) continue;
      if (std::any_of(items.begin(), items.end(), [&](const Json& i) {
            return i["action"]["data"].get<std::string>().find(data) != std::string::npos;
          }))
        continue;
      items.push_back(command(m.item->name, data));
    }
    items.push_back(command("どれでもない", "faq.none:" + ref));
    Json m = {{"type", "text"}, {"text", "どれのことですか？"}};
    m["quickReply"] = {{"items", items}};
    return Json::array({m});
  }
  Json ms = text_messages(garbage_text(r));
  Json items = Json::array({command("はい", "faq.yes:" + ref), command("いいえ", "faq.no:" + ref)});
  std::string ask = "解決しましたか？";
  if (r.area.empty() && !r.areas.empty()) {
    // Without the district there is no date: offer to set it where reminders are set.
    ask =
        "収集日は地区ごとに違います。「受信設定」でごみ収集地区を登録すると、次の収集日もお答え"
        "します。\n解決しましたか？";
    items.push_back(command("受信設定", kReceivingSettingsCommand));
  }
  Json m = {{"type", "text"}, {"text", ask}};
  m["quickReply"] = {{"items", items}};
  ms.push_back(m);
  return ms;
}

// "faq.yes:12:token" → (12, token)
std::optional<std::pair<int64_t, std::string>> reference(const std::string& rest) {
  auto colon = rest.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18) return std::nullopt;
  std::string id = rest.substr(0, colon);
  if (id.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::pair{std::stoll(id), rest.substr(colon + 1)};
}

}  // namespace

bool is_faq_command(const std::string& c) { return c.rfind("faq.", 0) == 0; }

std::optional<Json> faq_messages(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                                 int64_t resident_id, const std::string& text, faq::Reply* asked) {
  if (faq::normalize(text, faq::kMaxAskChars).empty()) return std::nullopt;
  auto r = faq.ask(tx, tenant_id, text, "line", resident_area(tx, tenant_id, resident_id));
  if (asked) *asked = r;
  switch (r.outcome) {
    case faq::Outcome::garbage:
      return garbage_messages(r);
    case faq::Outcome::answered:
      return answer_messages(r);
    case faq::Outcome::candidates: {
      Json items = Json::array();
      for (const auto& e : r.entries)
        items.push_back(command(e.question, "faq.pick:" + std::to_string(e.id)));
      items.push_back(
          command("どれでもない", "faq.none:" + std::to_string(r.question_id) + ":" + r.token));
      Json m = {{"type", "text"}, {"text", "もしかして、次のどれかですか？"}};
      m["quickReply"] = {{"items", items}};
      return Json::array({m});
    }
    case faq::Outcome::unanswered:
      return std::nullopt;
  }
  return std::nullopt;
}

Json faq_command_messages(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                          int64_t resident_id, const std::string& c) {
  // The rich menu's よくある質問 area: the next text the resident sends is asked of the FAQ.
  if (c == "faq.start")
    return text_messages(
        "よくある質問にお答えします。知りたいことを短い文で送ってください。\n"
        "（例：粗大ごみの出し方、住民票の取り方）");
  if (c.rfind("faq.g:", 0) == 0) {
    auto r = faq.garbage_item(tx, tenant_id, c.substr(6), resident_area(tx, tenant_id, resident_id),
                              "line");
    if (!r.garbage.empty()) return garbage_messages(r);
    return text_messages("その品目は見つかりませんでした。別の言葉で聞いてみてください。");
  }
  if (c.rfind("faq.pick:", 0) == 0) {
    std::string id = c.substr(9);
    if (!id.empty() && id.size() < 19 && id.find_first_not_of("0123456789") == std::string::npos) {
      auto r = faq.choose(tx, tenant_id, std::stoll(id), "line");
      if (!r.entries.empty()) return answer_messages(r);
    }
    return text_messages("その質問は見つかりませんでした。別の言葉で聞いてみてください。");
  }
  bool yes = c.rfind("faq.yes:", 0) == 0;
  bool no = c.rfind("faq.no:", 0) == 0 || c.rfind("faq.none:", 0) == 0;
  if (yes || no) {
    auto ref = reference(c.substr(c.find(':') + 1));
    if (ref) faq.feedback(tx, tenant_id, ref->first, ref->second, yes);
    return text_messages(yes ? "よかったです。ほかにも知りたいことがあれば送ってください。"
                             : "お役に立てずすみません。いただいた質問は担当者が確認し、回答を"
                               "追加します。別の言葉で聞いていただくか、「メニュー」と送ると"
                               "手続きの一覧が出ます。");
  }
  return text_messages("「メニュー」と送ると手続きの一覧が出ます。");
}

}  // namespace mg::line
