#include "services/catalog.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "auth/service.h"
#include "conversation/fees.h"
#include "conversation/validation.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "services/readable.h"
#include "services/store.h"

namespace mg::services {

namespace fs = std::filesystem;

namespace {
// description and fee come from `definition`: the draft for staff, the published version for
// residents.
ServiceSummary to_summary(const sql::ServiceRow& r, const std::string& definition) {
  ServiceSummary s;
  s.id = r.id;
  s.service_key = r.service_key;
  s.title = r.title;
  s.category = r.category;
  s.department = r.department;
  s.status = r.status;
  s.published_version = r.published_version;
  s.draft_updated_at = r.draft_updated_at;
  Json d = parse_stored_json(definition);
  if (d.is_object()) {
    s.description = d.value("description", "");
    if (d.contains("fee") && d["fee"].is_number_integer()) s.fee = d["fee"].get<int64_t>();
  }
  return s;
}

// "2025-04-01" → "2025/4/1", the way dates read in Japanese notices.
std::string display_date(const std::string& iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return iso;
  auto part = [&](std::size_t pos) {
    std::string p = iso.substr(pos, 2);
    return p[0] == '0' ? p.substr(1) : p;
  };
  return iso.substr(0, 4) + "/" + part(5) + "/" + part(8);
}
}  // namespace

Json resident_visibility(const std::string& status, const Json& published_definition,
                         const std::string& today) {
  if (status != "published") return {{"visible", false}, {"reason", "公開されていません"}};
  const Json& d = published_definition;
  const Json& avail = d.is_object() && d.contains("available") ? d["available"] : Json();
  if (avail.is_object()) {
    std::string from = avail.value("from", ""), to = avail.value("to", "");
    std::string period = "受付期間（" + display_date(from) + "〜" + display_date(to) + "）";
    if (!from.empty() && today < from)
      return {{"visible", false}, {"reason", period + "がまだ始まっていません"}};
    if (!to.empty() && today > to)
      return {{"visible", false}, {"reason", period + "が終わっています"}};
  }
  return {{"visible", true}, {"reason", ""}};
}

Json ServiceSummary::to_json() const {
  Json j = {{"id", id},
            {"service_key", service_key},
            {"title", title},
            {"category", category},
            {"department", department},
            {"description", description},
            {"status", status},
            {"fee", fee ? Json(*fee) : Json(nullptr)},
            {"published_version", published_version ? Json(*published_version) : Json(nullptr)},
            {"draft_updated_at", draft_updated_at}};
  // Staff views only (they carry visibility); residents' lists never mention drafts.
  if (visibility) {
    j["visibility"] = *visibility;
    j["draft_changed"] = changes && !changes->empty();
    j["draft_changes"] = changes ? *changes : Json(nullptr);
  }
  if (fees) j["fees"] = *fees;
  if (revision) j["revision"] = *revision;
  return j;
}

std::string draft_revision(const std::string& draft) {
  return crypto::sha256_hex(draft).substr(0, 16);
}

conversation::ServiceDefinition load_or_throw(const Json& definition) {
  if (!definition.is_object())
    throw ApiError::bad_request("definition はオブジェクトで指定してください", "definition");
  auto res = conversation::load_definition(definition);
  if (!res.definition) {
    std::string first = res.issues.empty() ? "" : res.issues.front().message;
    throw ApiError(400, "invalid_definition", "サービス定義に問題があります: " + first,
                   "definition")
        .with_details(res.issues_json());
  }
  return *res.definition;
}

ServiceSummary Catalog::save(store::Tx& tx, int64_t tenant_id, std::optional<int64_t> id,
                             const conversation::ServiceDefinition& def, const Json& raw) {
  int64_t now = clock::now_ms();
  if (!id) id = sql::service_id_by_key(tx, tenant_id, def.service_key);
  if (id) {
    if (!sql::update_draft(tx, tenant_id, *id, def, raw.dump(), now)) throw ApiError::not_found();
  } else {
    id = sql::insert_service(tx, tenant_id, def, raw.dump(), now);
  }
  auto r = sql::service_by_id(tx, tenant_id, *id);
  auto out = to_summary(*r, r->draft);
  out.revision = draft_revision(r->draft);
  return out;
}

ServiceSummary Catalog::save_draft(const auth::Principal& who, const Json& definition) {
  auto def = load_or_throw(definition);
  try {
    return db_.write([&](store::Tx& tx) {
      auto s = save(tx, who.tenant_id, std::nullopt, def, definition);
      auth::audit(tx, who, "service.save_draft", "service", std::to_string(s.id),
                  {{"service_key", s.service_key}});
      return s;
    });
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("同じ service_key のサービスがあります", "service_key");
  }
}

ServiceSummary Catalog::replace_draft(const auth::Principal& who, int64_t id,
                                      const Json& definition,
                                      const std::optional<std::string>& base_revision) {
  auto def = load_or_throw(definition);
  try {
    return db_.write([&](store::Tx& tx) {
      // Locked (PostgreSQL) so two editors saving at once cannot both pass the check.
      auto current = sql::lock_service(tx, who.tenant_id, id);
      if (!current) throw ApiError::not_found();
      if (base_revision && *base_revision != draft_revision(current->draft))
        throw ApiError(409, "stale_draft",
                       "ほかの職員がこの下書きを先に保存しました。画面を読み込み直して、最新の内容"
                       "を確かめてから編集してください（あなたの変更はまだ保存されていません）",
                       "base_revision");
      auto s = save(tx, who.tenant_id, id, def, definition);
      auth::audit(tx, who, "service.save_draft", "service", std::to_string(s.id),
                  {{"service_key", s.service_key}});
      return s;
    });
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("同じ service_key のサービスがあります", "service_key");
  }
}

std::vector<ServiceSummary> Catalog::list(int64_t tenant_id) {
  std::string today = clock::date_jst(clock::now_ms());
  return db_.read([&](store::Tx& tx) {
    std::vector<ServiceSummary> out;
    for (const auto& r : sql::services_with_published(tx, tenant_id)) {
      auto s = to_summary(r.service, r.service.draft);
      Json pub = r.published ? parse_stored_json(*r.published) : Json();
      s.visibility = resident_visibility(s.status, pub, today);
      if (r.published) s.changes = definition_changes(pub, parse_stored_json(r.service.draft));
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::vector<ServiceSummary> Catalog::published(int64_t tenant_id) {
  std::string today = clock::date_jst(clock::now_ms());
  // Residents see the published version's metadata, not the draft's.
  return db_.read([&](store::Tx& tx) {
    std::vector<ServiceSummary> out;
    for (const auto& r : sql::published_services(tx, tenant_id)) {
      auto s = to_summary(r.service, *r.published);
      Json d = parse_stored_json(*r.published);
      if (d.is_object()) {
        s.title = d.value("title", s.title);
        // Outside its acceptance period (受付期間) a service is not offered at all.
        if (!resident_visibility(s.status, d, today)["visible"].get<bool>()) continue;
        auto parsed = conversation::parse_definition(d);
        if (parsed.definition) s.fees = conversation::fee_outline(*parsed.definition).to_json();
      }
      out.push_back(std::move(s));
    }
    return out;
  });
}

Json Catalog::detail(int64_t tenant_id, int64_t id) {
  return db_.read([&](store::Tx& tx) {
    auto r = sql::service_by_id(tx, tenant_id, id);
    if (!r) throw ApiError::not_found();
    auto summary = to_summary(*r, r->draft);
    Json published;
    if (summary.published_version)
      if (auto v = sql::version_definition(tx, tenant_id, id, *summary.published_version))
        published = parse_stored_json(*v);
    summary.visibility =
        resident_visibility(summary.status, published, clock::date_jst(clock::now_ms()));
    if (!published.is_null())
      summary.changes = definition_changes(published, parse_stored_json(r->draft));
    summary.revision = draft_revision(r->draft);
    Json out = summary.to_json();
    out["definition"] = parse_stored_json(r->draft);
    Json versions = Json::array();
    for (const auto& v : sql::version_history(tx, tenant_id, id))
      versions.push_back(
          {{"version", v.version},
           {"published_at", v.published_at},
           {"published_by", v.published_by ? Json(*v.published_by) : Json(nullptr)}});
    out["versions"] = versions;
    return out;
  });
}

Json Catalog::export_definition(int64_t tenant_id, int64_t id) {
  return db_.read([&](store::Tx& tx) {
    auto r = sql::service_by_id(tx, tenant_id, id);
    if (!r) throw ApiError::not_found();
    return parse_json(r->draft);
  });
}

PublishResult Catalog::publish_in(store::Tx& tx, int64_t tenant_id, int64_t id,
                                  std::optional<int64_t> staff) {
  auto r = sql::lock_service(tx, tenant_id, id);
  if (!r) throw ApiError::not_found();
  Json draft = parse_json(r->draft);
  load_or_throw(draft);  // a draft saved by an older release may no longer validate
  if (auto current = r->published_version) {
    auto v = sql::version_definition(tx, tenant_id, id, *current);
    if (v && same_definition(parse_stored_json(*v), draft)) {
      if (r->status != "published") sql::set_status(tx, tenant_id, id, "published");
      return {*current, false};
    }
  }
  int64_t version = sql::last_version(tx, tenant_id, id) + 1;
  sql::insert_version(tx, tenant_id, id, version, draft.dump(), clock::now_ms(), staff);
  sql::set_published(tx, tenant_id, id, version);
  return {version, true};
}

PublishResult Catalog::publish(const auth::Principal& who, int64_t id) {
  return db_.write([&](store::Tx& tx) {
    auto was = sql::service_by_id(tx, who.tenant_id, id);
    auto res = publish_in(tx, who.tenant_id, id, who.staff_id);
    // Nothing changed at all (same draft, already public): no audit row either.
    if (res.created || (was && was->status != "published"))
      auth::audit(tx, who, "service.publish", "service", std::to_string(id),
                  {{"version", res.version}, {"new_version", res.created}});
    return res;
  });
}

std::optional<Json> Catalog::version_json(int64_t tenant_id, int64_t id, int64_t version) {
  return db_.read([&](store::Tx& tx) -> std::optional<Json> {
    auto v = sql::version_definition(tx, tenant_id, id, version);
    if (!v) return std::nullopt;
    return parse_stored_json(*v);
  });
}

PublishResult Catalog::restore_version(const auth::Principal& who, int64_t id, int64_t version) {
  try {
    return db_.write([&](store::Tx& tx) {
      if (!sql::lock_service(tx, who.tenant_id, id)) throw ApiError::not_found();
      auto v = sql::version_definition(tx, who.tenant_id, id, version);
      if (!v) throw ApiError::not_found("その版はありません");
      Json raw = parse_stored_json(*v);
      auto def = load_or_throw(raw);  // rules may have grown stricter since it was published
      save(tx, who.tenant_id, id, def, raw);
      auto res = publish_in(tx, who.tenant_id, id, who.staff_id);
      auth::audit(tx, who, "service.restore_version", "service", std::to_string(id),
                  {{"restored", version}, {"version", res.version}, {"new_version", res.created}});
      return res;
    });
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("その版のサービスキーは、ほかのサービスが使っています", "service_key");
  }
}

Json Catalog::changes_between(int64_t tenant_id, int64_t id, int64_t from,
                              std::optional<int64_t> to) {
  return db_.read([&](store::Tx& tx) {
    auto r = sql::service_by_id(tx, tenant_id, id);
    if (!r) throw ApiError::not_found();
    auto a = sql::version_definition(tx, tenant_id, id, from);
    if (!a) throw ApiError::not_found("その版はありません");
    std::optional<std::string> b = to ? sql::version_definition(tx, tenant_id, id, *to) : r->draft;
    if (!b) throw ApiError::not_found("その版はありません");
    return definition_changes(parse_stored_json(*a), parse_stored_json(*b));
  });
}

ServiceSummary Catalog::create_from_template(const auth::Principal& who, const std::string& key,
                                             const Json& definition) {
  auto def = load_or_throw(definition);
  try {
    return db_.write([&](store::Tx& tx) {
      if (sql::service_id_by_key(tx, who.tenant_id, def.service_key))
        throw ApiError::conflict(
            "このテンプレートのサービス（" + def.title + "）はすでに登録されています",
            "service_key");
      auto s = save(tx, who.tenant_id, std::nullopt, def, definition);
      auth::audit(tx, who, "service.create_from_template", "service", std::to_string(s.id),
                  {{"template", key}, {"service_key", s.service_key}});
      return s;
    });
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("このテンプレートのサービスはすでに登録されています", "service_key");
  }
}

std::vector<LookupUse> Catalog::lookup_uses(int64_t tenant_id) {
  std::vector<LookupUse> out;
  auto add = [&](int64_t service_id, const Json& raw) {
    auto res = conversation::load_definition(raw);
    if (!res.definition) return;
    for (const auto& s : res.definition->steps) {
      if (s.kind != conversation::StepKind::lookup) continue;
      LookupUse u{s.list, service_id, res.definition->title, s.label.empty() ? s.id : s.label, {}};
      for (const auto& [field, source] : s.match_fields) u.fields.push_back(field);
      bool seen = std::any_of(out.begin(), out.end(), [&](const LookupUse& o) {
        return o.list == u.list && o.service_id == u.service_id && o.fields == u.fields;
      });
      if (!seen) out.push_back(std::move(u));
    }
  };
  db_.read([&](store::Tx& tx) {
    auto rows = sql::services_with_published(tx, tenant_id);
    // By id, as staff created them (the list query orders by category first).
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.service.id < b.service.id; });
    for (const auto& r : rows) {
      add(r.service.id, parse_stored_json(r.service.draft));
      if (r.published) add(r.service.id, parse_stored_json(*r.published));
    }
  });
  return out;
}

ServiceSummary Catalog::unpublish(const auth::Principal& who, int64_t id) {
  return db_.write([&](store::Tx& tx) {
    if (!sql::set_status(tx, who.tenant_id, id, "unpublished")) throw ApiError::not_found();
    auth::audit(tx, who, "service.unpublish", "service", std::to_string(id));
    auto r = sql::service_by_id(tx, who.tenant_id, id);
    return to_summary(*r, r->draft);
  });
}

std::shared_ptr<const PublishedVersion> Catalog::cached(int64_t tenant_id, int64_t version_id) {
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(version_id);
  if (it == cache_.end()) return nullptr;
  if (it->second->tenant_id != tenant_id) throw ApiError::not_found();
  return it->second;
}

std::shared_ptr<const PublishedVersion> Catalog::version(int64_t tenant_id, int64_t version_id) {
  // Versions never change, so a cached one needs no transaction at all.
  if (auto pv = cached(tenant_id, version_id)) return pv;
  return db_.read([&](store::Tx& tx) { return version(tx, tenant_id, version_id); });
}

std::shared_ptr<const PublishedVersion> Catalog::version(store::Tx& tx, int64_t tenant_id,
                                                         int64_t version_id) {
  if (auto pv = cached(tenant_id, version_id)) return pv;
  auto row = sql::version_by_id(tx, tenant_id, version_id);
  if (!row) throw ApiError::not_found();
  auto pv = std::make_shared<PublishedVersion>();
  pv->version_id = row->id;
  pv->service_id = row->service_id;
  pv->version = row->version;
  pv->definition = load_or_throw(parse_json(row->definition));
  pv->title = pv->definition.title;
  pv->tenant_id = tenant_id;
  std::lock_guard lock(cache_mu_);
  cache_[version_id] = pv;
  return pv;
}

std::shared_ptr<const PublishedVersion> Catalog::current_version(int64_t tenant_id,
                                                                 int64_t service_id) {
  return db_.read([&](store::Tx& tx) { return current_version(tx, tenant_id, service_id); });
}

std::shared_ptr<const PublishedVersion> Catalog::current_version(store::Tx& tx, int64_t tenant_id,
                                                                 int64_t service_id) {
  auto id = sql::current_version_id(tx, tenant_id, service_id);
  if (!id) throw ApiError::not_found("このサービスは現在受け付けていません");
  return version(tx, tenant_id, *id);
}

int Catalog::import_directory(int64_t tenant_id, const std::string& dir) {
  int imported = 0;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p);
    Json raw = parse_json_or_discarded(std::string(std::istreambuf_iterator<char>(in), {}),
                                       kServiceDefinitionLimits);
    auto def = load_or_throw(raw);
    db_.write([&](store::Tx& tx) {
      if (sql::service_id_by_key(tx, tenant_id, def.service_key)) return;
      auto s = save(tx, tenant_id, std::nullopt, def, raw);
      publish_in(tx, tenant_id, s.id, std::nullopt);
      ++imported;
    });
  }
  return imported;
}

std::optional<std::string> Catalog::department_of(int64_t tenant_id, int64_t id) {
  return db_.read([&](store::Tx& tx) { return sql::department_of(tx, tenant_id, id); });
}

}  // namespace mg::services
