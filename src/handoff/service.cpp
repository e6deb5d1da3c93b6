#include "handoff/service.h"

#include <array>

#include "calendar/holidays.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "faq/store.h"
#include "handoff/store.h"

namespace mg::handoff {

namespace {

// Code points of valid UTF-8, or nullopt for invalid bytes (overlong forms, surrogates).
std::optional<std::size_t> utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::array<uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
    i += len;
    ++n;
  }
  return n;
}

// Trims ASCII white space and the ideographic space (U+3000) residents type on Japanese
// keyboards, in any mix, from both ends.
std::string trimmed(const std::string& s) {
  static const std::string kIdeographic = "\xE3\x80\x80";
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  std::size_t b = 0, e = s.size();
  for (bool more = true; more;) {
    more = false;
    while (b < e && ws(s[b])) ++b, more = true;
    while (e > b && ws(s[e - 1])) --e, more = true;
    if (e - b >= 3 && s.compare(b, 3, kIdeographic) == 0) b += 3, more = true;
    if (e - b >= 3 && s.compare(e - 3, 3, kIdeographic) == 0) e -= 3, more = true;
  }
  return s.substr(b, e - b);
}

reservations::Date jst_date(int64_t ms) { return reservations::jst_date(ms); }

bool closed_day(const Hours& h, reservations::Date d) {
  if (!h.closed_on_holidays) return false;
  if (calendar::holiday_name(d)) return true;
  unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
  return (m == 12 && day >= 29) || (m == 1 && day <= 3);
}

const std::vector<reservations::Interval>& day_hours(const Hours& h, reservations::Date d) {
  static const std::vector<reservations::Interval> none;
  if (closed_day(h, d)) return none;
  return h.weekly.days[std::chrono::weekday(std::chrono::sys_days(d)).c_encoding()];
}

}  // namespace

std::optional<std::string> clean_message_text(const std::string& text) {
  if (text.size() > kMaxMessageChars * 4) return std::nullopt;
  std::string t = trimmed(text);
  auto n = utf8_length(t);
  if (!n || *n == 0 || *n > kMaxMessageChars) return std::nullopt;
  for (unsigned char c : t)
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) return std::nullopt;
  return t;
}

std::string parse_message_body(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("JSON のオブジェクトを送ってください");
  auto it = body.find("text");
  if (it == body.end() || !it->is_string())
    throw ApiError::bad_request("text に文を入れてください", "text");
  const std::string& raw = it->get_ref<const std::string&>();
  if (raw.size() > kMaxMessageChars * 4)
    throw ApiError::bad_request(std::to_string(kMaxMessageChars) + " 文字までで送ってください",
                                "text");
  auto t = clean_message_text(raw);
  if (!t) {
    auto n = utf8_length(trimmed(raw));
    throw ApiError::bad_request(n && *n > kMaxMessageChars
                                    ? std::to_string(kMaxMessageChars) + " 文字までで送ってください"
                                    : std::string("送れない文字が含まれているか、空です"),
                                "text");
  }
  return *t;
}

bool asks_for_person(const std::string& text) {
  std::string t = trimmed(text);
  static const std::array<const char*, 10> kWords = {
      "担当者",   "職員と話す",   "職員と話したい",   "人と話したい", "人と話す",
      "有人対応", "オペレーター", "担当者と話したい", "担当の人",     "窓口の人と話したい"};
  for (const char* w : kWords)
    if (t == w) return true;
  return false;
}

Hours default_hours() {
  Hours h;
  for (int d = 1; d <= 5; ++d) h.weekly.days[d] = {{8 * 60 + 30, 17 * 60 + 15}};
  return h;
}

Hours load_hours_or_default(store::Tx& tx, int64_t tenant_id) {
  auto s = load_hours(tx, tenant_id);
  if (!s) return default_hours();
  Hours h;
  h.closed_on_holidays = s->closed_on_holidays;
  try {
    h.weekly = reservations::parse_opening_hours(parse_stored_json(s->weekly));
  } catch (const ApiError&) {
    return default_hours();
  }
  return h;
}

Json hours_json(const Hours& h) {
  return {{"weekly", reservations::to_json(h.weekly)},
          {"closed_on_holidays", h.closed_on_holidays}};
}

Hours parse_hours(const Json& body) {
  if (!body.is_object() || !body.contains("weekly"))
    throw ApiError::bad_request("weekly（曜日ごとの受付時間）を送ってください", "weekly");
  Hours h;
  h.weekly = reservations::parse_opening_hours(body["weekly"]);
  if (body.contains("closed_on_holidays")) {
    if (!body["closed_on_holidays"].is_boolean())
      throw ApiError::bad_request("closed_on_holidays は true か false です", "closed_on_holidays");
    h.closed_on_holidays = body["closed_on_holidays"].get<bool>();
  }
  return h;
}

