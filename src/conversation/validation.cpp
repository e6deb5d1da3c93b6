#include "conversation/validation.h"

#include <algorithm>
#include <map>
#include <set>

#include "conversation/date_parse.h"
#include "conversation/step_kind.h"

namespace mg::conversation {
namespace {

using IdSet = std::set<std::string>;

class Validator {
 public:
  explicit Validator(const ServiceDefinition& def) : def_(def) {}

  std::vector<Issue> run() {
    check_service();
    check_ids();
    for (const auto& s : def_.steps) check_step(s);
    if (!def_.find(def_.start)) {
      add("", "start", "unknown_target", "最初に進むステップ「" + def_.start + "」がありません");
      return issues_;
    }
    check_graph();
    check_conditions();
    return issues_;
  }

 private:
  void add(const std::string& step, const std::string& field, const std::string& code,
           const std::string& message) {
    // Staff read these next to the editor: the message names the step they concern.
    std::string where;
    if (!step.empty()) {
      const Step* st = def_.find(step);
      std::string label = st && !st->label.empty() ? st->label : "";
      where = label.empty() ? "ステップ「" + step + "」: "
                            : "ステップ「" + label + "」（" + step + "）: ";
    }
    issues_.push_back(Issue{step, field, code, where + message});
  }

  void check_service() {
    if (def_.service_key.empty() ||
        !std::all_of(def_.service_key.begin(), def_.service_key.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
      add("", "service_key", "bad_service_key",
          "サービスキーは英小文字・数字・ハイフンで指定してください（例: juminhyo）");
    if (def_.locale != "ja")
      add("", "locale", "unsupported_locale", "言語は ja（日本語）だけに対応しています");
    for (auto [field, value] : {std::pair{"available.from", def_.available_from},
                                std::pair{"available.to", def_.available_to}}) {
      if (!value.empty() && !parse_iso_date(value))
        add("", field, "bad_date",
            std::string(field == std::string("available.from") ? "受付開始日" : "受付終了日") +
                "は YYYY-MM-DD 形式の日付で指定してください");
    }
    if (def_.fee && *def_.fee < 0) add("", "fee", "bad_fee", "手数料にマイナスは指定できません");
    if (def_.privacy_notice) check_notice(*def_.privacy_notice);
  }

  // The notice is shown whole in one LINE message with its question, so it is bounded.
  void check_notice(const PrivacyNotice& n) {
    if (n.text.find_first_not_of(" \t\r\n") == std::string::npos)
      add("", "privacy_notice.text", "missing_field",
          "個人情報の取扱い（privacy_notice）の文を入力してください（利用目的・保存期間など）");
    else if (char_count(n.text) > kMaxNoticeChars)
      add("", "privacy_notice.text", "too_long",
          "個人情報の取扱いの文は" + std::to_string(kMaxNoticeChars) + "文字以内にしてください");
    bool web_url = n.url.rfind("https://", 0) == 0 || n.url.rfind("http://", 0) == 0;
    bool plain = std::none_of(n.url.begin(), n.url.end(), [](char c) {
      return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>';
    });
    if (!n.url.empty() && (!web_url || !plain || n.url.size() > 500))
      add("", "privacy_notice.url", "bad_url",
          "個人情報の取扱いのリンクは http:// か https:// で始まる500文字以内のURLにしてください");
    if (char_count(n.version) > 50)
      add("", "privacy_notice.version", "too_long",
          "個人情報の取扱いの版の名前は50文字以内にしてください");
  }

  static size_t char_count(const std::string& s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }

  void check_ids() {
    std::set<std::string> seen;
    for (const auto& s : def_.steps) {
      if (s.id.empty()) continue;  // reported by the parser
      if (s.id == kEndStep)
        add(s.id, "id", "reserved_id", "「end」は終了を表す名前のため、ステップ名には使えません");
      if (!seen.insert(s.id).second)
        add(s.id, "id", "duplicate_id", "ステップ名「" + s.id + "」が重複しています");
    }
  }

  void target(const Step& s, const std::string& field, const std::string& id) {
    if (!id.empty() && id != kEndStep && !def_.find(id))
      add(s.id, field, "unknown_target",
          "次に進むステップ「" + id + "」がありません（終了するときは end）");
  }

  void check_step(const Step& s) {
    target(s, "next", s.next);
    bool needs_text = is_question(s) || s.kind == StepKind::message;
    if (needs_text && s.text.empty())
      add(s.id, "text", "missing_field", "質問や案内の文（text）を入力してください");
    if (s.personal && !is_question(s))
      add(s.id, "personal", "unexpected_field",
          "個人情報の印（personal）は質問のステップにだけ付けられます");
    if (s.kind != StepKind::choice && !s.choices.empty())
      add(s.id, "choices", "unexpected_field",
          "選択肢（choices）は選択のステップにだけ指定できます");
    if (s.kind != StepKind::text && (s.min || s.max || s.unit_fee || s.min_length || s.max_length))
      add(s.id, "min", "unexpected_field",
          "最小・最大・文字数・単価は文字入力のステップにだけ指定できます");
    Checks checks(*this, s);
    spec_of(s).validate(s, checks);
  }

  // Hands a kind's validate hook the issues of one step.
  class Checks : public StepChecks {
   public:
    Checks(Validator& v, const Step& s) : v_(v), s_(s) {}
    void add(const std::string& field, const std::string& code,
             const std::string& message) override {
      v_.add(s_.id, field, code, message);
    }
    void target(const std::string& field, const std::string& id) override {
      v_.target(s_, field, id);
    }
    const ServiceDefinition& definition() const override { return v_.def_; }

   private:
    Validator& v_;
    const Step& s_;
  };

  void check_graph() {
    // Reachable from start.
    IdSet reachable;
    std::vector<std::string> todo{def_.start};
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      const Step* s = def_.find(id);
      if (!s || !reachable.insert(id).second) continue;
      for (const auto& n : successors(def_, *s)) todo.push_back(n);
    }
    for (const auto& s : def_.steps)
      if (!s.id.empty() && !reachable.count(s.id))
        add(s.id, "id", "unreachable", "最初からたどっても、このステップには進めません");

    // Can reach the end: fixed point over "some successor finishes".
    IdSet exits;
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& s : def_.steps) {
        if (exits.count(s.id)) continue;
        for (const auto& n : successors(def_, s)) {
          if (n == kEndStep || exits.count(n)) {
            exits.insert(s.id);
            changed = true;
            break;
          }
        }
      }
    }
    for (const auto& id : reachable)
      if (!exits.count(id))
        add(id, "next", "no_exit", "このステップは終了できない繰り返しの中にあります");
    reachable_ = reachable;
  }

