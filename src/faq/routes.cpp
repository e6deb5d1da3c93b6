#include "faq/routes.h"

#include "auth/store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/http.h"
#include "faq/csv_io.h"
#include "faq/stats.h"

namespace mg::faq {

namespace {

using auth::Role;

std::string str_field(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) throw ApiError::bad_request(std::string(key) + " は文字列です", key);
  return it->get<std::string>();
}

Entry entry_from(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("JSON のオブジェクトを送ってください");
  Entry e;
  e.external_id = str_field(body, "external_id");
  e.question = str_field(body, "question");
  e.answer = str_field(body, "answer");
  e.category = str_field(body, "category");
  e.department = str_field(body, "department");
  e.url = str_field(body, "url");
  e.valid_from = str_field(body, "valid_from");
  e.valid_until = str_field(body, "valid_until");
  if (body.contains("alternatives") && !body["alternatives"].is_null()) {
    if (!body["alternatives"].is_array())
      throw ApiError::bad_request("alternatives は文字列の配列です", "alternatives");
    if (body["alternatives"].size() > kMaxAlternatives * 2)
      throw ApiError::bad_request("別の聞き方が多すぎます", "alternatives");
    for (const auto& a : body["alternatives"]) {
      if (!a.is_string())
        throw ApiError::bad_request("alternatives は文字列の配列です", "alternatives");
      e.alternatives.push_back(a.get<std::string>());
    }
  }
  auto p = check_entry(e);
  if (!p.message.empty()) throw ApiError::bad_request(p.message, p.column);
  return e;
}

int64_t id_param(const http::Request& req, const char* name = "id") {
  const std::string& s = req.params.at(name);
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found();
  return std::stoll(s);
}

Json problems_json(const std::vector<CsvProblem>& ps) {
  Json out = Json::array();
  for (const auto& p : ps)
    out.push_back({{"line", p.line}, {"column", p.column}, {"message", p.message}});
  return out;
}

Json question_json(const LoggedQuestion& q) {
  return {{"id", q.id},
          {"channel", q.channel},
          {"question", q.question},
          {"outcome", q.outcome},
          {"entry_id", q.entry_id ? Json(*q.entry_id) : Json(nullptr)},
          {"score", q.score},
          {"resolved", q.resolved ? Json(*q.resolved != 0) : Json(nullptr)},
          {"created_at", q.created_at}};
}

bool contains_folded(const std::string& hay, const std::string& needle) {
  return reading_key(normalize(hay, 5000)).find(needle) != std::string::npos;
}

}  // namespace

Json entry_json(const Entry& e) {
  return {{"id", e.id},
          {"external_id", e.external_id},
          {"question", e.question},
          {"alternatives", e.alternatives},
          {"answer", e.answer},
          {"category", e.category},
          {"department", e.department},
          {"url", e.url},
          {"valid_from", e.valid_from},
          {"valid_until", e.valid_until},
          {"updated_at", e.updated_at}};
}

namespace {
Json reply_json(const Reply& r) {
  Json entries = Json::array();
  for (const auto& e : r.entries)
    entries.push_back({{"id", e.id},
                       {"question", e.question},
                       {"answer", e.answer},
                       {"url", e.url},
                       {"category", e.category},
                       {"department", e.department}});
  Json out = {{"outcome", outcome_name(r.outcome)}, {"entries", entries}};
  if (r.outcome == Outcome::garbage) {
    Json items = Json::array();
    for (const auto& m : r.garbage)
      items.push_back({{"name", m.item->name},
                       {"category", m.item->category},
                       {"notice", m.item->notice},
                       {"next", m.next ? Json(iso_day(*m.next)) : Json(nullptr)},
                       {"next_label", m.next ? Json(japanese_day(*m.next)) : Json(nullptr)}});
    out["garbage"] = {{"items", items},
                      {"area", r.area.empty() ? Json(nullptr) : Json(r.area)},
                      {"areas", r.areas}};
  }
  if (!r.generated.empty()) {
    Json sources = Json::array();
    for (std::size_t i = 0; i < r.generated_sources.size(); ++i)
      sources.push_back({{"n", i + 1},
                         {"title", r.generated_sources[i].title},
                         {"url", r.generated_sources[i].url}});
    out["generated"] = {{"text", r.generated}, {"sources", sources}};
  }
  if (r.question_id) {
    out["question_id"] = r.question_id;
    out["token"] = r.token;
  }
  return out;
}
}  // namespace

