#include "channels/line/rich_menu_rules.h"

#include <map>
#include <mutex>
#include <set>

#include "channels/line/rich_menu_audience.h"
#include "channels/line/rich_menu_jobs.h"
#include "channels/line/rich_menu_line.h"
#include "channels/line/rich_menu_store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "residents/condition.h"
#include "residents/segments.h"
#include "residents/service.h"
#include "residents/store.h"

namespace mg::line {

namespace {

constexpr const char* kChannel = "line";

void save_menu_rules(store::Tx& tx, int64_t tenant_id, const std::vector<MenuRule>& rules) {
  tx.exec("DELETE FROM rich_menu_segment_rules WHERE tenant_id = ?", {tenant_id});
  int64_t now = clock::now_ms();
  for (std::size_t i = 0; i < rules.size(); ++i)
    tx.exec(
        "INSERT INTO rich_menu_segment_rules (tenant_id, position, segment_id, menu_name, "
        "updated_at) VALUES (?, ?, ?, ?, ?)",
        {tenant_id, static_cast<int64_t>(i + 1), rules[i].segment_id, rules[i].menu, now});
}

Json rules_json(store::Tx& tx, int64_t tenant_id) {
  Json items = Json::array();
  for (const auto& r : load_menu_rules(tx, tenant_id)) {
    auto seg = residents::find_segment(tx, tenant_id, r.segment_id);
    items.push_back({{"segment_id", r.segment_id},
                     {"segment", seg ? Json(seg->name) : Json(nullptr)},
                     {"menu", r.menu}});
  }
  return {{"rules", items}, {"state", load_rich_menu_state(tx, tenant_id).to_json()}};
}

std::vector<MenuRule> rules_from_body(store::Tx& tx, int64_t tenant_id, const Json& body) {
  if (!body.is_object() || !body.contains("rules") || !body["rules"].is_array())
    throw ApiError::bad_request("rules を配列で指定してください", "rules");
  const Json& list = body["rules"];
  if (list.size() > kMaxMenuRules) throw ApiError::bad_request("割り当ては20件までです", "rules");
  std::vector<MenuRule> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string field = "rules/" + std::to_string(i);
    const Json& r = list[i];
    if (!r.is_object() || !r.contains("segment_id") || !r["segment_id"].is_number_integer())
      throw ApiError::bad_request("セグメントを選んでください", field + "/segment_id");
    if (!r.contains("menu") || !r["menu"].is_string())
      throw ApiError::bad_request("メニューを選んでください", field + "/menu");
    MenuRule m{r["segment_id"].get<int64_t>(), r["menu"].get<std::string>()};
    if (!residents::find_segment(tx, tenant_id, m.segment_id))
      throw ApiError::bad_request("そのセグメントはありません", field + "/segment_id");
    if (!find_rich_menu(tx, tenant_id, m.menu))
      throw ApiError::bad_request("リッチメニュー「" + m.menu + "」はありません", field + "/menu");
    out.push_back(std::move(m));
  }
  return out;
}

void enqueue_apply(store::Tx& tx, int64_t tenant_id, const Json& payload) {
  jobs::EnqueueOptions o;
  o.tenant_id = tenant_id;
  o.queue_key = rich_menu_queue_key(tenant_id);
  jobs::enqueue(tx, kRichMenuJob, payload, o);
}

std::vector<std::string> user_ids(const std::vector<LineRecipient>& who) {
  std::vector<std::string> out;
  out.reserve(who.size());
  for (const auto& w : who) out.push_back(w.user_id);
  return out;
}

}  // namespace

std::vector<MenuRule> load_menu_rules(store::Tx& tx, int64_t tenant_id) {
  std::vector<MenuRule> out;
  for (const auto& r : tx.query(
           "SELECT segment_id, menu_name FROM rich_menu_segment_rules WHERE tenant_id = ? ORDER "
           "BY position",
           {tenant_id}))
    out.push_back({r.i64(0), r.str(1)});
  return out;
}

