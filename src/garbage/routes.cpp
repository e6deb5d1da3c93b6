#include "garbage/routes.h"

#include "conversation/normalize.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/http.h"
#include "garbage/icalendar.h"
#include "garbage/schedule.h"
#include "garbage/service.h"
#include "garbage/store.h"

namespace mg::garbage {

namespace {

namespace chr = std::chrono;

Date today_jst() {
  return Date{chr::floor<chr::days>(
      chr::sys_time<chr::milliseconds>(chr::milliseconds(clock::now_ms() + 9 * 3600 * 1000)))};
}

std::string iso(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<Date> parse_iso(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  int used = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%n", &y, &m, &d, &used) != 3 ||
      used != 10)
    return std::nullopt;
  Date date{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!date.ok() || y < 1900 || y > 2200) return std::nullopt;
  return date;
}

GarbageCalendar calendar_of(store::Db& db, int64_t tenant_id) {
  auto cal = db.read([&](store::Tx& tx) { return load(tx, tenant_id); });
  if (!cal) throw ApiError::not_found("ごみ収集カレンダーが登録されていません");
  return std::move(*cal);
}

const Area& area_of(const GarbageCalendar& cal, const std::string& raw) {
  // The path is decoded once already; only an encoded '/' (%2F) stays encoded in it.
  std::string name = raw;
  for (auto pos = name.find("%2F"); pos != std::string::npos; pos = name.find("%2F", pos))
    name.replace(pos, 3, "/");
  const Area* a = cal.area(name);
  if (!a) throw ApiError::not_found("その地区は見つかりません");
  return *a;
}

Json categories_json(const GarbageCalendar& cal) {
  Json out = Json::array();
  for (const auto& c : cal.categories)
    out.push_back({{"label", c.label}, {"description", c.description}, {"color", c.color}});
  return out;
}

std::map<std::string, std::string> uploaded_files(const Json& body) {
  if (!body.is_object() || !body.contains("files") || !body["files"].is_object())
    throw ApiError::bad_request("ファイルを選んでください", "files");
  std::map<std::string, std::string> files;
  const auto& known = known_files();
  for (const auto& [name, value] : body["files"].items()) {
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw ApiError::bad_request("「" + name.substr(0, 60) +
                                      "」は 5374 のファイルではありません（area_days.csv, "
                                      "center.csv, description.csv, remarks.csv, target.csv）",
                                  "files");
    if (!value.is_string()) throw ApiError::bad_request("ファイルの中身が読めません", "files");
    std::string bytes = crypto::base64_decode(value.get<std::string>());
    if (bytes.empty() && !value.get<std::string>().empty())
      throw ApiError::bad_request("ファイルの中身が読めません", "files");
    if (bytes.size() > kMaxFileBytes)
      throw ApiError(413, "file_too_large", name + " が大きすぎます（8 MB まで）", "files");
    files[name] = std::move(bytes);
  }
  if (!files.count("area_days.csv"))
    throw ApiError::bad_request("area_days.csv（地区ごとの収集日）は必ず選んでください", "files");
  return files;
}

}  // namespace

void mount(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.post("/api/garbage/import", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    Json body = req.json_body();
    auto files = uploaded_files(body);
    bool skip = body.value("skip_bad_cells", false);
    auto out = import_files(db, who.tenant_id, files, skip, who.staff_id);
    Json result = {{"imported", out.imported},
                   {"areas", out.areas},
                   {"categories", out.categories},
                   {"items", out.items},
                   {"problems", problems_json(out.problems)}};
    if (!out.imported) {
      std::string first =
          out.problems.empty() ? "地区やごみの種類がありません" : describe(out.problems.front());
      throw ApiError(400, "bad_cells",
                     out.problems.size() > 1
                         ? first + " ほか " + std::to_string(out.problems.size() - 1) + " か所"
                         : first,
                     "files")
          .with_details(result["problems"]);
    }
    db.write([&](store::Tx& tx) {
      auth::audit(
          tx, who, "garbage.import", "garbage_calendar", std::to_string(who.tenant_id),
          {{"areas", out.areas}, {"items", out.items}, {"skipped_problems", out.problems.size()}});
    });
    return http::Response::json(result);
  });

