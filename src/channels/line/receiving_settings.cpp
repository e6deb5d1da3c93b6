#include "channels/line/receiving_settings.h"

#include <algorithm>
#include <cstdio>

#include "channels/line/renderer.h"
#include "core/errors.h"
#include "residents/settings.h"
#include "residents/store.h"

namespace mg::line {

namespace {

using residents::AttributeDefinition;
using residents::AttributeType;
using residents::AttributeValue;

constexpr const char* kNext = "next";
constexpr const char* kClear = "clear";

std::string fnv_hex(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

std::string data(const AttributeDefinition& d, const std::string& action) {
  return encode_postback({Postback::Kind::setting, action, d.key});
}

Json button(const std::string& label, const std::string& postback) {
  return quick_reply_item(postback_action(label, postback));
}

const std::string& text_of(const AttributeValue& v) {
  static const std::string none;
  return v.text ? *v.text : v.date ? *v.date : none;
}

bool holds(const std::vector<AttributeValue>& current, const std::string& s) {
  return std::any_of(current.begin(), current.end(),
                     [&](const AttributeValue& v) { return text_of(v) == s; });
}

std::string option_label(const AttributeDefinition& d, const std::string& value) {
  for (const auto& o : d.options)
    if (o.value == value) return o.label;
  return value;
}

std::string shown_value(const AttributeDefinition& d, const std::vector<AttributeValue>& current) {
  if (current.empty()) return "未設定";
  std::string out;
  for (const auto& v : current) {
    if (!out.empty()) out += "、";
    const std::string& s = text_of(v);
    switch (d.type) {
      case AttributeType::choice:
        out += option_label(d, s);
        break;
      case AttributeType::yes_no:
        out += s == "yes" ? "はい" : "いいえ";
        break;
      case AttributeType::date:
      case AttributeType::text:
      case AttributeType::number:
      case AttributeType::tag:
        out += s;
        break;
    }
  }
  return out;
}

std::vector<AttributeValue> values_of_key(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                          const std::string& key) {
  std::vector<AttributeValue> out;
  for (auto& v : residents::values_of(tx, tenant_id, resident_id))
    if (v.key == key) out.push_back(std::move(v));
  return out;
}

std::vector<AttributeDefinition> asked(store::Tx& tx, int64_t tenant_id) {
  std::vector<AttributeDefinition> out;
  for (auto& d : residents::editable_definitions(tx, tenant_id))
    if (asked_on_line(d)) out.push_back(std::move(d));
  return out;
}

// Saves `value` (a JSON value as the web page would send it) under the same rules as the web.
void save(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& key,
          Json value) {
  Json body{{"values", {{key, std::move(value)}}}};
  residents::set_own_settings(tx, tenant_id, resident_id, body);
}

Json values_array(const std::vector<AttributeValue>& current) {
  Json out = Json::array();
  for (const auto& v : current) out.push_back(text_of(v));
  return out;
}

Json summary(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
             const std::vector<AttributeDefinition>& defs, bool web_only) {
  std::string text = "受信設定を保存しました。";
  for (const auto& d : defs)
    text += "\n・" + residents::resident_facing_label(d) + "：" +
            shown_value(d, values_of_key(tx, tenant_id, resident_id, d.key));
  if (web_only) text += "\n\nそのほかの項目はウェブの受信設定で変更できます。";
  text += "\n\n変更するときは「受信設定」と送ってください。";
  Json ms = text_messages(text);
  ms.back()["quickReply"] = {
      {"items",
       Json::array({button("もう一度設定する", encode_postback({Postback::Kind::command,
                                                                kReceivingSettingsCommand}))})}};
  return ms;
}

}  // namespace

bool is_settings_word(const std::string& text) {
  return text == "受信設定" || text == "配信設定" || text == "通知設定";
}

bool asked_on_line(const AttributeDefinition& d) {
  switch (d.type) {
    case AttributeType::choice:
    case AttributeType::yes_no:
    case AttributeType::date:
      return true;
    case AttributeType::text:
    case AttributeType::number:
    case AttributeType::tag:
      return false;
  }
  return false;
}

std::string option_token(const AttributeDefinition& d, size_t i) {
  return "o:" + std::to_string(i) + ":" + fnv_hex(d.options.at(i).value);
}

Json settings_question(const AttributeDefinition& d, const std::vector<AttributeValue>& current,
                       size_t index, size_t total, int page, const std::string& ack) {
  std::string text;
  if (!ack.empty()) text = ack + "\n\n";
  text += "【" + std::to_string(index + 1) + "/" + std::to_string(total) + "】" +
          residents::resident_facing_label(d);
  if (!d.resident_help.empty()) text += "\n" + d.resident_help;
  text += "\n現在：" + shown_value(d, current);
  Json items = Json::array();
  switch (d.type) {
    case AttributeType::choice: {
      int pages = static_cast<int>((d.options.size() + kSettingOptionsPerPage - 1) /
                                   kSettingOptionsPerPage);
      page = std::clamp(page, 0, std::max(pages - 1, 0));
      text += d.multiple ? "\n当てはまるものをすべて選び、最後に「次へ」を押してください。"
                         : "\n1つ選んでください。";
      if (pages > 1)
        text += "\n（" + std::to_string(page + 1) + "/" + std::to_string(pages) + "ページ）";
      if (page > 0) items.push_back(button("前の選択肢", data(d, "p:" + std::to_string(page - 1))));
      for (size_t i = page * kSettingOptionsPerPage;
           i < d.options.size() && i < (page + 1) * kSettingOptionsPerPage; ++i) {
        const auto& o = d.options[i];
        std::string label = (holds(current, o.value) ? "✓ " : "") + o.label;
        items.push_back(button(label, data(d, option_token(d, i))));
      }
      if (page + 1 < pages)
        items.push_back(button("ほかの選択肢", data(d, "p:" + std::to_string(page + 1))));
      break;
    }
    case AttributeType::yes_no:
      items.push_back(
          button(std::string(holds(current, "yes") ? "✓ " : "") + "はい", data(d, "o:yes")));
      items.push_back(
          button(std::string(holds(current, "no") ? "✓ " : "") + "いいえ", data(d, "o:no")));
      break;
    case AttributeType::date: {
      text += d.multiple ? "\n日付を1つずつ追加し、最後に「次へ」を押してください。"
                         : "\n「日付を選ぶ」から選んでください。";
      items.push_back(quick_reply_item({{"type", "datetimepicker"},
                                        {"label", d.multiple ? "日付を追加" : "日付を選ぶ"},
                                        {"data", data(d, "d")},
                                        {"mode", "date"},
                                        {"min", "1900-01-01"},
                                        {"max", "2100-12-31"}}));
      break;
    }
    case AttributeType::text:
    case AttributeType::number:
    case AttributeType::tag:
      break;  // not asked on LINE (asked_on_line)
  }
  if (!current.empty())
    items.push_back(button(d.multiple ? "すべて解除" : "設定しない", data(d, kClear)));
  items.push_back(button(index + 1 < total ? "次へ" : "終わる", data(d, kNext)));
  Json ms = text_messages(text);
  ms.back()["quickReply"] = {{"items", items}};
  return ms;
}

Json start_receiving_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  auto defs = asked(tx, tenant_id);
  if (defs.empty())
    return text_messages(
        "LINEで設定できる受信設定の項目はありません。ウェブの受信設定をご利用ください。");
  Json ms = text_messages(
      "受信設定です。お知らせを受け取りたい内容を、1つずつお聞きします。選んだ内容はその都度保存"
      "されます。");
  for (auto& m : settings_question(defs[0], values_of_key(tx, tenant_id, resident_id, defs[0].key),
                                   0, defs.size(), 0, ""))
    ms.push_back(std::move(m));
  return ms;
}

Json receiving_settings_tap(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                            const Postback& pb, const std::string& date) {
  auto defs = asked(tx, tenant_id);
  size_t index = defs.size();
  for (size_t i = 0; i < defs.size(); ++i)
    if (defs[i].key == pb.step) index = i;
  // Staff removed the attribute or stopped residents from changing it since the button was sent.
  if (index == defs.size()) return start_receiving_settings(tx, tenant_id, resident_id);
  const AttributeDefinition& d = defs[index];
  const std::string label = residents::resident_facing_label(d);
  auto current = values_of_key(tx, tenant_id, resident_id, d.key);
  auto ask_again = [&](const std::string& ack, int page = 0) {
    return settings_question(d, values_of_key(tx, tenant_id, resident_id, d.key), index,
                             defs.size(), page, ack);
  };
  auto move_on = [&](const std::string& ack) {
    if (index + 1 >= defs.size()) {
      Json ms = ack.empty() ? Json::array() : text_messages(ack);
      bool web_only = residents::editable_definitions(tx, tenant_id).size() > defs.size();
      for (auto& m : summary(tx, tenant_id, resident_id, defs, web_only))
        ms.push_back(std::move(m));
      return ms;
    }
    const auto& next = defs[index + 1];
    return settings_question(next, values_of_key(tx, tenant_id, resident_id, next.key), index + 1,
                             defs.size(), 0, ack);
  };
  const std::string& a = pb.value;
  if (a == kNext) return move_on("");
  if (a.rfind("p:", 0) == 0) {
    int page = 0;
    try {
      page = std::stoi(a.substr(2));
    } catch (...) {
    }
    return ask_again("", page);
  }
  try {
    if (a == kClear) {
      save(tx, tenant_id, resident_id, d.key, nullptr);
      if (d.multiple) return ask_again("「" + label + "」をすべて解除しました。");
      return move_on("「" + label + "」を未設定にしました。");
    }
    if (a == "d" && d.type == AttributeType::date) {
      if (date.empty()) return ask_again("日付を受け取れませんでした。もう一度選んでください。");
      if (!d.multiple) {
        save(tx, tenant_id, resident_id, d.key, date);
        return move_on("「" + label + "」を " + date + " にしました。");
      }
      if (holds(current, date)) return ask_again(date + " はすでに追加されています。");
      Json all = values_array(current);
      all.push_back(date);
      save(tx, tenant_id, resident_id, d.key, all);
      return ask_again(date + " を追加しました。");
    }
    if (d.type == AttributeType::yes_no && (a == "o:yes" || a == "o:no")) {
      save(tx, tenant_id, resident_id, d.key, a.substr(2));
      return move_on("「" + label + "」を「" + (a == "o:yes" ? "はい" : "いいえ") +
                     "」にしました。");
    }
    if (d.type == AttributeType::choice && a.rfind("o:", 0) == 0) {
      size_t i = d.options.size();
      for (size_t j = 0; j < d.options.size(); ++j)
        if (option_token(d, j) == a) i = j;
      if (i == d.options.size()) return ask_again("選択肢が変わりました。もう一度選んでください。");
      const auto& o = d.options[i];
      int page = static_cast<int>(i / kSettingOptionsPerPage);
      if (!d.multiple) {
        save(tx, tenant_id, resident_id, d.key, o.value);
        return move_on("「" + label + "」を「" + o.label + "」にしました。");
      }
      Json all = Json::array();
      bool removed = false;
      for (const auto& v : current)
        if (text_of(v) == o.value)
          removed = true;
        else
          all.push_back(text_of(v));
      if (!removed) all.push_back(o.value);
      save(tx, tenant_id, resident_id, d.key, all);
      return ask_again("「" + o.label + "」を" + (removed ? "外しました。" : "追加しました。"),
                       page);
    }
  } catch (const ApiError& e) {
    // The same rules as the web page refused it (a date that does not exist, too many values).
    return ask_again(e.what());
  }
  return ask_again("");
}

}  // namespace mg::line