  // Steps answered on every path from the start to each step (must-analysis, intersection over
  // predecessors), so a branch never tests an answer the resident may not have given. Bitsets
  // updated in place in list order (close to the dialog's order), so a 200-step service settles
  // in a few passes instead of one pass per step of the longest path.
  std::map<std::string, IdSet> answered_before() {
    const size_t n = def_.steps.size();
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < n; ++i) index.emplace(def_.steps[i].id, i);  // first wins (dups)
    using Bits = std::vector<bool>;
    std::vector<Bits> in(n, Bits(n, true));
    std::vector<std::vector<size_t>> next(n);
    std::vector<bool> stores(n), live(n);
    for (size_t i = 0; i < n; ++i) {
      const Step& s = def_.steps[i];
      live[i] = reachable_.count(s.id) && index[s.id] == i;
      if (!live[i]) continue;
      stores[i] = spec_of(s).stores_answer();
      for (const auto& id : successors(def_, s)) {
        auto it = index.find(id);
        if (it != index.end() && id != def_.start && reachable_.count(id))
          next[i].push_back(it->second);
      }
    }
    auto start = index.find(def_.start);
    if (start != index.end()) in[start->second] = Bits(n, false);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < n; ++i) {
        if (!live[i]) continue;
        Bits out = in[i];
        if (stores[i]) out[i] = true;
        for (size_t j : next[i]) {
          for (size_t k = 0; k < n; ++k) {
            if (in[j][k] && !out[k]) {
              in[j][k] = false;
              changed = true;
            }
          }
        }
      }
    }
    std::map<std::string, IdSet> result;
    for (size_t i = 0; i < n; ++i) {
      if (!live[i]) continue;
      IdSet& set = result[def_.steps[i].id];
      for (size_t k = 0; k < n; ++k)
        if (in[i][k]) set.insert(def_.steps[k].id);
    }
    return result;
  }

  bool reaches(const std::string& from, const std::string& to) const {
    IdSet seen;
    std::vector<std::string> todo{from};
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      if (id == to) return true;
      const Step* s = def_.find(id);
      if (!s || !seen.insert(id).second) continue;
      for (const auto& n : successors(def_, *s)) todo.push_back(n);
    }
    return false;
  }

  void check_ref(const Step& at, const std::string& field, const std::string& ref,
                 const IdSet& before) {
    const Step* target = def_.find(ref);
    if (!target) {
      add(at.id, field, "unknown_answer", "条件で使うステップ「" + ref + "」がありません");
    } else if (!spec_of(*target).stores_answer()) {
      add(at.id, field, "not_a_question",
          "「" + ref + "」は回答のないステップ（" + kind_name(*target) +
              "）のため、条件に使えません");
    } else if (!before.count(ref)) {
      bool later = !reaches(ref, at.id);
      add(at.id, field, later ? "later_answer" : "answer_not_guaranteed",
          later ? "「" + ref + "」はこのステップより後で聞くため、ここでは使えません"
                : "「" + ref + "」は、このステップまでにいつも回答されているとは限りません");
    }
  }

  void check_compare(const Step& at, const std::string& field, const Condition& c,
                     const IdSet& before) {
    if (c.kind != Condition::Kind::compare) {
      for (size_t i = 0; i < c.children.size(); ++i)
        check_compare(at, field, c.children[i], before);
      return;
    }
    if (!is_known_operator(c.op)) {
      add(at.id, field, "unknown_operator", "条件の比べ方「" + c.op + "」は使えません");
      return;
    }
    check_ref(at, field, c.answer, before);
    const Step* t = def_.find(c.answer);
    if (!t) return;
    auto mismatch = [&](const std::string& why) {
      add(at.id, field, "type_mismatch",
          "「" + c.answer + "」（" + kind_name(*t) + "）には比べ方「" + c.op +
              "」が合いません: " + why);
    };
    bool number = t->kind == StepKind::text && t->format == TextFormat::number;
    bool date = t->kind == StepKind::date;
    if (is_ordering_operator(c.op)) {
      if (!number && !date && t->kind != StepKind::rating)
        return mismatch("大小の比較は数値か日付の回答にだけ使えます");
      if ((number || t->kind == StepKind::rating) && !c.value.is_number())
        return mismatch("比べる値は数値で指定してください");
      if (date && !(c.value.is_string() && is_date_spec(c.value.get<std::string>())))
        return mismatch("比べる値は日付（または相対日付）で指定してください");
    } else if (is_age_operator(c.op)) {
      if (!date) return mismatch("年齢の比較には生年月日（日付のステップ）が必要です");
      if (!c.value.is_number_integer()) return mismatch("比べる値は年齢（整数）で指定してください");
    } else if (c.op == "contains") {
      if (!(t->kind == StepKind::choice && t->multiple))
        return mismatch("contains は複数選べる選択のステップにだけ使えます");
      check_choice_value(at, field, *t, c.value);
    } else if (c.op == "in" || c.op == "not_in") {
      if (!c.value.is_array()) return mismatch("比べる値は配列で指定してください");
      if (t->kind == StepKind::choice)
        for (const auto& v : c.value) check_choice_value(at, field, *t, v);
    } else if (c.op == "eq" || c.op == "ne") {
      if (t->kind == StepKind::choice && t->multiple)
        return mismatch("複数選べる選択には contains を使ってください");
      if (t->kind == StepKind::choice) check_choice_value(at, field, *t, c.value);
    }
  }

  void check_choice_value(const Step& at, const std::string& field, const Step& choice,
                          const Json& v) {
    bool known = v.is_string() && std::any_of(choice.choices.begin(), choice.choices.end(),
                                              [&](const ChoiceOption& o) { return o.value == v; });
    if (!known)
      add(at.id, field, "unknown_choice",
          v.dump() + " は「" + choice.id + "」の選択肢の値ではありません");
  }

  void check_conditions() {
    auto before = answered_before();
    for (const auto& s : def_.steps) {
      if (!reachable_.count(s.id)) continue;
      const IdSet& b = before[s.id];
      for (size_t i = 0; i < s.cases.size(); ++i)
        check_compare(s, "cases[" + std::to_string(i) + "].when", s.cases[i].when, b);
      for (const auto& [field, ref] : s.match_fields) check_ref(s, "match_fields." + field, ref, b);
    }
  }

  const ServiceDefinition& def_;
  std::vector<Issue> issues_;
  IdSet reachable_;
};

}  // namespace

