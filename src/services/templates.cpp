#include "services/templates.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/json_parse.h"
#include "core/log.h"
#include "services/catalog.h"
#include "services/readable.h"

namespace mg::services {

namespace fs = std::filesystem;

namespace {
bool valid_key(const std::string& key) {
  return !key.empty() && key.size() <= 64 &&
         key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

std::optional<Json> read_template(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  Json raw = parse_json_or_discarded(std::string(std::istreambuf_iterator<char>(in), {}),
                                     kServiceDefinitionLimits);
  if (raw.is_discarded() || !raw.is_object()) return std::nullopt;
  return raw;
}
}  // namespace

Json TemplateGallery::list() const {
  std::vector<Json> items;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return Json::array();
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".json" || !valid_key(e.path().stem().string())) continue;
    auto raw = read_template(e.path());
    if (!raw) continue;
    try {
      auto def = load_or_throw(*raw);
      Json lists = Json::array();
      for (const auto& s : def.steps)
        if (s.kind == conversation::StepKind::lookup) lists.push_back(s.list);
      items.push_back({{"key", e.path().stem().string()},
                       {"service_key", def.service_key},
                       {"title", def.title},
                       {"category", def.category},
                       {"department", def.department},
                       {"description", def.description},
                       {"fee", def.fee ? Json(*def.fee) : Json(nullptr)},
                       {"steps", readable_steps(def)},
                       {"lists", lists}});
    } catch (const std::exception&) {
      log::warn("template does not load", {{"file", e.path().filename().string()}});
    }
  }
  std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    return std::make_pair(a["category"].get<std::string>(), a["key"].get<std::string>()) <
           std::make_pair(b["category"].get<std::string>(), b["key"].get<std::string>());
  });
  Json out = Json::array();
  for (auto& i : items) out.push_back(std::move(i));
  return out;
}

std::optional<Json> TemplateGallery::definition(const std::string& key) const {
  if (!valid_key(key)) return std::nullopt;
  return read_template(fs::path(dir_) / (key + ".json"));
}

}  // namespace mg::services
