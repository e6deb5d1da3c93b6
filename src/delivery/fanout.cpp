#include "delivery/fanout.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "channels/line/outbox.h"
#include "core/clock.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "delivery/campaigns.h"
#include "delivery/click_tracking.h"
#include "delivery/variables.h"
#include "messaging/web_inbox.h"
#include "residents/condition.h"
#include "residents/store.h"

namespace mg::delivery {

namespace {

// Active LINE residents of the tenant: r.external_id is the LINE user id.
const char* kLineResidents =
    "FROM residents r WHERE r.tenant_id = ? AND r.channel = 'line' AND r.status = 'active'";

// The campaign as an inbox message: its title and its LINE messages in words (a card's title,
// text and link; an image has no place in the text inbox).
messaging::WebMessage web_message(const std::string& title, const Json& messages) {
  messaging::WebMessage m;
  m.kind = "notice";
  m.title = title;
  auto add = [&m](const std::string& part) {
    if (!part.empty()) m.text += (m.text.empty() ? "" : "\n\n") + part;
  };
  for (const auto& msg : messages) {
    if (!msg.is_object()) continue;
    std::string type = msg.value("type", "");
    if (type == "text") add(msg.value("text", std::string()));
    if (type == "template" && msg.contains("template") && msg["template"].is_object()) {
      const Json& t = msg["template"];
      std::string card = t.value("title", std::string());
      std::string body = t.value("text", std::string());
      if (!body.empty()) card += (card.empty() ? "" : "\n") + body;
      if (t.contains("actions") && t["actions"].is_array())
        for (const auto& a : t["actions"])
          if (a.is_object() && a.value("type", "") == "uri")
            card += (card.empty() ? "" : "\n") + a.value("label", std::string()) + ": " +
                    a.value("uri", std::string());
      add(card);
    }
  }
  return m;
}

messaging::WebMessage web_message(const Campaign& c) { return web_message(c.title, c.messages); }

// Personalised campaigns (variables.h): residents (ids) grouped by the messages they get.
std::map<std::string, std::vector<int64_t>> personalised_groups(
    store::Tx& tx, int64_t tenant_id, const Campaign& c, const std::vector<int64_t>& ids,
    const std::vector<residents::AttributeDefinition>& vars) {
  std::vector<std::string> keys;
  for (const auto& d : vars) keys.push_back(d.key);
  auto values = residents::values_of_many(tx, tenant_id, ids, keys);
  static const std::vector<residents::AttributeValue> none;
  std::map<std::string, std::vector<int64_t>> groups;
  for (int64_t id : ids) {
    auto it = values.find(id);
    std::map<std::string, std::string> named;
    for (const auto& d : vars)
      named[d.label] = display_value(d, it == values.end() ? none : it->second);
    groups[substitute_messages(c.messages, named).dump()].push_back(id);
  }
  return groups;
}

// The frozen audience's residents on `channel` in the id range (after, upto] (upto < 0: no
// upper end), ascending; at most `limit` (< 0: all).
std::vector<int64_t> audience_ids(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                                  const char* channel, int64_t after, int64_t upto, int64_t limit) {
  store::Params p{tenant_id, campaign_id, std::string(channel), after};
  if (upto >= 0) p.emplace_back(upto);
  if (limit >= 0) p.emplace_back(limit);
  std::vector<int64_t> ids;
  tx.each(std::string("SELECT resident_id FROM campaign_audience WHERE tenant_id = ? AND "
                      "campaign_id = ? AND channel = ? AND resident_id > ?") +
              (upto >= 0 ? " AND resident_id <= ?" : "") + " ORDER BY resident_id" +
              (limit >= 0 ? " LIMIT ?" : ""),
          p, [&](const store::Row& r) {
            ids.push_back(r.i64(0));
            return true;
          });
  return ids;
}

// "r.id IN (?, …)" for ids[from, from + n).
std::string id_list(const std::vector<int64_t>& ids, std::size_t from, std::size_t n,
                    store::Params& p) {
  std::string sql = "r.id IN (";
  for (std::size_t i = from; i < from + n; ++i) {
    sql += i > from ? ", ?" : "?";
    p.emplace_back(ids[i]);
  }
  return sql + ")";
}

}  // namespace

ResidentFilter audience_filter(const Json& audience) {
  std::string kind;
  if (audience.is_object() && audience.contains("kind") && audience["kind"].is_string())
    kind = audience["kind"].get<std::string>();
  if (kind == "all") return {};
  if (kind == "residents") {
    ResidentFilter f;
    if (!audience.contains("resident_ids")) return {"1 = 0", {}};
    const Json& ids = audience["resident_ids"];
    if (!ids.is_array() || ids.empty()) return {"1 = 0", {}};
    f.sql = "r.id IN (";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_number_integer()) throw std::invalid_argument("bad resident id");
      f.sql += i ? ", ?" : "?";
      f.params.emplace_back(ids[i].get<int64_t>());
    }
    f.sql += ")";
    return f;
  }
  throw std::invalid_argument("unknown audience kind");
}

