#include "residents/service.h"

#include <cmath>
#include <set>

#include "auth/password.h"
#include "core/errors.h"

namespace mg::residents {

namespace {

constexpr double kMaxNumber = 1e15;  // beyond this a double no longer holds every integer

bool multiple_allowed(AttributeType t) {
  switch (t) {
    case AttributeType::choice:
    case AttributeType::date:
    case AttributeType::tag:
      return true;
    case AttributeType::text:
    case AttributeType::number:
    case AttributeType::yes_no:
      return false;
  }
  return false;
}

bool has_control(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// A one-line text of 1..max characters; ApiError naming `field` otherwise.
void check_line(const std::string& s, std::size_t max_chars, const std::string& what,
                const std::string& field) {
  auto n = auth::utf8_length(s);
  if (!n) throw ApiError::bad_request(what + "に使えない文字が含まれています", field);
  if (*n == 0 || s.find_first_not_of(' ') == std::string::npos)
    throw ApiError::bad_request(what + "を入力してください", field);
  if (*n > max_chars)
    throw ApiError::bad_request(what + "は" + std::to_string(max_chars) + "文字以内にしてください",
                                field);
  if (has_control(s)) throw ApiError::bad_request(what + "に改行や制御文字は使えません", field);
}

std::string string_of(const Json& body, const char* name, const std::string& what) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null())
    throw ApiError::bad_request(what + "を入力してください", name);
  if (!it->is_string()) throw ApiError::bad_request(what + "は文字列で指定してください", name);
  return it->get<std::string>();
}

// An optional text: absent or null is "".
std::string optional_string_of(const Json& body, const char* name, const std::string& what) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) throw ApiError::bad_request(what + "は文字列で指定してください", name);
  return it->get<std::string>();
}

bool bool_of(const Json& body, const char* name, const std::string& what) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean())
    throw ApiError::bad_request(what + "は true か false で指定してください", name);
  return it->get<bool>();
}

AttributeDefinition owned(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto d = definition_by_id(tx, tenant_id, id);
  if (!d) throw ApiError::not_found("属性が見つかりません");
  return *d;
}

Json one_value_json(const AttributeValue& v) {
  if (v.number) {
    double x = *v.number;
    if (std::floor(x) == x && std::fabs(x) <= kMaxNumber) return static_cast<int64_t>(x);
    return x;
  }
  if (v.date) return *v.date;
  if (v.text) return *v.text;
  return nullptr;
}

}  // namespace

bool valid_key(const std::string& key) {
  if (key.empty() || key.size() > 40) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

AttributeDefinition definition_from_json(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("属性の内容を指定してください");
  AttributeDefinition d;
  d.key = string_of(body, "key", "キー");
  d.label = string_of(body, "label", "名前");
  auto type = string_of(body, "type", "種類");
  auto t = attribute_type_from(type);
  if (!t)
    throw ApiError::bad_request(
        "種類は choice, text, number, date, yes_no, tag のいずれかで指定してください", "type");
  d.type = *t;
  d.multiple = bool_of(body, "multiple", "複数");
  d.resident_editable = bool_of(body, "resident_editable", "住民による変更");
  d.resident_label = optional_string_of(body, "resident_label", "住民向けの名前");
  d.resident_help = optional_string_of(body, "resident_help", "住民向けの説明");
  if (auto it = body.find("position"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1000000)
      throw ApiError::bad_request("表示順は0から1000000までの整数で指定してください", "position");
    d.position = it->get<int64_t>();
  }
  if (auto it = body.find("options"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) throw ApiError::bad_request("選択肢は配列で指定してください", "options");
    if (it->size() > kMaxOptions)
      throw ApiError::bad_request("選択肢は" + std::to_string(kMaxOptions) + "個までにしてください",
                                  "options");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& o = (*it)[i];
      std::string field = "options[" + std::to_string(i) + "]";
      if (!o.is_object())
        throw ApiError::bad_request("選択肢は {value, label} で指定してください", field);
      auto v = o.find("value"), l = o.find("label");
      if (v == o.end() || !v->is_string())
        throw ApiError::bad_request("選択肢の値を文字列で指定してください", field + ".value");
      if (l == o.end() || !l->is_string())
        throw ApiError::bad_request("選択肢の表示名を文字列で指定してください", field + ".label");
      d.options.push_back({v->get<std::string>(), l->get<std::string>()});
    }
  }
  validate_definition(d);
  return d;
}