  router.get("/api/garbage", [&](http::Request& req) {
    auto who = auth.require(req);
    return db.read([&](store::Tx& tx) {
      auto info = import_info(tx, who.tenant_id);
      if (!info) return http::Response::json({{"imported", false}});
      auto cal = load(tx, who.tenant_id);
      Json areas = Json::array();
      for (const auto& a : cal->areas) {
        Json cells = Json::array();
        for (const auto& c : a.collections) cells.push_back(format_cell(c));
        areas.push_back({{"name", a.name}, {"center", a.center}, {"cells", cells}});
      }
      return http::Response::json({{"imported", true},
                                   {"imported_at", info->imported_at},
                                   {"categories", categories_json(*cal)},
                                   {"areas", areas},
                                   {"closures", cal->closures.size()},
                                   {"items", cal->items.size()}});
    });
  });

  auto tenant_of = [&auth](http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return *t;
  };

  router.get("/api/public/{tenant}/garbage", [&, tenant_of](http::Request& req) {
    auto t = tenant_of(req);
    auto cal = calendar_of(db, t.id);
    Json areas = Json::array();
    for (const auto& a : cal.areas)
      areas.push_back({{"name", a.name},
                       {"ics", "/api/public/" + t.code + "/garbage/" + http::url_encode(a.name) +
                                   "/calendar.ics"}});
    return http::Response::json({{"categories", categories_json(cal)}, {"areas", areas}});
  });

  // Collection days of one district: ?from=YYYY-MM-DD (default today in JST) &days=N (≤ 400).
  router.get("/api/public/{tenant}/garbage/{area}/days", [&, tenant_of](http::Request& req) {
    auto t = tenant_of(req);
    auto cal = calendar_of(db, t.id);
    const Area& area = area_of(cal, req.params.at("area"));
    Date from = today_jst();
    if (auto f = req.query.find("from"); f != req.query.end()) {
      auto d = parse_iso(f->second);
      if (!d) throw ApiError::bad_request("from は 2026-04-01 の形で書きます", "from");
      from = *d;
    }
    int n = 31;
    if (auto q = req.query.find("days"); q != req.query.end()) {
      try {
        n = std::stoi(q->second);
      } catch (const std::exception&) {
        n = -1;
      }
      if (n < 1 || n > 400) throw ApiError::bad_request("days は 1〜400 です", "days");
    }
    Json days = Json::array();
    for (int i = 0; i < n; ++i) {
      Date d{chr::sys_days{from} + chr::days{i}};
      auto labels = collected_on(cal, area, d);
      if (!labels.empty()) days.push_back({{"date", iso(d)}, {"categories", labels}});
    }
    return http::Response::json({{"area", area.name}, {"days", days}});
  });

  // The sorting dictionary (分別辞典): ?q= part of an item's name, in kana or kanji, any width.
  router.get("/api/public/{tenant}/garbage/search", [&, tenant_of](http::Request& req) {
    auto t = tenant_of(req);
    auto q = req.query.find("q");
    std::string raw = q == req.query.end() ? "" : q->second;
    if (conversation::char_count(raw) > 50)
      throw ApiError::bad_request("50 文字までで探してください", "q");
    std::string needle = conversation::to_katakana(conversation::normalize_text(raw));
    if (needle.empty()) throw ApiError::bad_request("品目の名前を入れてください", "q");
    auto cal = calendar_of(db, t.id);
    Json items = Json::array();
    for (const auto& it : cal.items) {
      std::string hay = conversation::to_katakana(conversation::normalize_text(it.name));
      if (hay.find(needle) == std::string::npos) continue;
      items.push_back({{"name", it.name}, {"category", it.category}, {"notice", it.notice}});
      if (items.size() >= 50) break;
    }
    return http::Response::json({{"items", items}});
  });

  // A feed phones subscribe to: two months back, a year ahead.
  router.get(
      "/api/public/{tenant}/garbage/{area}/calendar.ics", [&, tenant_of](http::Request& req) {
        auto t = tenant_of(req);
        auto cal = calendar_of(db, t.id);
        const Area& area = area_of(cal, req.params.at("area"));
        Date today = today_jst();
        Date from{chr::sys_days{today} - chr::days{60}}, to{chr::sys_days{today} + chr::days{366}};
        std::string stamp = clock::format_jst(clock::now_ms() - 9 * 3600 * 1000, "%Y%m%dT%H%M%SZ");
        auto body = icalendar(cal, area, from, to, t.name + " " + area.name + " ごみ収集日",
                              t.code + ".madoguchi", stamp);
        auto res = http::Response::text(std::move(body), "text/calendar; charset=utf-8");
        res.headers.emplace_back("Cache-Control", "public, max-age=3600");
        return res;
      });
}

}  // namespace mg::garbage