ResidentFilter audience_filter(store::Tx& tx, int64_t tenant_id, const Json& audience) {
  if (audience.is_object() && audience.value("kind", "") == "condition") {
    residents::CompileOptions o;
    o.backend = tx.backend();
    auto compiled = residents::compile_condition(
        audience.contains("condition") ? audience["condition"] : Json(nullptr),
        residents::load_definitions(tx, tenant_id), tenant_id, o);
    return {compiled.sql, compiled.params};
  }
  return audience_filter(audience);
}

int64_t count_line_targets(store::Tx& tx, int64_t tenant_id, const ResidentFilter& f) {
  store::Params p{tenant_id};
  p.insert(p.end(), f.params.begin(), f.params.end());
  return tx.one(std::string("SELECT COUNT(*) ") + kLineResidents + " AND (" + f.sql + ")", p)
      ->i64(0);
}

int64_t count_blocked_line(store::Tx& tx, int64_t tenant_id, const Json& audience) {
  ResidentFilter f;
  if (audience.is_object() && audience.value("kind", "") == "condition") {
    residents::CompileOptions all;
    all.include_blocked = true;
    all.backend = tx.backend();
    auto compiled = residents::compile_condition(
        audience.contains("condition") ? audience["condition"] : Json(nullptr),
        residents::load_definitions(tx, tenant_id), tenant_id, all);
    f = {compiled.sql, compiled.params};
  } else {
    f = audience_filter(audience);
  }
  store::Params p{tenant_id};
  p.insert(p.end(), f.params.begin(), f.params.end());
  return tx
      .one(
          "SELECT COUNT(*) FROM residents r WHERE r.tenant_id = ? AND r.channel = 'line' AND "
          "r.status = 'blocked' AND (" +
              f.sql + ")",
          p)
      ->i64(0);
}

