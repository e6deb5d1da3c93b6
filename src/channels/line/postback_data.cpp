#include "channels/line/postback_data.h"

#include "core/http.h"

namespace mg::line {

namespace {
const char* kind_code(Postback::Kind k) {
  switch (k) {
    case Postback::Kind::choice:
      return "v";
    case Postback::Kind::date:
      return "d";
    case Postback::Kind::edit:
      return "e";
    case Postback::Kind::service:
      return "s";
    case Postback::Kind::menu:
      return "m";
    case Postback::Kind::command:
      return "c";
    case Postback::Kind::setting:
      return "r";
  }
  return "v";
}
}  // namespace

std::string encode_postback(const Postback& p) {
  std::string data = std::string("mg=") + kind_code(p.kind) + "&x=" + http::url_encode(p.value);
  if (!p.step.empty()) data += "&s=" + http::url_encode(p.step);
  return data;
}

std::optional<Postback> decode_postback(const std::string& data) {
  auto q = http::parse_query(data);
  auto k = q.find("mg");
  if (k == q.end()) return std::nullopt;
  Postback p;
  p.value = q.count("x") ? q["x"] : "";
  p.step = q.count("s") ? q["s"] : "";
  const std::string& c = k->second;
  if (c == "v")
    p.kind = Postback::Kind::choice;
  else if (c == "d")
    p.kind = Postback::Kind::date;
  else if (c == "e")
    p.kind = Postback::Kind::edit;
  else if (c == "s")
    p.kind = Postback::Kind::service;
  else if (c == "m")
    p.kind = Postback::Kind::menu;
  else if (c == "c")
    p.kind = Postback::Kind::command;
  else if (c == "r")
    p.kind = Postback::Kind::setting;
  else
    return std::nullopt;
  return p;
}

}  // namespace mg::line
