#include "channels/line/rich_menu_jobs.h"

#include "channels/line/rich_menu_audience.h"
#include "channels/line/rich_menu_line.h"
#include "channels/line/rich_menu_rules.h"
#include "channels/line/rich_menu_store.h"
#include "core/errors.h"
#include "core/log.h"

namespace mg::line {

namespace {

constexpr int64_t kRateLimitedRetryMs = 60 * 1000;  // LINE's 429 carries no Retry-After

std::vector<std::string> user_ids(const std::vector<LineRecipient>& who) {
  std::vector<std::string> ids;
  ids.reserve(who.size());
  for (const auto& w : who) ids.push_back(w.user_id);
  return ids;
}

StoredRichMenu require_menu(store::Db& db, int64_t tenant_id, const std::string& name) {
  auto m = db.read([&](store::Tx& tx) { return find_rich_menu(tx, tenant_id, name); });
  if (!m) throw ApiError::not_found("リッチメニュー「" + name + "」はありません");
  return *m;
}

std::string ensure_on_line(store::Db& db, RichMenuLine& line, StoredRichMenu& m) {
  std::lock_guard lock(rich_menu_mutex());
  return line.ensure(db, m);
}

void link(store::Db& db, int64_t tenant, const Json& p) {
  std::string name = p.at("name");
  StoredRichMenu m = require_menu(db, tenant, name);
  auto read = db.read([&](store::Tx& tx) {
    auto t = p.contains("segment")     ? residents_in_segment(tx, tenant, p["segment"])
             : p.contains("condition") ? residents_matching(tx, tenant, p["condition"])
                                       : residents_by_id(tx, tenant, p["resident_ids"]);
    return std::make_pair(t, load_rich_menu_state(tx, tenant));
  });
  auto& targets = read.first;  // not a structured binding: clang 14 cannot capture one
  // During switch-all, per-user links would hide the disaster menu: remember them only; the
  // restore applies them.
  if (!read.second.switched_all && !targets.empty()) {
    auto line = RichMenuLine::for_tenant(db, tenant);
    line.bulk_link(user_ids(targets), ensure_on_line(db, line, m));
  }
  db.write([&](store::Tx& tx) { remember_links(tx, targets, name); });
}

// Back from switch-all: the remembered default, then the remembered per-user links.
void restore(store::Db& db, int64_t tenant, const RichMenuState& state) {
  auto line = RichMenuLine::for_tenant(db, tenant);
  if (state.previous_default.empty()) {
    line.clear_default();
  } else {
    StoredRichMenu m = require_menu(db, tenant, state.previous_default);
    line.set_default(ensure_on_line(db, line, m));
  }
  auto links = db.read([&](store::Tx& tx) { return remembered_links(tx, tenant); });
  for (const auto& [menu, targets] : links) {
    auto m = db.read([&, &menu = menu](store::Tx& tx) { return find_rich_menu(tx, tenant, menu); });
    if (!m) continue;  // the menu was removed from configuration
    line.bulk_link(user_ids(targets), ensure_on_line(db, line, *m));
  }
  db.write([&](store::Tx& tx) {
    auto s = load_rich_menu_state(tx, tenant);
    s.default_name = s.previous_default;
    s.previous_default.clear();
    s.switched_all = false;
    save_rich_menu_state(tx, tenant, s);
  });
}

void switch_all(store::Db& db, int64_t tenant, const std::string& name) {
  auto state = db.read([&](store::Tx& tx) { return load_rich_menu_state(tx, tenant); });
  if (state.switched_all && name == state.previous_default) return restore(db, tenant, state);
  StoredRichMenu m = require_menu(db, tenant, name);
  auto line = RichMenuLine::for_tenant(db, tenant);
  line.set_default(ensure_on_line(db, line, m));
  // Per-user menus win over the default, so everyone is unlinked for the switch to show.
  auto everyone = db.read([&](store::Tx& tx) { return all_line_residents(tx, tenant); });
  line.bulk_unlink(user_ids(everyone));
  db.write([&](store::Tx& tx) {
    auto s = load_rich_menu_state(tx, tenant);
    // Switching from one emergency menu to another keeps the original menu to restore.
    if (!s.switched_all) s.previous_default = s.default_name;
    s.switched_all = true;
    s.default_name = name;
    save_rich_menu_state(tx, tenant, s);
  });
}

void run(store::Db& db, int64_t tenant, const Json& p) {
  std::string action = p.value("action", "");
  if (action == "link") return link(db, tenant, p);
  if (action == "switch_all") return switch_all(db, tenant, p.at("name"));
  if (action == "apply_rules") {
    std::optional<std::vector<int64_t>> only;
    if (p.contains("resident_ids")) only = p["resident_ids"].get<std::vector<int64_t>>();
    return apply_menu_rules(db, tenant, only);
  }
  if (action == "restore") {
    auto state = db.read([&](store::Tx& tx) { return load_rich_menu_state(tx, tenant); });
    if (state.switched_all) restore(db, tenant, state);
    return;
  }
  throw jobs::PermanentFailure("unknown rich menu action");
}

}  // namespace

std::mutex& rich_menu_mutex() {
  static std::mutex m;
  return m;
}

std::string rich_menu_queue_key(int64_t tenant_id) {
  return std::string(kRichMenuJob) + ":" + std::to_string(tenant_id);
}

void run_rich_menu_job(store::Db& db, const jobs::Job& job) {
  if (!job.tenant_id || !job.payload.is_object())
    throw jobs::PermanentFailure("rich menu job without tenant or payload");
  try {
    run(db, *job.tenant_id, job.payload);
  } catch (const ApiError& e) {
    // RichMenuLine reports LINE's answer as 502 line_error (with line_status) or
    // line_unreachable; everything else (404 menu, 409 token, 400 residents) will not heal.
    int line_status = e.details().is_object() ? e.details().value("line_status", 0) : 0;
    if (e.code() == "line_unreachable" || line_status >= 500) throw std::runtime_error(e.what());
    if (line_status == 429) throw jobs::RetryAfter(e.what(), kRateLimitedRetryMs);
    throw jobs::PermanentFailure(e.what());
  } catch (const Json::exception& e) {
    throw jobs::PermanentFailure(std::string("rich menu job payload: ") + e.what());
  }
}

}  // namespace mg::line
