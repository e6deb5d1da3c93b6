#include "channels/line/dialog_input.h"

#include "channels/line/postback_data.h"

namespace mg::line {

namespace {
std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// LINE puts a datetimepicker's choice in params.date ("YYYY-MM-DD").
std::string picked_date(const Json& postback) {
  auto p = postback.find("params");
  return p != postback.end() && p->is_object() ? str(*p, "date") : std::string();
}
}  // namespace

std::optional<DialogInput> postback_dialog_input(const Json& postback) {
  if (!postback.is_object()) return std::nullopt;
  auto pb = decode_postback(str(postback, "data"));
  if (!pb) return DialogInput{{{"type", "command"}, {"command", "help"}}, {}};
  switch (pb->kind) {
    case Postback::Kind::choice:
      return DialogInput{{{"type", "choice"}, {"value", pb->value}}, pb->step};
    case Postback::Kind::date:
      return DialogInput{{{"type", "date"}, {"date", picked_date(postback)}}, {}};
    case Postback::Kind::edit:
      return DialogInput{{{"type", "command"}, {"command", "edit"}, {"step_id", pb->value}}, {}};
    case Postback::Kind::command:
      return DialogInput{{{"type", "command"}, {"command", pb->value}}, {}};
    case Postback::Kind::service:
    case Postback::Kind::menu:
    case Postback::Kind::setting:
      return std::nullopt;
  }
  return std::nullopt;
}

Json text_dialog_input(const std::string& text) { return {{"type", "text"}, {"text", text}}; }

}  // namespace mg::line
