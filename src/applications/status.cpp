#include "applications/status.h"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "applications/model.h"

namespace mg::applications {

namespace {

struct Transitions {
  const char* from;
  std::initializer_list<const char*> to;
};

// 未対応 → 処理中 → 完了, plus 却下 and 取り下げ. 完了 and 却下 can be reopened as 処理中
// (a mistake, or the resident's correction arrives); 取り下げ is the resident's decision and final.
const std::array<Transitions, 5> kTable = {{
    {"new", {"in_progress", "done", "rejected", "withdrawn"}},
    {"in_progress", {"new", "done", "rejected", "withdrawn"}},
    {"done", {"in_progress"}},
    {"rejected", {"in_progress"}},
    {"withdrawn", {}},
}};

// What an open correction still allows: the application stays in the working states.
bool allowed_while_correcting(const std::string& to) { return to == "new" || to == "in_progress"; }

const Transitions* row(const std::string& from) {
  for (const auto& t : kTable)
    if (from == t.from) return &t;
  return nullptr;
}

}  // namespace

std::vector<std::string> allowed_statuses(const std::string& from, bool correction_open) {
  std::vector<std::string> out;
  const Transitions* t = row(from);
  if (!t) return out;
  for (const char* to : t->to)
    if (!correction_open || allowed_while_correcting(to)) out.emplace_back(to);
  return out;
}

std::optional<std::string> transition_refusal(const std::string& from, const std::string& to,
                                              bool correction_open) {
  if (from == to) return std::nullopt;
  auto in = [&](bool correcting) {
    auto allowed = allowed_statuses(from, correcting);
    return std::find(allowed.begin(), allowed.end(), to) != allowed.end();
  };
  if (in(correction_open)) return std::nullopt;
  if (in(false))  // only the open correction stands in the way
    return std::string("修正依頼中の申請は") + status_label(to) +
           "にできません。住民の修正が届くまでお待ちください";
  return std::string(status_label(from)) + "の申請は" + status_label(to) + "にできません";
}

}  // namespace mg::applications
