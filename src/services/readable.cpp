#include "services/readable.h"

#include <set>

#include "conversation/step_kind.h"

namespace mg::services {

namespace conv = mg::conversation;

namespace {
// The names staff recognise for the definition's top-level fields.
const std::pair<const char*, const char*> kMeta[] = {
    {"title", "サービス名"},
    {"description", "説明"},
    {"category", "分類"},
    {"department", "担当課"},
    {"fee", "手数料"},
    {"available", "受付期間"},
    {"completion_message", "完了時のメッセージ"},
    {"service_key", "サービスのキー"},
    {"start", "最初の手順"},
    {"locale", "言語"},
};

// Which part of a step changed, in staff words.
const std::pair<const char*, const char*> kStepFields[] = {
    {"text", "質問文"},       {"label", "項目名"},
    {"kind", "種類"},         {"choices", "選択肢"},
    {"optional", "省略可否"}, {"next", "次の手順"},
    {"fee", "手数料"},        {"unit_fee", "手数料"},
    {"list", "照合する名簿"}, {"match_fields", "照合する項目"},
    {"cases", "分岐の条件"},  {"hint", "補足"},
};

std::string step_label(const Json& step) {
  if (!step.is_object()) return "";
  for (const char* k : {"label", "text", "id"})
    if (step.contains(k) && step[k].is_string() && !step[k].get<std::string>().empty())
      return step[k].get<std::string>();
  return "";
}

// Placeholders the engine fills in, shown as what the resident will read there.
std::string readable_text(std::string text) {
  const std::string key = "{{receipt_number}}", shown = "（受付番号）";
  for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos))
    text.replace(pos, key.size(), shown);
  return text;
}

const Json& member(const Json& j, const char* key) {
  static const Json null_json;
  return j.is_object() && j.contains(key) ? j[key] : null_json;
}
}  // namespace

bool same_definition(const Json& a, const Json& b) {
  // nlohmann's objects are ordered maps, so dump() is canonical.
  return a.dump() == b.dump();
}

Json readable_steps(const conv::ServiceDefinition& def) {
  Json out = Json::array();
  for (const auto& s : def.steps) {
    if (s.kind == conv::StepKind::branch) continue;
    Json e = {{"id", s.id},
              {"kind", conv::kind_name(s)},
              {"kind_label", conv::spec_of(s).staff_label()},
              {"label", readable_text(s.label.empty() ? s.text : s.label)},
              {"text", readable_text(s.text)},
              {"optional", s.optional}};
    if (s.kind == conv::StepKind::choice) {
      Json choices = Json::array();
      for (const auto& c : s.choices) {
        Json o = {{"label", c.label}};
        if (c.fee) o["fee"] = *c.fee;
        choices.push_back(o);
      }
      e["choices"] = choices;
      e["multiple"] = s.multiple;
    }
    if (s.unit_fee) e["unit_fee"] = *s.unit_fee;
    if (s.kind == conv::StepKind::lookup) {
      e["list"] = s.list;
      Json fields = Json::array();
      for (const auto& [field, source] : s.match_fields) {
        const auto* src = def.find(source);
        fields.push_back(src && !src->label.empty() ? src->label : field);
      }
      e["match_labels"] = fields;
    }
    out.push_back(e);
  }
  return out;
}

Json definition_changes(const Json& published, const Json& draft) {
  Json out = Json::array();
  if (same_definition(published, draft)) return out;
  for (const auto& [key, name] : kMeta) {
    const Json &a = member(published, key), &b = member(draft, key);
    if (a != b)
      out.push_back({{"kind", "meta_changed"},
                     {"label", name},
                     {"message", std::string(name) + "が変わりました"}});
  }
  const Json& a_steps = member(published, "steps");
  const Json& b_steps = member(draft, "steps");
  std::map<std::string, const Json*> before, after;
  std::vector<std::string> before_order, after_order;
  auto index = [](const Json& steps, std::map<std::string, const Json*>& by_id,
                  std::vector<std::string>& order) {
    if (!steps.is_array()) return;
    for (const auto& s : steps) {
      std::string id = s.is_object() && s.contains("id") && s["id"].is_string()
                           ? s["id"].get<std::string>()
                           : "";
      if (id.empty() || by_id.count(id)) continue;
      by_id[id] = &s;
      order.push_back(id);
    }
  };
  index(a_steps, before, before_order);
  index(b_steps, after, after_order);
  for (const auto& id : after_order) {
    auto it = before.find(id);
    const Json& now = *after[id];
    if (it == before.end()) {
      out.push_back({{"kind", "step_added"},
                     {"label", step_label(now)},
                     {"message", "手順「" + step_label(now) + "」が追加されました"}});
      continue;
    }
    const Json& was = *it->second;
    if (was == now) continue;
    std::vector<std::string> parts;
    std::set<std::string> named;
    for (const auto& [field, name] : kStepFields) {
      if (member(was, field) != member(now, field) && named.insert(name).second)
        parts.push_back(name);
    }
    if (parts.empty()) parts.push_back("設定");
    std::string what;
    for (std::size_t i = 0; i < parts.size(); ++i) what += (i ? "・" : "") + parts[i];
    out.push_back({{"kind", "step_changed"},
                   {"label", step_label(now)},
                   {"message", "手順「" + step_label(now) + "」の" + what + "が変わりました"}});
  }
  for (const auto& id : before_order)
    if (!after.count(id))
      out.push_back({{"kind", "step_removed"},
                     {"label", step_label(*before[id])},
                     {"message", "手順「" + step_label(*before[id]) + "」が削除されました"}});
  // Same steps in another order: say so, otherwise staff would see no difference listed.
  if (out.empty() && before_order != after_order)
    out.push_back({{"kind", "steps_reordered"},
                   {"label", "手順の順序"},
                   {"message", "手順の順序が変わりました"}});
  if (out.empty())
    out.push_back(
        {{"kind", "meta_changed"}, {"label", "その他"}, {"message", "その他の設定が変わりました"}});
  return out;
}

}  // namespace mg::services