bool staffed_at(const Hours& h, int64_t ms) {
  auto d = jst_date(ms);
  int minute = static_cast<int>((ms - reservations::jst_midnight_ms(d)) / 60000);
  for (const auto& iv : day_hours(h, d))
    if (minute >= iv.from_min && minute < iv.to_min) return true;
  return false;
}

std::optional<int64_t> next_staffed(const Hours& h, int64_t ms) {
  if (staffed_at(h, ms)) return ms;
  auto d = jst_date(ms);
  for (int i = 0; i <= 30; ++i) {
    auto day = reservations::Date(std::chrono::sys_days(d) + std::chrono::days(i));
    int64_t midnight = reservations::jst_midnight_ms(day);
    for (const auto& iv : day_hours(h, day)) {
      int64_t from = midnight + int64_t{iv.from_min} * 60000;
      if (from > ms) return from;
    }
  }
  return std::nullopt;
}

std::string describe_time(int64_t ms) {
  static const std::array<const char*, 7> kWeekdays = {"日", "月", "火", "水", "木", "金", "土"};
  auto d = jst_date(ms);
  int minute = static_cast<int>((ms - reservations::jst_midnight_ms(d)) / 60000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u月%u日（%s）%d:%02d", static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()),
                kWeekdays[std::chrono::weekday(std::chrono::sys_days(d)).c_encoding()], minute / 60,
                minute % 60);
  return buf;
}

Message add_message(store::Tx& tx, const Conversation& c, const std::string& sender,
                    std::optional<int64_t> staff_id, const std::string& text, int64_t now_ms) {
  Message m{0, c.id, sender, staff_id, text, now_ms};
  m.id = insert_message(tx, c.tenant_id, m);
  return m;
}

Started start(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& channel,
              const std::string& department, const std::vector<std::string>& recent,
              const std::optional<AnswerRef>& answer, int64_t now_ms) {
  Started s;
  if (auto open = open_conversation(tx, tenant_id, resident_id)) {
    s.conversation = *open;
    s.messages.push_back(add_message(
        tx, *open, "system", std::nullopt,
        "職員への取り次ぎは受け付け済みです。このままメッセージを送ってください。", now_ms));
    return s;
  }
  Conversation c;
  c.tenant_id = tenant_id;
  c.resident_id = resident_id;
  c.channel = channel;
  c.department = department;
  c.status = "waiting";
  c.recent_questions = recent;
  if (c.recent_questions.size() > kMaxRecentQuestions)
    c.recent_questions.erase(c.recent_questions.begin(),
                             c.recent_questions.end() - kMaxRecentQuestions);
  if (answer)
    c.faq_entry_id = faq::answered_entry(tx, tenant_id, answer->question_id, answer->token,
                                         now_ms - kFaqAnswerWindowMs);
  c.created_at = c.updated_at = now_ms;
  c.id = insert_conversation(tx, c);
  s.conversation = c;
  s.created = true;
  Hours h = load_hours_or_default(tx, tenant_id);
  std::string text;
  if (staffed_at(h, now_ms)) {
    text = "職員におつなぎします。" +
           (department.empty() ? std::string() : "（" + department + "）") +
           "お返事まで少しお待ちください。ご用件をこのまま送っていただけます。";
  } else {
    auto back = next_staffed(h, now_ms);
    text = "ただいま職員の対応時間外です。" +
           (back ? describe_time(*back) + "以降に、職員が順にお返事します。"
                 : std::string("職員が確認でき次第お返事します。")) +
           "ご用件をこのまま送っていただけます。";
  }
  s.messages.push_back(add_message(tx, c, "system", std::nullopt, text, now_ms));
  return s;
}

Message close(store::Tx& tx, const Conversation& c, int64_t staff_id, int64_t now_ms) {
  Message m = add_message(tx, c, "system", std::nullopt, kClosedText, now_ms);
  set_status(tx, c.tenant_id, c.id, "closed", c.assignee_id ? c.assignee_id : staff_id, now_ms);
  return m;
}

std::string tenant_topic(int64_t tenant_id) { return "handoff:" + std::to_string(tenant_id); }
std::string conversation_topic(int64_t tenant_id, int64_t conversation_id) {
  return "handoff:" + std::to_string(tenant_id) + ":" + std::to_string(conversation_id);
}

Json message_json(const Message& m) {
  return {{"id", m.id}, {"sender", m.sender}, {"text", m.text}, {"created_at", m.created_at}};
}

}  // namespace mg::handoff