void apply_menu_rules(store::Db& db, int64_t tenant_id,
                      const std::optional<std::vector<int64_t>>& only) {
  struct Plan {
    std::map<std::string, std::vector<LineRecipient>> link;  // menu -> residents
    std::vector<LineRecipient> unlink;
    bool switched_all = false;
  };
  Plan plan = db.read([&](store::Tx& tx) {
    Plan p;
    auto rules = load_menu_rules(tx, tenant_id);
    std::set<std::string> rule_menus;
    for (const auto& r : rules) rule_menus.insert(r.menu);
    p.switched_all = load_rich_menu_state(tx, tenant_id).switched_all;
    auto defs = residents::load_definitions(tx, tenant_id);
    // resident -> (identity, wanted menu), first matching rule wins.
    std::map<int64_t, std::pair<LineRecipient, std::string>> wanted;
    std::map<int64_t, std::string> current;  // the remembered link
    std::vector<LineRecipient> scope;        // residents considered
    if (only) {
      for (int64_t id : *only)
        for (const auto& i : residents::identities_on(tx, tenant_id, kChannel, id))
          scope.push_back({i.resident_id, i.external_id, tenant_id});
      for (const auto& who : scope) {
        auto r = residents::by_id(tx, tenant_id, who.resident_id);
        if (!r || r->status != "active") continue;
        for (const auto& rule : rules) {
          auto seg = residents::find_segment(tx, tenant_id, rule.segment_id);
          if (!seg) continue;
          auto c = residents::compile_condition(seg->condition, defs, tenant_id);
          if (residents::resident_matches(tx, tenant_id, who.resident_id, c.sql, c.params)) {
            wanted.emplace(who.resident_id, std::make_pair(who, rule.menu));
            break;
          }
        }
      }
      std::vector<int64_t> ids;
      for (const auto& w : scope) ids.push_back(w.resident_id);
      for (const auto& [id, vals] :
           residents::values_of_many(tx, tenant_id, ids, {residents::kLineRichMenuKey}))
        if (!vals.empty()) current[id] = vals.front().text.value_or("");
    } else {
      for (const auto& rule : rules) {
        auto seg = residents::find_segment(tx, tenant_id, rule.segment_id);
        if (!seg) continue;
        for (const auto& r : residents_matching(tx, tenant_id, seg->condition))
          wanted.emplace(r.resident_id, std::make_pair(r, rule.menu));
      }
      for (const auto& [menu, who] : remembered_links(tx, tenant_id))
        for (const auto& w : who) {
          current[w.resident_id] = menu;
          scope.push_back(w);
        }
    }
    for (const auto& [id, w] : wanted) {
      auto it = current.find(id);
      if (it == current.end() || it->second != w.second) p.link[w.second].push_back(w.first);
    }
    // A rule's menu stays only while a rule gives it; menus linked by hand stay.
    for (const auto& w : scope) {
      auto it = current.find(w.resident_id);
      if (it != current.end() && rule_menus.count(it->second) && !wanted.count(w.resident_id))
        p.unlink.push_back(w);
    }
    return p;
  });
  std::optional<RichMenuLine> line;
  if (!plan.switched_all && (!plan.link.empty() || !plan.unlink.empty()))
    line.emplace(RichMenuLine::for_tenant(db, tenant_id));
  for (const auto& [menu, who] : plan.link) {
    auto m =
        db.read([&, &menu = menu](store::Tx& tx) { return find_rich_menu(tx, tenant_id, menu); });
    if (!m) continue;  // removed since the rules were saved
    // LINE first, then remembered: a crash between them re-links on the retry (idempotent).
    if (line) {
      std::string line_id;
      {
        std::lock_guard lock(rich_menu_mutex());
        line_id = line->ensure(db, *m);
      }
      line->bulk_link(user_ids(who), line_id);
    }
    db.write([&, &menu = menu, &who = who](store::Tx& tx) { remember_links(tx, who, menu); });
  }
  if (!plan.unlink.empty()) {
    if (line) line->bulk_unlink(user_ids(plan.unlink));
    db.write([&](store::Tx& tx) { remember_links(tx, plan.unlink, ""); });
  }
}

Json switch_menu(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& menu) {
  auto text = [](const std::string& t) {
    return Json::array({Json{{"type", "text"}, {"text", t}}});
  };
  if (menu.empty() || !find_rich_menu(tx, tenant_id, menu))
    return text("そのメニューは今は使えません。");
  enqueue_apply(tx, tenant_id,
                {{"action", "link"}, {"name", menu}, {"resident_ids", Json::array({resident_id})}});
  return Json::array();
}

void register_menu_rule_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner) {
  static std::once_flag observer;
  // Captures nothing: the observer outlives any one server (CLI commands mount routes too).
  std::call_once(observer, [] {
    residents::on_attributes_changed([](store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
      if (load_menu_rules(tx, tenant_id).empty()) return;
      enqueue_apply(tx, tenant_id,
                    {{"action", "apply_rules"}, {"resident_ids", Json::array({resident_id})}});
    });
  });
  router.get("/api/line/rich-menu-rules", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    return http::Response::json(
        db.read([&](store::Tx& tx) { return rules_json(tx, who.tenant_id); }));
  });
  router.put("/api/line/rich-menu-rules", [&auth, &db, &runner](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    Json body = req.json_body();
    // 400 for a segment or menu that is not the tenant's, then 409 when no access token is set.
    db.read([&](store::Tx& tx) { return rules_from_body(tx, who.tenant_id, body).size(); });
    RichMenuLine::for_tenant(db, who.tenant_id);
    Json out = db.write([&](store::Tx& tx) {
      auto rules = rules_from_body(tx, who.tenant_id, body);
      save_menu_rules(tx, who.tenant_id, rules);
      jobs::EnqueueOptions o;
      o.tenant_id = who.tenant_id;
      o.queue_key = rich_menu_queue_key(who.tenant_id);
      int64_t job = jobs::enqueue(tx, kRichMenuJob, {{"action", "apply_rules"}}, o);
      Json detail = Json::array();
      for (const auto& r : rules)
        detail.push_back({{"segment_id", r.segment_id}, {"menu", r.menu}});
      auth::audit(tx, who, "line.rich_menu.rules", "line_rich_menu", "",
                  {{"rules", detail}, {"job_id", job}});
      Json res = rules_json(tx, who.tenant_id);
      res["job"] = {{"id", job},
                    {"status", "pending"},
                    {"url", "/api/line/rich-menus/jobs/" + std::to_string(job)}};
      return res;
    });
    runner.wake();
    return http::Response::json(out, 202);
  });
}

}  // namespace mg::line