FrozenAudience freeze_audience(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                               const Json& audience, int64_t after_id) {
  // Compiled with blocked residents included: the same evaluation also finds the blocked LINE
  // residents the report counts as excluded (they are never sent to).
  ResidentFilter f;
  if (audience.is_object() && audience.value("kind", "") == "condition") {
    residents::CompileOptions all;
    all.include_blocked = true;
    all.backend = tx.backend();
    auto compiled = residents::compile_condition(
        audience.contains("condition") ? audience["condition"] : Json(nullptr),
        residents::load_definitions(tx, tenant_id), tenant_id, all);
    f = {compiled.sql, compiled.params};
  } else {
    f = audience_filter(audience);
  }
  drop_audience(tx, tenant_id, campaign_id);
  store::Params p{campaign_id, tenant_id, after_id};
  p.insert(p.end(), f.params.begin(), f.params.end());
  tx.exec(
      "INSERT INTO campaign_audience(tenant_id, campaign_id, channel, resident_id) SELECT "
      "r.tenant_id, ?, CASE WHEN r.status = 'blocked' THEN 'blocked' ELSE r.channel END, r.id FROM "
      "residents r WHERE "
      "r.tenant_id = ? AND r.id > ? AND ((r.status = 'active' AND r.channel IN ('line', 'web')) "
      "OR (r.status = 'blocked' AND r.channel = 'line')) AND (" +
          f.sql + ")",
      p);
  FrozenAudience out;
  for (const auto& r : tx.query("SELECT channel, COUNT(*) FROM campaign_audience WHERE tenant_id = "
                                "? AND campaign_id = ? "
                                "GROUP BY channel",
                                {tenant_id, campaign_id})) {
    if (r.str(0) == "line") out.line = r.i64(1);
    if (r.str(0) == "web") out.web = r.i64(1);
    if (r.str(0) == "blocked") out.blocked = r.i64(1);
  }
  return out;
}

void drop_audience(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  tx.exec("DELETE FROM campaign_audience WHERE tenant_id = ? AND campaign_id = ?",
          {tenant_id, campaign_id});
}