std::vector<std::string> successors(const ServiceDefinition& def, const Step& s) {
  return spec_of(s).successors(def, s);
}

std::vector<Issue> validate(const ServiceDefinition& def) { return Validator(def).run(); }

namespace {
size_t utf8_chars(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Whether some path from the start reaches `target` without passing a confirm step.
bool reachable_without_confirm(const ServiceDefinition& def, const std::string& target) {
  IdSet seen;
  std::vector<std::string> todo{def.start};
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    if (id == target) return true;
    const Step* s = def.find(id);
    if (!s || s->kind == StepKind::confirm || !seen.insert(id).second) continue;
    for (const auto& n : successors(def, *s)) todo.push_back(n);
  }
  return false;
}
}  // namespace

std::vector<Issue> advise(const ServiceDefinition& def) {
  std::vector<Issue> out;
  auto add = [&](const Step& s, const std::string& field, const std::string& code,
                 const std::string& message) {
    std::string where = s.label.empty() ? "ステップ「" + s.id + "」: "
                                        : "ステップ「" + s.label + "」（" + s.id + "）: ";
    out.push_back(Issue{s.id, field, code, where + message});
  };
  for (const auto& s : def.steps) {
    if (s.kind == StepKind::submit && def.find(def.start) && reachable_without_confirm(def, s.id))
      add(s, "kind", "missing_confirm",
          "申請の前に、回答を確かめる「確認」のステップを通らない道があります");
    if (s.kind != StepKind::choice) continue;
    for (size_t i = 0; i < s.choices.size(); ++i) {
      const auto& c = s.choices[i];
      std::string f = "choices[" + std::to_string(i) + "]";
      if (!c.short_label.empty() && utf8_chars(c.short_label) > 20)
        add(s, f + ".short_label", "line_label_too_long",
            "LINEのボタンの表示名「" + c.short_label + "」が20文字を超えています");
      else if (c.short_label.empty() && utf8_chars(c.label) > 20)
        add(s, f + ".label", "line_label_cut",
            "選択肢「" + c.label + "」は20文字を超えるため、LINEのボタンでは途中で切れます");
    }
    if (s.choices.size() > 12)
      add(s, "choices", "line_paged",
          "選択肢が" + std::to_string(s.choices.size()) +
              "個あります。LINEのボタンは13個までのため、ページに分けて表示されます");
  }
  return out;
}

Json LoadResult::issues_json() const {
  Json a = Json::array();
  for (const auto& i : issues) a.push_back(i.to_json());
  return a;
}

LoadResult load_definition(const Json& j) {
  LoadResult r;
  ParseResult p = parse_definition(j);
  r.issues = std::move(p.issues);
  if (!p.definition) return r;
  r.issues = validate(*p.definition);
  if (r.issues.empty()) r.definition = std::move(p.definition);
  return r;
}

}  // namespace mg::conversation
