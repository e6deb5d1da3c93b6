#include <algorithm>

#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"

namespace mg::conversation::kinds {
namespace {

Interpretation interpret_photo(const Step& step, const Input& in) {
  if (in.type != Input::Type::photo) return reply::error("写真を送ってください。");
  if (!in.content_type.empty() &&
      std::find(step.types.begin(), step.types.end(), in.content_type) == step.types.end())
    return reply::error(
        "この形式の画像は受け付けられません。JPEGまたはPNGの写真を送ってください。");
  if (in.size > step.max_bytes)
    return reply::error("写真のサイズが大きすぎます（" +
                        std::to_string(step.max_bytes / (1024 * 1024)) + "MBまで）。");
  Json v{{"attachment_id", in.attachment_id}};
  if (!in.content_type.empty()) v["content_type"] = in.content_type;
  return reply::answer(v, "写真（添付あり）");
}

class Photo final : public QuestionKind {
 public:
  const char* name() const override { return "photo"; }
  const char* staff_label() const override { return "写真"; }
  // max_bytes and types are read with the common fields.
  void parse(const Json&, FieldReader&, Step&) const override {}

  void validate(const Step& s, StepChecks& checks) const override {
    for (const auto& t : s.types)
      if (t != "image/jpeg" && t != "image/png")
        checks.add("types", "unsupported_type", "写真の形式は image/jpeg と image/png だけです");
    if (s.max_bytes <= 0)
      checks.add("max_bytes", "bad_range", "写真の最大サイズは1以上にしてください");
  }

  std::string hint(const Step&, const Context&) const override { return "写真を送ってください。"; }

  void ask(const Step& step, const SessionState&, const Context&, Prompt& p) const override {
    p.input = "photo";
    offer_skip(step, p);
  }

  Interpretation interpret(const Step& step, const SessionState&, const Input& in,
                           const Context&) const override {
    return interpret_photo(step, in);
  }
};

}  // namespace

const StepKindSpec& photo() {
  static const Photo kind;
  return kind;
}

}  // namespace mg::conversation::kinds
