#include <charconv>
#include <cmath>

#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"
#include "conversation/normalize.h"

namespace mg::conversation::kinds {
namespace {

Interpretation check_length(const Step& step, Json value, std::string display) {
  size_t n = char_count(display);
  if (step.min_length && n < static_cast<size_t>(*step.min_length))
    return reply::error(std::to_string(*step.min_length) + "文字以上で入力してください。");
  if (step.max_length && n > static_cast<size_t>(*step.max_length))
    return reply::error(std::to_string(*step.max_length) + "文字以内で入力してください。");
  return reply::answer(std::move(value), std::move(display));
}

Interpretation interpret_text(const Step& step, const Input& in) {
  const auto* raw = text_of(in);
  if (!raw) return reply::error("文字で入力してください。");
  std::string t = normalize_text(*raw);
  if (t.empty()) return reply::error("入力してください。");
  switch (step.format) {
    case TextFormat::free:
      return check_length(step, t, t);
    case TextFormat::kana: {
      std::string k = to_katakana(t);
      if (!is_katakana(k)) return reply::error("カタカナ（またはひらがな）で入力してください。");
      return check_length(step, k, k);
    }
    case TextFormat::email: {
      std::string e = normalize_email(t);
      if (e.empty())
        return reply::error("メールアドレスの形式が正しくありません。例：taro@example.jp");
      return reply::answer(e, e);
    }
    case TextFormat::phone: {
      std::string p = normalize_phone(t);
      if (p.empty())
        return reply::error("電話番号は0から始まる10桁または11桁の数字で入力してください。");
      return reply::answer(p, p);
    }
    case TextFormat::postal_code: {
      std::string p = normalize_postal_code(t);
      if (p.empty()) return reply::error("郵便番号は7桁の数字で入力してください。例：123-4567");
      return reply::answer(p, format_postal_code(p));
    }
    case TextFormat::number: {
      std::string digits;
      for (char c : t)
        if (c != ',') digits += c;
      double v = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || p != digits.data() + digits.size() || !std::isfinite(v))
        return reply::error("数字で入力してください。");
      // Limits print as integers; casting one beyond ±1e15 (staff may write 1e300) is undefined.
      auto limit = [](double l) {
        return std::fabs(l) < 1e15 ? std::to_string(static_cast<long long>(l)) : std::to_string(l);
      };
      if (step.min && v < *step.min)
        return reply::error(limit(*step.min) + "以上の数を入力してください。");
      if (step.max && v > *step.max)
        return reply::error(limit(*step.max) + "以下の数を入力してください。");
      if (v == std::floor(v) && std::fabs(v) < 1e15)
        return reply::answer(static_cast<int64_t>(v), std::to_string(static_cast<int64_t>(v)));
      return reply::answer(v, digits);
    }
  }
  return reply::error("入力を確認してください。");
}

class Text final : public QuestionKind {
 public:
  const char* name() const override { return "text"; }
  const char* staff_label() const override { return "文字の入力"; }
  // format, lengths, min/max and unit_fee are read for every kind (validation names them on the
  // wrong kind).
  void parse(const Json&, FieldReader&, Step&) const override {}

  void validate(const Step& s, StepChecks& checks) const override {
    if (s.min_length && s.max_length && *s.min_length > *s.max_length)
      checks.add("min_length", "bad_range", "最小文字数が最大文字数より大きくなっています");
    if ((s.min || s.max || s.unit_fee) && s.format != TextFormat::number)
      checks.add("format", "type_mismatch",
                 "最小・最大・単価は数値入力（format: number）のときだけ指定できます");
    if (s.min && s.max && *s.min > *s.max)
      checks.add("min", "bad_range", "最小値が最大値より大きくなっています");
  }

  std::string hint(const Step& s, const Context&) const override {
    switch (s.format) {
      case TextFormat::kana:
        return "カタカナ（ひらがなでも可）で入力してください。";
      case TextFormat::email:
        return "例：taro@example.jp";
      case TextFormat::phone:
        return "例：090-1234-5678（ハイフンなしでも可）";
      case TextFormat::postal_code:
        return "例：123-4567";
      case TextFormat::number:
        return "数字で入力してください。";
      case TextFormat::free:
        return {};
    }
    return {};
  }

  void ask(const Step& step, const SessionState&, const Context&, Prompt& p) const override {
    if (step.format != TextFormat::free) p.format = to_string(step.format);
    p.min_length = step.min_length;
    p.max_length = step.max_length;
    p.min = step.min;
    p.max = step.max;
    offer_skip(step, p);
  }

  Interpretation interpret(const Step& step, const SessionState&, const Input& in,
                           const Context&) const override {
    return interpret_text(step, in);
  }

  // フリガナ, e-mail, phone and postal codes identify a person; free text and numbers need not.
  bool personal(const Step& s) const override {
    switch (s.format) {
      case TextFormat::kana:
      case TextFormat::email:
      case TextFormat::phone:
      case TextFormat::postal_code:
        return true;
      case TextFormat::free:
      case TextFormat::number:
        return false;
    }
    return false;
  }
};

}  // namespace

const StepKindSpec& text() {
  static const Text kind;
  return kind;
}

}  // namespace mg::conversation::kinds
