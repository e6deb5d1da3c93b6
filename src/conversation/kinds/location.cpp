#include <cstdio>

#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"
#include "conversation/normalize.h"

namespace mg::conversation::kinds {
namespace {

Interpretation interpret_location(const Input& in) {
  if (in.type == Input::Type::location) {
    Json v{{"lat", in.lat}, {"lng", in.lng}};
    std::string addr = normalize_text(in.address);
    if (!addr.empty()) v["address"] = addr;
    char buf[64];
    std::snprintf(buf, sizeof buf, "緯度%.5f, 経度%.5f", in.lat, in.lng);
    return reply::answer(v, addr.empty() ? std::string(buf) : addr);
  }
  if (const auto* t = text_of(in); t && !normalize_text(*t).empty()) {
    std::string addr = normalize_text(*t);
    return reply::answer(Json{{"address", addr}}, addr);
  }
  return reply::error("場所を送るか、住所・目印を文字で入力してください。");
}

class Location final : public QuestionKind {
 public:
  const char* name() const override { return "location"; }
  const char* staff_label() const override { return "位置情報"; }
  void parse(const Json&, FieldReader&, Step&) const override {}
  void validate(const Step&, StepChecks&) const override {}

  std::string hint(const Step&, const Context&) const override {
    return "現在地や地図で場所を送るか、住所・目印を文字で入力してください。";
  }

  void ask(const Step& step, const SessionState&, const Context&, Prompt& p) const override {
    p.input = "location";
    offer_skip(step, p);
  }

  Interpretation interpret(const Step&, const SessionState&, const Input& in,
                           const Context&) const override {
    return interpret_location(in);
  }
};

}  // namespace

const StepKindSpec& location() {
  static const Location kind;
  return kind;
}

}  // namespace mg::conversation::kinds