void mount(http::Router& router, auth::AuthService& auth, store::Db& db, FaqService& faq) {
  // Entries, newest edits last; ?q= filters by any spelling (kana/kanji/width folded).
  router.get("/api/faq/entries", [&](http::Request& req) {
    auto who = auth.require(req);
    std::string q = reading_key(normalize(req.query_or("q"), 100));
    auto entries = db.read([&](store::Tx& tx) { return list_entries(tx, who.tenant_id); });
    Json items = Json::array();
    for (const auto& e : entries) {
      bool hit = q.empty() || contains_folded(e.question, q) || contains_folded(e.answer, q) ||
                 contains_folded(e.category, q);
      for (const auto& a : e.alternatives) hit = hit || contains_folded(a, q);
      if (hit) items.push_back(entry_json(e));
    }
    return http::Response::json({{"items", items}, {"total", entries.size()}});
  });

  router.post("/api/faq/entries", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    Entry e = entry_from(req.json_body());
    e.id = db.write([&](store::Tx& tx) {
      if (count_entries(tx, who.tenant_id) >= static_cast<int64_t>(kMaxEntries))
        throw ApiError::conflict("よくある質問は " + std::to_string(kMaxEntries) + " 件までです");
      int64_t id = insert_entry(tx, who.tenant_id, e, clock::now_ms());
      auth::audit(tx, who, "faq.create", "faq_entry", std::to_string(id));
      return id;
    });
    faq.changed(who.tenant_id);
    return http::Response::json(entry_json(e), 201);
  });

  router.get("/api/faq/export.csv", [&](http::Request& req) {
    auto who = auth.require(req);
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.header("Content-Disposition", "attachment; filename=\"faq.csv\"");
    res.header("Cache-Control", "no-store");
    if (req.method == "HEAD") return res;
    res.body = db.read([&](store::Tx& tx) {
      auto t = auth::sql::tenant_by_id(tx, who.tenant_id);
      return "\xEF\xBB\xBF" +
             write_csv(list_entries(tx, who.tenant_id), t ? t->lg_code : "", t ? t->name : "");
    });
    return res;
  });

  // The body is the CSV file. With bad rows nothing is written unless ?skip_bad_rows=1.
  // A row whose ID (or, without one, whose question) matches an entry updates it.
  router.post("/api/faq/import", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    if (req.body.size() > 8 * 1024 * 1024)
      throw ApiError(413, "file_too_large", "CSV が大きすぎます（8 MB まで）", "csv");
    auto read = read_csv(req.body);
    bool skip = req.query_or("skip_bad_rows") == "1";
    Json problems = problems_json(read.problems);
    if (read.entries.empty() || (!read.problems.empty() && !skip)) {
      std::string msg = read.problems.empty()
                            ? "取り込める行がありません"
                            : std::to_string(read.problems.front().line) +
                                  " 行目: " + read.problems.front().message +
                                  (read.problems.size() > 1
                                       ? "（ほか " + std::to_string(read.problems.size() - 1) +
                                             " か所）。何も取り込んでいません"
                                       : "。何も取り込んでいません");
      throw ApiError(400, "invalid_csv", msg, "csv").with_details(problems);
    }
    auto [created, updated] = db.write([&](store::Tx& tx) {
      auto existing = list_entries(tx, who.tenant_id);
      std::map<std::string, int64_t> by_external, by_question;
      for (const auto& e : existing) {
        if (!e.external_id.empty()) by_external[e.external_id] = e.id;
        by_question[e.question] = e.id;
      }
      int64_t now = clock::now_ms();
      int64_t c = 0, u = 0;
      for (auto e : read.entries) {
        int64_t id = 0;
        if (!e.external_id.empty() && by_external.count(e.external_id))
          id = by_external[e.external_id];
        else if (by_question.count(e.question))
          id = by_question[e.question];
        if (id) {
          e.id = id;
          update_entry(tx, who.tenant_id, e, now);
          ++u;
        } else {
          if (static_cast<std::size_t>(existing.size() + c) >= kMaxEntries)
            throw ApiError::conflict("よくある質問は " + std::to_string(kMaxEntries) +
                                     " 件までです");
          id = insert_entry(tx, who.tenant_id, e, now);
          if (!e.external_id.empty()) by_external[e.external_id] = id;
          by_question[e.question] = id;
          ++c;
        }
      }
      auth::audit(tx, who, "faq.import", "faq_entry", "",
                  {{"created", c}, {"updated", u}, {"bad_rows", read.problems.size()}});
      return std::pair{c, u};
    });
    faq.changed(who.tenant_id);
    return http::Response::json(
        {{"created", created}, {"updated", updated}, {"problems", problems}});
  });

  router.put("/api/faq/entries/{id}", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    Entry e = entry_from(req.json_body());
    e.id = id_param(req);
    db.write([&](store::Tx& tx) {
      if (!update_entry(tx, who.tenant_id, e, clock::now_ms())) throw ApiError::not_found();
      auth::audit(tx, who, "faq.update", "faq_entry", std::to_string(e.id));
    });
    faq.changed(who.tenant_id);
    return http::Response::json(entry_json(e));
  });

  router.del("/api/faq/entries/{id}", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    db.write([&](store::Tx& tx) {
      if (!delete_entry(tx, who.tenant_id, id)) throw ApiError::not_found();
      auth::audit(tx, who, "faq.delete", "faq_entry", std::to_string(id));
    });
    faq.changed(who.tenant_id);
    return http::Response::json({{"deleted", true}});
  });

  router.get("/api/faq/synonyms", [&](http::Request& req) {
    auto who = auth.require(req);
    auto groups = db.read([&](store::Tx& tx) { return load_synonyms(tx, who.tenant_id); });
    return http::Response::json({{"groups", groups}});
  });

  // The whole list at once: [["ごみ","廃棄物"],["国保","国民健康保険"]].
  router.put("/api/faq/synonyms", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    Json body = req.json_body();
    if (!body.is_object() || !body.contains("groups") || !body["groups"].is_array())
      throw ApiError::bad_request("groups は単語の配列の配列です", "groups");
    if (body["groups"].size() > 2000)
      throw ApiError::bad_request("同義語は 2000 組までです", "groups");
    std::vector<std::vector<std::string>> groups;
    for (const auto& g : body["groups"]) {
      if (!g.is_array() || g.size() > 30)
        throw ApiError::bad_request("1 組は 30 語までの配列です", "groups");
      std::vector<std::string> words;
      for (const auto& w : g) {
        if (!w.is_string()) throw ApiError::bad_request("単語は文字列です", "groups");
        std::string n = normalize(w.get<std::string>(), 60);
        if (!n.empty()) words.push_back(n);
      }
      if (words.size() >= 2) groups.push_back(std::move(words));
    }
    db.write([&](store::Tx& tx) {
      replace_synonyms(tx, who.tenant_id, groups, clock::now_ms());
      auth::audit(tx, who, "faq.synonyms", "faq_synonyms", "", {{"groups", groups.size()}});
    });
    faq.changed(who.tenant_id);
    return http::Response::json({{"groups", groups}});
  });

  router.get("/api/faq/unanswered", [&](http::Request& req) {
    auto who = auth.require(req);
    auto qs = db.read([&](store::Tx& tx) { return unanswered(tx, who.tenant_id, 200); });
    Json items = Json::array();
    for (const auto& q : qs) items.push_back(question_json(q));
    return http::Response::json({{"items", items}});
  });

  // Staff add an answer to an unanswered question: a new entry with the resident's words as
  // its question (or a given one), and the question leaves the log.
  router.post("/api/faq/unanswered/{id}/answer", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    int64_t qid = id_param(req);
    Json body = req.json_body();
    auto e = db.write([&](store::Tx& tx) {
      auto q = get_question(tx, who.tenant_id, qid);
      if (!q) throw ApiError::not_found();
      Json b = body.is_object() ? body : Json::object();
      if (!b.contains("question") || (b["question"].is_string() && b["question"] == ""))
        b["question"] = q->question;
      Entry e = entry_from(b);
      if (count_entries(tx, who.tenant_id) >= static_cast<int64_t>(kMaxEntries))
        throw ApiError::conflict("よくある質問は " + std::to_string(kMaxEntries) + " 件までです");
      e.id = insert_entry(tx, who.tenant_id, e, clock::now_ms());
      mark_handled(tx, who.tenant_id, qid, e.id);
      auth::audit(tx, who, "faq.answer_unanswered", "faq_entry", std::to_string(e.id),
                  {{"question_id", qid}});
      return e;
    });
    faq.changed(who.tenant_id);
    return http::Response::json(entry_json(e), 201);
  });

  router.post("/api/faq/unanswered/{id}/dismiss", [&](http::Request& req) {
    auto who = auth.require(req, Role::editor);
    int64_t qid = id_param(req);
    db.write([&](store::Tx& tx) {
      if (!mark_handled(tx, who.tenant_id, qid, std::nullopt)) throw ApiError::not_found();
      auth::audit(tx, who, "faq.dismiss", "faq_question", std::to_string(qid));
    });
    return http::Response::json({{"dismissed", true}});
  });

  // The test box: candidates with scores and the terms that made them (nothing logged).
  router.post("/api/faq/test", [&](http::Request& req) {
    auto who = auth.require(req);
    Json body = req.json_body();
    std::string q = body.is_object() ? str_field(body, "q") : "";
    q = normalize(q, kMaxAskChars);
    if (q.empty()) throw ApiError::bad_request("質問を入れてください", "q");
    return db.read([&](store::Tx& tx) {
      auto idx = faq.index(tx, who.tenant_id);
      auto r = idx->search(q, today_jst(), 5, true);
      auto all = idx->search(q, today_jst(), 5, true, {1e9, 1e9, 0});  // every candidate
      Json cands = Json::array();
      for (const auto& c : all.candidates) {
        const Entry* e = idx->entry(c.entry_id);
        cands.push_back({{"entry_id", c.entry_id},
                         {"question", e ? e->question : ""},
                         {"phrasing", c.phrasing},
                         {"score", c.score},
                         {"confidence", c.confidence},
                         {"matched", c.matched}});
      }
      Json morphemes = Json::array();
      for (const auto& m : faq.analyzer().morphemes(q))
        morphemes.push_back({{"surface", m.surface},
                             {"pos", m.pos},
                             {"reading", m.reading},
                             {"content", m.content}});
      return http::Response::json({{"normalized", q},
                                   {"outcome", outcome_name(r.outcome)},
                                   {"terms", all.query_terms},
                                   {"morphemes", morphemes},
                                   {"candidates", cands}});
    });
  });

  // Statistics per JST day and per entry (faq/stats.h) over ?from=&to= (YYYY-MM-DD, both
  // included, at most 366 days; default the last 30 days), with totals for the KPI report.
  router.get("/api/faq/stats", [&](http::Request& req) {
    auto who = auth.require(req);
    std::string to = req.query_or("to", today_jst());
    std::string from = req.query_or("from");
    if (from.empty()) {
      auto t = parse_period(to, to, 1);
      if (!t) throw ApiError::bad_request("to は YYYY-MM-DD の日付です", "to");
      from = jst_date(t->to - std::chrono::days(29));
    }
    auto period = parse_period(from, to, 366);
    if (!period) throw ApiError::bad_request("期間は YYYY-MM-DD の日付で、366 日までです", "from");
    auto [stats, titles] = db.read([&](store::Tx& tx) {
      Handoffs handed_off;
      if (faq.handoffs_per_day())
        for (const auto& [day, n] : faq.handoffs_per_day()(tx, who.tenant_id, period->from_ms()))
          handed_off.per_day[day] = n;
      if (faq.handoffs_per_entry())
        handed_off.per_entry =
            faq.handoffs_per_entry()(tx, who.tenant_id, period->from_ms(), period->end_ms());
      Stats st = faq_stats(tx, who.tenant_id, *period, handed_off);
      auto idx = faq.index(tx, who.tenant_id);
      std::map<int64_t, std::string> names;
      for (const auto& e : st.entries)
        if (const Entry* found = idx->entry(e.entry_id)) names[e.entry_id] = found->question;
      return std::pair{std::move(st), std::move(names)};
    });
    auto day_json = [](const DayStats& d) {
      Json j = {{"asked", d.asked},           {"answered", d.answered},
                {"resolved", d.resolved},     {"unresolved", d.unresolved},
                {"unanswered", d.unanswered}, {"handed_off", d.handed_off}};
      if (!d.date.empty()) j["date"] = d.date;
      return j;
    };
    Json days = Json::array();
    for (const auto& d : stats.days) days.push_back(day_json(d));
    Json entries = Json::array();
    for (const auto& e : stats.entries) {
      auto it = titles.find(e.entry_id);
      entries.push_back({{"entry_id", e.entry_id},
                         {"question", it != titles.end() ? Json(it->second) : Json(nullptr)},
                         {"answered", e.answered},
                         {"resolved", e.resolved},
                         {"unresolved", e.unresolved},
                         {"handed_off", e.handed_off}});
    }
    Json total = day_json(stats.total);
    int64_t rated = stats.total.resolved + stats.total.unresolved;
    total["resolved_share"] =
        rated ? Json(static_cast<double>(stats.total.resolved) / static_cast<double>(rated))
              : Json(nullptr);
    return http::Response::json(
        {{"from", from}, {"to", to}, {"days", days}, {"total", total}, {"entries", entries}});
  });

  // Generative answers (faq/generative.h): whether the operator configured an endpoint, and
  // the tenant's switch (admins only; off by default).
  router.get("/api/faq/generative", [&](http::Request& req) {
    auto who = auth.require(req);
    bool on = db.read([&](store::Tx& tx) { return generative_enabled(tx, who.tenant_id); });
    return http::Response::json({{"available", faq.llm().available()}, {"enabled", on}});
  });

  router.put("/api/faq/generative", [&](http::Request& req) {
    auto who = auth.require(req, Role::admin);
    Json body = req.json_body();
    if (!body.is_object() || !body.contains("enabled") || !body["enabled"].is_boolean())
      throw ApiError::bad_request("enabled は true か false です", "enabled");
    bool on = body["enabled"].get<bool>();
    if (on && !faq.llm().available())
      throw ApiError::conflict("生成 AI の接続先がサーバーに設定されていません");
    db.write([&](store::Tx& tx) {
      set_generative_enabled(tx, who.tenant_id, on, clock::now_ms());
      auth::audit(tx, who, "faq.generative", "faq_generative", "", {{"enabled", on}});
    });
    return http::Response::json({{"available", faq.llm().available()}, {"enabled", on}});
  });

  auto tenant_of = [&auth](http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return *t;
  };

  // A resident's question ({"q"}) or a tapped candidate ({"entry_id"}).
  router.post("/api/public/{tenant}/faq/ask", [&, tenant_of](http::Request& req) {
    auto t = tenant_of(req);
    Json body = req.json_body();
    if (!body.is_object()) throw ApiError::bad_request("JSON のオブジェクトを送ってください");
    std::string area = str_field(body, "area");
    if (area.size() > 300) throw ApiError::bad_request("地区の名前が長すぎます", "area");
    if (body.contains("garbage_item")) {
      std::string name = str_field(body, "garbage_item");
      if (name.empty() || name.size() > 600)
        throw ApiError::bad_request("品目の名前を送ってください", "garbage_item");
      auto r =
          db.write([&](store::Tx& tx) { return faq.garbage_item(tx, t.id, name, area, "web"); });
      if (r.garbage.empty()) throw ApiError::not_found("その品目は見つかりません");
      return http::Response::json(reply_json(r));
    }
    if (body.contains("entry_id")) {
      if (!body["entry_id"].is_number_integer())
        throw ApiError::bad_request("entry_id は数です", "entry_id");
      int64_t id = body["entry_id"].get<int64_t>();
      auto r = db.write([&](store::Tx& tx) { return faq.choose(tx, t.id, id, "web"); });
      if (r.entries.empty()) throw ApiError::not_found("その質問は見つかりません");
      return http::Response::json(reply_json(r));
    }
    std::string q = str_field(body, "q");
    if (q.size() > kMaxAskChars * 4)
      throw ApiError::bad_request(std::to_string(kMaxAskChars) + " 文字までで聞いてください", "q");
    auto r = db.write([&](store::Tx& tx) { return faq.ask(tx, t.id, q, "web", area); });
    faq.add_generated(db, t.id, q, r);  // after the write: the model is never called in one
    return http::Response::json(reply_json(r));
  });

  router.post("/api/public/{tenant}/faq/feedback", [&, tenant_of](http::Request& req) {
    auto t = tenant_of(req);
    Json body = req.json_body();
    if (!body.is_object() || !body.contains("question_id") ||
        !body["question_id"].is_number_integer() || !body.contains("resolved") ||
        !body["resolved"].is_boolean())
      throw ApiError::bad_request("question_id, token, resolved を送ってください");
    std::string token = str_field(body, "token");
    bool ok = db.write([&](store::Tx& tx) {
      return faq.feedback(tx, t.id, body["question_id"].get<int64_t>(), token,
                          body["resolved"].get<bool>());
    });
    if (!ok) throw ApiError::not_found("その質問は見つかりません");
    return http::Response::json({{"recorded", true}});
  });
  mount_pages(router, auth, db, faq);
}

}  // namespace mg::faq
