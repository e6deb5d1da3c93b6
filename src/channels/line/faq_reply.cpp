#include "channels/line/faq_reply.h"

#include "channels/line/outbox.h"
#include "core/clock.h"
#include "faq/generative.h"
#include "faq/pages.h"

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
                          int64_t resident_id, const std::string& c, faq::Reply* answered) {
  // The rich menu's よくある質問 area: the next text the resident sends is asked of the FAQ.
  if (c == "faq.start")
    return text_messages(
        "よくある質問にお答えします。知りたいことを短い文で送ってください。\n"
        "（例：粗大ごみの出し方、住民票の取り方）");
  if (c.rfind("faq.g:", 0) == 0) {
    auto r = faq.garbage_item(tx, tenant_id, c.substr(6), resident_area(tx, tenant_id, resident_id),
                              "line");
    if (!r.garbage.empty()) {
      if (answered) *answered = r;
      return garbage_messages(r);
    }
    return text_messages("その品目は見つかりませんでした。別の言葉で聞いてみてください。");
  }
  if (c.rfind("faq.pick:", 0) == 0) {
    if (auto id = faq_pick_id(c)) {
      auto r = faq.choose(tx, tenant_id, *id, "line");
      if (!r.entries.empty()) {
        if (answered) *answered = r;
        return answer_messages(r);
      }
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

std::optional<int64_t> faq_pick_id(std::string_view command) {
  constexpr std::string_view kPrefix = "faq.pick:";
  if (command.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view id = command.substr(kPrefix.size());
  bool passage = !id.empty() && id.front() == '-';  // a web-page passage (negative id)
  if (passage) id.remove_prefix(1);
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  int64_t n = std::stoll(std::string(id));
  if (n == 0) return std::nullopt;
  return passage ? -n : n;
}

bool defer_generated_answer(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                            const faq::Reply& asked, const std::string& user_id,
                            const std::string& reply_token, int64_t reply_token_at,
                            const Json& fallback) {
  if (user_id.empty() || !fallback.is_array() || fallback.empty()) return false;
  auto sources = faq.generation_sources(tx, tenant_id, asked);
  if (sources.empty()) return false;
  Json ids = Json::array();
  for (const auto& e : sources) ids.push_back(e.id);
  jobs::EnqueueOptions opt;
  opt.tenant_id = tenant_id;
  // One resident's deferred answers leave in the order asked.
  opt.queue_key = "faq.line:" + std::to_string(tenant_id) + ":" + user_id;
  opt.max_attempts = 5;
  jobs::enqueue(tx, kGeneratedAnswerJob,
                {{"question_id", asked.question_id},
                 {"user_id", user_id},
                 {"reply_token", reply_token},
                 {"reply_token_at", reply_token_at},
                 {"entry_ids", ids},
                 {"fallback", fallback}},
                opt);
  return true;
}

namespace {
// The model's answer and the sources it may cite ([1] title, link).
Json generated_messages(const std::string& text, const std::vector<faq::Source>& sources) {
  std::string out = text;
  if (!sources.empty()) out += "\n\n資料：";
  for (std::size_t i = 0; i < sources.size(); ++i) {
    out += "\n[" + std::to_string(i + 1) + "] " + sources[i].title;
    if (!sources[i].url.empty()) out += "\n" + sources[i].url;
  }
  return text_messages(out);
}
}  // namespace

bool answer_generated(store::Db& db, faq::FaqService& faq, const jobs::Job& job) {
  const Json& p = job.payload;
  if (!job.tenant_id || !p.is_object() || !p.contains("question_id") ||
      !p["question_id"].is_number_integer() || !p.contains("user_id") ||
      !p["user_id"].is_string() || !p.contains("fallback") || !p["fallback"].is_array() ||
      !p.contains("entry_ids") || !p["entry_ids"].is_array())
    throw jobs::PermanentFailure("faq.line_answer: bad payload");
  int64_t tenant = *job.tenant_id;
  int64_t question_id = p["question_id"].get<int64_t>();
  struct Prepared {
    bool done = false;
    std::string question;
    std::vector<faq::Entry> entries;
  };
  // A retried job whose answer already left (its call is logged) does nothing.
  auto prep = db.read([&](store::Tx& tx) {
    Prepared r;
    if (faq::generation_logged(tx, tenant, question_id)) {
      r.done = true;
      return r;
    }
    if (auto q = faq::get_question(tx, tenant, question_id)) r.question = q->question;
    std::string today = faq::today_jst();
    for (const auto& id : p["entry_ids"]) {
      if (!id.is_number_integer()) continue;
      int64_t v = id.get<int64_t>();
      auto e = v < 0 ? faq::passage_entry(tx, tenant, -v) : faq::get_entry(tx, tenant, v);
      if (e && faq::valid_on(*e, today)) r.entries.push_back(*e);
    }
    return r;
  });
  if (prep.done) return false;
  auto sources = faq::sources_of(prep.entries);
  faq::Generated g;
  if (prep.question.empty() || sources.empty())
    g.failure = "skipped";  // the question or its sources went meanwhile: the plain answer
  else
    g = faq.generate_answer(tenant, prep.question, sources);  // outside any transaction
  Json messages = g.ok ? generated_messages(g.text, sources) : Json::array();
  for (const auto& m : p["fallback"]) messages.push_back(m);
  OutgoingMessages out;
  out.tenant_id = tenant;
  out.user_id = p["user_id"].get<std::string>();
  out.messages = std::move(messages);
  if (p.contains("reply_token") && p["reply_token"].is_string() &&
      !p["reply_token"].get<std::string>().empty()) {
    out.reply_token = p["reply_token"].get<std::string>();
    out.reply_token_at = p.value("reply_token_at", int64_t{0});
  }
  return db.write([&](store::Tx& tx) {
    if (faq::generation_logged(tx, tenant, question_id)) return false;
    faq::log_generation(tx, tenant, question_id, g, clock::now_ms());
    return enqueue_messages(tx, out) > 0;
  });
}

}  // namespace mg::line