void validate_definition(const AttributeDefinition& d) {
  if (!valid_key(d.key))
    throw ApiError::bad_request("キーは半角英小文字・数字・_ の40文字以内で指定してください",
                                "key");
  if (d.key == kLineRichMenuKey)
    throw ApiError::bad_request("このキーはシステムが使うため指定できません", "key");
  check_line(d.label, kMaxLabelChars, "名前", "label");
  // Both may stay empty (residents then read the staff label and no help).
  if (!d.resident_label.empty())
    check_line(d.resident_label, kMaxLabelChars, "住民向けの名前", "resident_label");
  if (!d.resident_help.empty())
    check_line(d.resident_help, kMaxHelpChars, "住民向けの説明", "resident_help");
  if (d.multiple && !multiple_allowed(d.type))
    throw ApiError::bad_request(
        std::string("複数の値は選択肢・日付・タグだけに使えます（この属性は") +
            japanese_name(d.type) + "）",
        "multiple");
  if (d.type != AttributeType::choice) {
    if (!d.options.empty())
      throw ApiError::bad_request("選択肢は種類が「選択肢」の属性だけに指定できます", "options");
    return;
  }
  if (d.options.empty()) throw ApiError::bad_request("選択肢を1つ以上指定してください", "options");
  if (d.options.size() > kMaxOptions)
    throw ApiError::bad_request("選択肢は" + std::to_string(kMaxOptions) + "個までにしてください",
                                "options");
  std::set<std::string> values, labels;
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    std::string field = "options[" + std::to_string(i) + "]";
    check_line(d.options[i].value, kMaxOptionChars, "選択肢の値", field + ".value");
    check_line(d.options[i].label, kMaxOptionChars, "選択肢の表示名", field + ".label");
    if (!values.insert(d.options[i].value).second)
      throw ApiError::bad_request("選択肢の値「" + d.options[i].value + "」が重複しています",
                                  field + ".value");
    if (!labels.insert(d.options[i].label).second)
      throw ApiError::bad_request("選択肢の表示名「" + d.options[i].label + "」が重複しています",
                                  field + ".label");
  }
}

Json to_json(const AttributeDefinition& d) {
  Json options = Json::array();
  for (const auto& o : d.options) options.push_back({{"value", o.value}, {"label", o.label}});
  return {{"id", d.id},
          {"key", d.key},
          {"label", d.label},
          {"type", to_string(d.type)},
          {"multiple", d.multiple},
          {"options", options},
          {"resident_editable", d.resident_editable},
          {"resident_label", d.resident_label},
          {"resident_help", d.resident_help},
          {"position", d.position}};
}

std::vector<AttributeValue> values_from_json(const AttributeDefinition& d, const Json& value) {
  const std::string field = "values." + d.key;
  std::vector<AttributeValue> out;
  if (value.is_null()) return out;
  std::vector<const Json*> items;
  if (value.is_array()) {
    if (!d.multiple)
      throw ApiError::bad_request("「" + d.label + "」には値を1つだけ指定してください", field);
    if (value.size() > kMaxValuesPerKey)
      throw ApiError::bad_request(
          "「" + d.label + "」の値は" + std::to_string(kMaxValuesPerKey) + "個までにしてください",
          field);
    for (const auto& v : value) items.push_back(&v);
  } else {
    items.push_back(&value);
  }
  std::set<std::string> seen;
  for (const Json* j : items) {
    AttributeValue v;
    v.key = d.key;
    if (d.type == AttributeType::number) {
      if (!j->is_number() || !std::isfinite(j->get<double>()) ||
          std::fabs(j->get<double>()) > kMaxNumber)
        throw ApiError::bad_request("「" + d.label + "」は数値で指定してください", field);
      v.number = j->get<double>();
      out.push_back(std::move(v));
      continue;
    }
    if (!j->is_string())
      throw ApiError::bad_request("「" + d.label + "」は文字列で指定してください", field);
    std::string s = j->get<std::string>();
    switch (d.type) {
      case AttributeType::choice: {
        bool known = false;
        for (const auto& o : d.options) known = known || o.value == s;
        if (!known) throw ApiError::bad_request("「" + d.label + "」の選択肢にない値です", field);
        v.text = s;
        break;
      }
      case AttributeType::text:
        check_line(s, kMaxTextChars, "「" + d.label + "」", field);
        v.text = s;
        break;
      case AttributeType::tag:
        check_line(s, kMaxTagChars, "「" + d.label + "」", field);
        v.text = s;
        break;
      case AttributeType::yes_no:
        if (s != "yes" && s != "no")
          throw ApiError::bad_request("「" + d.label + "」は yes か no で指定してください", field);
        v.text = s;
        break;
      case AttributeType::date:
        if (!valid_date(s))
          throw ApiError::bad_request(
              "「" + d.label + "」は存在する日付を YYYY-MM-DD で指定してください", field);
        v.date = s;
        break;
      case AttributeType::number:
        break;  // handled above
    }
    if (!seen.insert(s).second)
      throw ApiError::bad_request("「" + d.label + "」の値「" + s + "」が重複しています", field);
    out.push_back(std::move(v));
  }
  return out;
}