StepResult fanout_step(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  // Locked (PostgreSQL): a second runner of the same campaign waits here and then sees the
  // moved cursor, so no batch is written twice. The step is short (reads by primary key), so
  // the row is held only briefly.
  auto c = find(tx, tenant_id, campaign_id, true);
  if (!c || c->fanout_done || (c->status != "queued" && c->status != "sending")) return {};
  if (!c->audience_frozen) {
    // Queued before campaign_audience existed (an upgrade mid-campaign): evaluate the rest of
    // its audience once now; its targeted count was taken when it was queued.
    freeze_audience(tx, tenant_id, campaign_id, c->audience, c->cursor);
    tx.exec("UPDATE campaigns SET audience_frozen = 1 WHERE tenant_id = ? AND id = ?",
            {tenant_id, campaign_id});
  }
  int64_t now = clock::now_ms();

  // The next batch: up to 500 LINE residents of the frozen audience after the cursor. The
  // INSERT below picks them by primary key and skips anyone who blocked the account since.
  std::vector<int64_t> batch_ids =
      audience_ids(tx, tenant_id, campaign_id, "line", c->cursor, -1, kBatchSize);
  int64_t n = static_cast<int64_t>(batch_ids.size());
  int64_t last = n > 0 ? batch_ids.back() : c->cursor;
  bool done = n < kBatchSize;
  const char* kActiveLine =
      "SELECT r.external_id AS uid FROM residents r WHERE r.tenant_id = ? "
      "AND r.status = 'active' AND ";

  int64_t written = 0, batches = 0;
  // Variables in the messages: one multicast per distinct rendering (variables.h).
  auto vars = used_variables(c->messages, residents::load_definitions(tx, tenant_id));
  // Click tracking (click_tracking.h): each recipient gets their own links, so one
  // multicast per recipient.
  auto links = tracked_links(tx, tenant_id, campaign_id);
  if (!links.empty() && n > 0) {
    for (const auto& [messages, ids] : personalised_groups(tx, tenant_id, *c, batch_ids, vars)) {
      Json rendered = parse_stored_json(messages);
      for (int64_t id : ids) {
        auto batch = line::enqueue_multicast_select(
            tx, tenant_id, messages_for(tx, tenant_id, campaign_id, id, rendered, links).dump(),
            std::string(kActiveLine) + "r.id = ?", {tenant_id, id}, campaign_id);
        if (batch) written += batch->recipients, ++batches;
      }
    }
  } else if (n > 0 && !vars.empty()) {
    for (const auto& [messages, ids] : personalised_groups(tx, tenant_id, *c, batch_ids, vars)) {
      store::Params q{tenant_id};
      std::string in = id_list(ids, 0, ids.size(), q);
      auto batch =
          line::enqueue_multicast_select(tx, tenant_id, messages, kActiveLine + in, q, campaign_id);
      if (batch) written += batch->recipients, ++batches;
    }
  } else if (n > 0) {
    store::Params q{tenant_id};
    std::string in = id_list(batch_ids, 0, batch_ids.size(), q);
    auto batch = line::enqueue_multicast_select(tx, tenant_id, c->messages.dump(), kActiveLine + in,
                                                q, campaign_id);
    written = batch ? batch->recipients : 0;
    batches = written > 0 ? 1 : 0;
  }

  // Web residents of the same id range get the campaign in their inbox (お知らせ), in this
  // transaction; the last step takes every remaining one.
  int64_t upto = done ? -1 : last;
  if (!links.empty()) {
    // Tracked: each web resident's inbox copy carries their own redirect links, as on LINE.
    auto web_ids = audience_ids(tx, tenant_id, campaign_id, "web", c->cursor, upto, -1);
    for (const auto& [messages, ids] : personalised_groups(tx, tenant_id, *c, web_ids, vars)) {
      Json rendered = parse_stored_json(messages);
      for (int64_t id : ids)
        messaging::deliver_to_web(
            tx, tenant_id, "r.id = ?", {id},
            web_message(c->title, messages_for(tx, tenant_id, campaign_id, id, rendered, links)));
    }
  } else if (!vars.empty()) {
    auto web_ids = audience_ids(tx, tenant_id, campaign_id, "web", c->cursor, upto, -1);
    for (const auto& [messages, ids] : personalised_groups(tx, tenant_id, *c, web_ids, vars)) {
      auto m = web_message(c->title, parse_stored_json(messages));
      for (std::size_t at = 0; at < ids.size(); at += kBatchSize) {
        store::Params w;
        std::string in = id_list(ids, at, std::min<std::size_t>(kBatchSize, ids.size() - at), w);
        messaging::deliver_to_web(tx, tenant_id, in, w, m);
      }
    }
  } else {
    store::Params w{campaign_id, c->cursor};
    if (!done) w.emplace_back(last);
    messaging::deliver_to_web(
        tx, tenant_id,
        std::string("r.id IN (SELECT ca.resident_id FROM campaign_audience ca WHERE "
                    "ca.campaign_id = ? AND ca.channel = 'web' AND ca.resident_id > ?") +
            (done ? ")" : " AND ca.resident_id <= ?)"),
        w, web_message(*c));
  }
  tx.exec(
      "UPDATE campaigns SET fanout_cursor = ?, queued_count = queued_count + ?, batch_count = "
      "batch_count + ?, fanout_done = ?, status = 'sending', updated_at = ? WHERE tenant_id = ? "
      "AND id = ?",
      {last, written, batches, int64_t{done ? 1 : 0}, now, tenant_id, campaign_id});
  if (done) {
    drop_audience(tx, tenant_id, campaign_id);
    // Every batch may already have its outcome (or there was none to send).
    tx.exec(
        "UPDATE campaigns SET status = 'sent', finished_at = ? WHERE tenant_id = ? AND id = ? AND "
        "status = 'sending' AND sent_count + failed_count >= queued_count",
        {now, tenant_id, campaign_id});
  }
  return {written, done};
}

int64_t run_fanout(store::Db& db, int64_t tenant_id, int64_t campaign_id,
                   const std::function<void()>& after_step) {
  int64_t batches = 0;
  for (;;) {
    auto step = db.write([&](store::Tx& tx) { return fanout_step(tx, tenant_id, campaign_id); });
    if (step.recipients > 0) {
      ++batches;
      if (after_step) after_step();
    }
    if (step.done) break;
  }
  log::info("campaign fan-out done", {{"campaign_id", campaign_id}, {"batches", batches}});
  return batches;
}

}  // namespace mg::delivery
