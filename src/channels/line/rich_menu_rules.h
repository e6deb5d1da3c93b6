#pragma once
// Who sees which rich menu by saved segment (residents/segments.h): an ordered list of
// (segment, menu); a LINE resident gets the menu of the first segment that matches them.
// Applying the rules links each resident whose menu changes (LINE's bulk link, 500 users a
// call) from the rich-menu job queue, remembers the link (rich_menu_audience.h), and unlinks
// residents who no longer match any rule from a rule's menu (they see the default again).
// A resident's attribute change (staff or 受信設定) queues the rules for that resident alone.
// During switch-all (disaster mode) links are only remembered; the restore applies them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "core/json.h"
#include "core/router.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::line {

inline constexpr std::size_t kMaxMenuRules = 20;

struct MenuRule {
  int64_t segment_id = 0;
  std::string menu;
};

std::vector<MenuRule> load_menu_rules(store::Tx& tx, int64_t tenant_id);

// Job payload {"action":"apply_rules"} (every LINE resident) or with "resident_ids": [..].
void apply_menu_rules(store::Db& db, int64_t tenant_id,
                      const std::optional<std::vector<int64_t>>& only);

// The rich menu's "switch menu" area: postback command "menu:<name>". The switch goes through
// LINE's per-user link in the tenant's rich-menu job queue (so it waits behind a running
// switch-all and is only remembered in disaster mode). Returns what the resident is told.
inline constexpr const char* kSwitchMenuCommand = "menu:";
Json switch_menu(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& menu);

// GET/PUT /api/line/rich-menu-rules (admin); PUT saves the rules and queues their application.
// Also registers the attribute-change observer that keeps the links up to date.
void register_menu_rule_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner);

}  // namespace mg::line