Json values_json(const std::vector<AttributeDefinition>& defs,
                 const std::vector<AttributeValue>& values) {
  Json out = Json::object();
  for (const auto& v : values) {
    const AttributeDefinition* d = nullptr;
    for (const auto& x : defs)
      if (x.key == v.key) d = &x;
    Json one = one_value_json(v);
    bool several = d ? d->multiple : out.contains(v.key);
    if (!several) {
      out[v.key] = one;
      continue;
    }
    Json& slot = out[v.key];
    if (!slot.is_array()) slot = slot.is_null() ? Json::array() : Json::array({slot});
    slot.push_back(one);
  }
  return out;
}

AttributeDefinition create_definition(store::Tx& tx, int64_t tenant_id, AttributeDefinition d) {
  validate_definition(d);
  d.tenant_id = tenant_id;
  if (definition_by_key(tx, tenant_id, d.key))
    throw ApiError::conflict("キー「" + d.key + "」の属性はすでにあります", "key");
  if (count_definitions(tx, tenant_id) >= static_cast<int64_t>(kMaxDefinitions))
    throw ApiError::bad_request("属性は" + std::to_string(kMaxDefinitions) +
                                "個までしか作れません");
  try {
    d.id = insert_definition(tx, d);
  } catch (const store::UniqueViolation&) {  // created meanwhile by another admin
    throw ApiError::conflict("キー「" + d.key + "」の属性はすでにあります", "key");
  }
  return d;
}

AttributeDefinition change_definition(store::Tx& tx, int64_t tenant_id, int64_t id,
                                      AttributeDefinition d) {
  auto before = owned(tx, tenant_id, id);
  if (d.key != before.key) throw ApiError::bad_request("キーは変更できません", "key");
  if (d.type != before.type) throw ApiError::bad_request("種類は変更できません", "type");
  validate_definition(d);
  d.id = id;
  d.tenant_id = tenant_id;
  if (before.multiple && !d.multiple && residents_with_several(tx, tenant_id, d.key) > 0)
    throw ApiError::conflict("複数の値を持つ住民がいるため、複数選択をやめられません", "multiple");
  if (d.type == AttributeType::choice) {
    std::set<std::string> kept;
    for (const auto& o : d.options) kept.insert(o.value);
    Json in_use = Json::array();
    for (const auto& v : text_values_in_use(tx, tenant_id, d.key))
      if (!kept.count(v)) in_use.push_back(v);
    if (!in_use.empty())
      throw ApiError::conflict("住民が選んでいる選択肢は削除できません", "options")
          .with_details(in_use);
  }
  update_definition(tx, d);
  return d;
}

AttributeDefinition remove_definition(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto d = owned(tx, tenant_id, id);
  delete_definition(tx, tenant_id, id, d.key);
  return d;
}

Json resident_attributes(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  if (!by_id(tx, tenant_id, resident_id)) throw ApiError::not_found("住民が見つかりません");
  return {{"resident_id", resident_id},
          {"values",
           values_json(list_definitions(tx, tenant_id), values_of(tx, tenant_id, resident_id))}};
}

std::vector<std::string> set_resident_attributes(store::Tx& tx, int64_t tenant_id,
                                                 int64_t resident_id, const Json& body) {
  if (!by_id(tx, tenant_id, resident_id)) throw ApiError::not_found("住民が見つかりません");
  auto it = body.is_object() ? body.find("values") : body.end();
  if (!body.is_object() || it == body.end() || !it->is_object())
    throw ApiError::bad_request("values を {キー: 値} で指定してください", "values");
  if (it->size() > kMaxDefinitions)
    throw ApiError::bad_request(
        "一度に変更できる属性は" + std::to_string(kMaxDefinitions) + "個までです", "values");
  auto defs = list_definitions(tx, tenant_id);
  // Everything is checked before anything is written.
  std::vector<std::pair<std::string, std::vector<AttributeValue>>> changes;
  for (auto v = it->begin(); v != it->end(); ++v) {
    const AttributeDefinition* d = nullptr;
    for (const auto& x : defs)
      if (x.key == v.key()) d = &x;
    if (!d) {
      // A well-formed key is named back; anything else is not echoed.
      if (!valid_key(v.key()))
        throw ApiError::bad_request("属性のキーが正しくありません", "values");
      throw ApiError::bad_request("属性「" + v.key() + "」は定義されていません",
                                  "values." + v.key());
    }
    changes.emplace_back(d->key, values_from_json(*d, v.value()));
  }
  std::vector<std::string> keys;
  for (const auto& [key, values] : changes) {
    replace_values(tx, tenant_id, resident_id, key, values);
    keys.push_back(key);
  }
  if (!keys.empty()) attributes_changed(tx, tenant_id, resident_id);
  return keys;
}

}  // namespace mg::residents
