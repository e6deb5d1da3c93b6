#include "conversation/kinds/reserve.h"

#include <algorithm>
#include <map>

#include "conversation/kinds/basic.h"
#include "conversation/normalize.h"
#include "conversation/question.h"

namespace mg::conversation::kinds {
namespace {

// LINE holds 13 quick replies: 10 days + 前へ/次へ + the date picker, or 10 slots + 前へ/次へ +
// 別の日にする.
constexpr size_t kPerPage = 10;
constexpr const char* kOtherDay = "__other_day__";
constexpr const char* kNoCategory = "__none__";

std::vector<std::string> read_ids(const Json& j, const char* key, FieldReader& r) {
  std::vector<std::string> out;
  if (!j.contains(key) || j[key].is_null()) return out;
  auto wrong = [&] {
    r.issue(key, "wrong_type", std::string("「") + key + "」は番号の一覧で指定してください");
    return std::vector<std::string>{};
  };
  if (!j[key].is_array()) return wrong();
  for (const auto& v : j[key]) {
    if (v.is_string() && !v.get<std::string>().empty())
      out.push_back(v.get<std::string>());
    else if (v.is_number_integer() && FieldReader::fits<int64_t>(v) && v.get<int64_t>() > 0)
      out.push_back(std::to_string(v.get<int64_t>()));
    else
      return wrong();
  }
  return out;
}

const char* weekday(const Date& d) {
  static const char* names[] = {"日", "月", "火", "水", "木", "金", "土"};
  int64_t days = days_from_civil(d);  // 1970-01-01 was a Thursday
  return names[((days + 4) % 7 + 7) % 7];
}

// 12月5日(土)
std::string day_label(const std::string& iso) {
  auto d = parse_iso_date(iso);
  if (!d) return iso;
  return std::to_string(d->month) + "月" + std::to_string(d->day) + "日(" + weekday(*d) + ")";
}

std::string slot_label(const Slot& s, int capacity) {
  if (!s.label.empty()) return s.label;
  std::string t = s.start + "〜" + s.end;
  if (capacity > 1) t += "（残り" + std::to_string(s.remaining) + "）";
  return t;
}

// 「1,200 円」
std::string yen(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out + " 円";
}

// The exemption a resource offers under `code`, or null.
const BookableExemption* exemption_of(const BookableResource& r, const std::string& code) {
  for (const auto& e : r.exemptions)
    if (e.code == code) return &e;
  return nullptr;
}

// Whether the resident is asked for an exemption: only where there is a fee to lower.
bool asks_exemption(const BookableResource& r) {
  return r.fee_per_slot > 0 && !r.exemptions.empty();
}

// The fee of one slot under an exemption, rounded down as the ledger charges it
// (reservations/fees.h: floor(fee × (100 − rate) / 100)).
int64_t slot_fee(const BookableResource& r, const BookableExemption* e) {
  return r.fee_per_slot * (100 - (e ? e->rate_percent : 0)) / 100;
}

// Where the step stands: what is chosen so far (pending), with single options taken for the
// resident, and the question that follows from it.
struct Position {
  std::string phase;  // none|category|resource|party|exemption|date|slot
  Json pending;
  std::vector<BookableResource> offered;
  const BookableResource* resource = nullptr;
  int party = 1;
};

class Offer {
 public:
  Offer(const ReserveData& d, const Context& ctx) : d_(d), ctx_(ctx) {}

  std::vector<BookableResource> resources() const {
    if (!ctx_.slots) return {};
    auto all = ctx_.slots->resources();
    if (d_.resources.empty() && d_.categories.empty()) return all;
    std::map<std::string, std::string> parent;
    for (const auto& c : ctx_.slots->categories()) parent[c.id] = c.parent_id;
    auto listed = [](const std::vector<std::string>& v, const std::string& id) {
      return std::find(v.begin(), v.end(), id) != v.end();
    };
    std::vector<BookableResource> out;
    for (const auto& r : all) {
      bool in = listed(d_.resources, r.id);
      std::string c = r.category_id;
      for (int depth = 0; !in && !c.empty() && depth < 10; ++depth) {
        in = listed(d_.categories, c);
        c = parent.count(c) ? parent[c] : std::string();
      }
      if (in) out.push_back(r);
    }
    return out;
  }

  // Categories of the offered resources, in the order they first appear, with names.
  std::vector<PromptChoice> categories(const std::vector<BookableResource>& offered) const {
    std::map<std::string, std::string> names;
    if (ctx_.slots)
      for (const auto& c : ctx_.slots->categories()) names[c.id] = c.name;
    std::vector<PromptChoice> out;
    for (const auto& r : offered) {
      std::string value = r.category_id.empty() ? kNoCategory : r.category_id;
      bool seen = std::any_of(out.begin(), out.end(),
                              [&](const PromptChoice& c) { return c.value == "cat:" + value; });
      if (seen) continue;
      std::string name = r.category_id.empty() ? "その他" : names[r.category_id];
      out.push_back(
          PromptChoice{"cat:" + value, truncate_chars(name, kMaxLabelChars), std::nullopt, name});
    }
    return out;
  }

  Position where(const Json& stored) const {
    Position p;
    p.pending = stored.is_object() ? stored : Json::object();
    p.offered = resources();
    if (p.offered.empty()) {
      p.phase = "none";
      return p;
    }
    std::string chosen = p.pending.value("resource", "");
    for (const auto& r : p.offered)
      if (r.id == chosen) p.resource = &r;
    if (!p.resource) {
      p.pending.erase("resource");
      p.pending.erase("party");
      p.pending.erase("date");
      auto in_category = in_chosen_category(p);
      if (!p.pending.contains("category") && categories(p.offered).size() > 1) {
        p.phase = "category";
        return p;
      }
      if (in_category.size() != 1) {
        p.phase = "resource";
        return p;
      }
      p.resource = in_category[0];
      p.pending["resource"] = p.resource->id;
    }
    int most = std::min(d_.max_party, std::max(1, p.resource->capacity));
    int least = std::min(std::max(1, p.resource->party_min), most);
    p.party = d_.ask_party ? p.pending.value("party", 0) : least;
    if (d_.ask_party && (p.party < least || p.party > most)) {
      p.pending.erase("party");
      p.pending.erase("date");
      p.phase = "party";
      return p;
    }
    if (asks_exemption(*p.resource)) {
      auto e = p.pending.find("exemption");
      bool chosen = e != p.pending.end() && e->is_string() &&
                    (e->get<std::string>().empty() || exemption_of(*p.resource, *e));
      if (!chosen) {
        p.pending.erase("exemption");
        p.pending.erase("date");
        p.phase = "exemption";
        return p;
      }
    }
    p.phase = p.pending.contains("date") ? "slot" : "date";
    return p;
  }

  std::vector<const BookableResource*> in_chosen_category(const Position& p) const {
    std::vector<const BookableResource*> out;
    std::string cat = p.pending.value("category", "");
    for (const auto& r : p.offered)
      if (!p.pending.contains("category") ||
          (r.category_id.empty() ? std::string(kNoCategory) : r.category_id) == cat)
        out.push_back(&r);
    return out;
  }

  std::vector<std::string> days(const Position& p) const {
    if (!ctx_.slots || !p.resource) return {};
    return ctx_.slots->open_days(p.resource->id, ctx_.today, d_.days, p.party);
  }

  std::vector<Slot> slots(const Position& p) const {
    std::vector<Slot> out;
    if (!ctx_.slots || !p.resource) return out;
    for (auto& s : ctx_.slots->available(p.resource->id, p.pending.value("date", "")))
      if (s.remaining >= p.party) out.push_back(std::move(s));
    return out;
  }

 private:
  const ReserveData& d_;
  const Context& ctx_;
};

int page_of(const Json& pending) { return pending.value("page", 0); }

Interpretation moved(Json pending) {
  pending.erase("page");
  return reply::pending(kReserveKind, std::move(pending));
}

// 前へ/次へ: the page is kept in pending, so a new phase starts at its first page.
std::optional<Interpretation> paging(const Input& in, Json pending) {
  if (in.type != Input::Type::choice || (in.value != kNextPage && in.value != kPrevPage))
    return std::nullopt;
  pending["page"] = std::max(0, page_of(pending) + (in.value == kNextPage ? 1 : -1));
  return reply::pending(kReserveKind, std::move(pending));
}

std::string said(const Input& in) {
  if (in.type == Input::Type::choice) return in.value;
  if (const auto* t = text_of(in)) return normalize_text(*t);
  return {};
}

class Reserve final : public QuestionKind {
 public:
  const char* name() const override { return kReserveKind; }
  const char* staff_label() const override { return "予約"; }

  void parse(const Json& j, FieldReader& r, Step& step) const override {
    auto d = std::make_shared<ReserveData>();
    d->resources = read_ids(j, "resources", r);
    d->categories = read_ids(j, "categories", r);
    d->ask_party = r.boolean("ask_party", false);
    d->max_party = r.number<int>("max_party").value_or(10);
    d->days = r.number<int>("days").value_or(31);
    step.data = std::move(d);
  }

  void validate(const Step& step, StepChecks& checks) const override {
    const auto& d = step.data_as<ReserveData>();
    if (d.max_party < 1 || d.max_party > 100)
      checks.add("max_party", "bad_range", "人数の上限は1〜100にしてください");
    if (d.days < 1 || d.days > 366)
      checks.add("days", "bad_range", "何日先まで選べるか（days）は1〜366にしてください");
    // Each booking is made when the application is submitted; two in one application could
    // leave the first booked when the second is refused.
    for (const auto& s : checks.definition().steps) {
      if (&s == &step) break;
      if (kind_name(s) == kReserveKind)
        checks.add("kind", "duplicate_reserve", "予約のステップは1つの手続きに1つまでです");
    }
  }

  // Back after a slot went meanwhile: the same resource and day, so only the slot is asked.
  Entry enter(const Step& step, StepRuntime& rt) const override {
    SessionState& st = rt.state();
    st.pending = Json::object();
    if (const Answer* failed = rt.failed_answer()) {
      if (auto req = reserve_request(failed->value)) {
        st.pending["resource"] = req->resource;
        st.pending["party"] = req->party;
        st.pending["date"] = req->slot.substr(0, 10);
        st.pending["exemption"] = req->exemption;
      }
    }
    st.phase = kReserveKind;
    (void)step;
    return Entry::ask();
  }

  void ask(const Step& step, const SessionState& state, const Context& ctx,
           Prompt& p) const override {
    const auto& d = step.data_as<ReserveData>();
    Offer offer(d, ctx);
    Position at = offer.where(state.pending);
    std::string head = step.text.empty() ? "予約" : step.text;
    p.input = "choice";
    p.hint.clear();
    if (at.phase == "none") {
      p.text = head + "\nいま予約を受け付けている施設はありません。";
      p.input = "text";
    } else if (at.phase == "category") {
      p.text = head + "\n種類を選んでください。";
      add_paged_choices(p, offer.categories(at.offered), page_of(at.pending), kPerPage);
    } else if (at.phase == "resource") {
      p.text = head + "\n施設を選んでください。";
      std::vector<PromptChoice> all;
      for (const auto* r : offer.in_chosen_category(at))
        all.push_back(PromptChoice{"res:" + r->id, truncate_chars(r->name, kMaxLabelChars),
                                   std::nullopt, r->name});
      add_paged_choices(p, all, page_of(at.pending), kPerPage);
    } else if (at.phase == "party") {
      int most = std::min(d.max_party, std::max(1, at.resource->capacity));
      int least = std::min(std::max(1, at.resource->party_min), most);
      p.text = at.resource->name + "\n何人で利用しますか（" + std::to_string(least) + "〜" +
               std::to_string(most) + "人）。";
      p.input = "text";
      p.format = "number";
      p.min = least;
      p.max = most;
    } else if (at.phase == "exemption") {
      p.text = at.resource->name + "\n利用料は 1 枠 " + yen(at.resource->fee_per_slot) +
               "です。減免（利用料の減額・免除）に当たる方は区分を選んでください。";
      std::vector<PromptChoice> all;
      for (const auto& e : at.resource->exemptions) {
        std::string full = e.label + "（" + std::to_string(e.rate_percent) + "%減免）";
        all.push_back(
            PromptChoice{"ex:" + e.code, truncate_chars(full, kMaxLabelChars), std::nullopt, full});
      }
      add_paged_choices(p, all, page_of(at.pending), kPerPage);
      p.choices.push_back(PromptChoice{"ex:", "当てはまらない"});
    } else if (at.phase == "date") {
      auto days = offer.days(at);
      p.text = at.resource->name +
               "\nご希望の日を選んでください（空きのある日だけを表示していま"
               "す）。";
      if (days.empty()) {
        p.text = at.resource->name + "\n" + std::to_string(d.days) +
                 "日先までに空きのある日がありません。";
        p.input = "choice";
      } else {
        // A date question, so LINE offers its date picker next to the days with room.
        p.input = "date";
        p.min_date = days.front();
        p.max_date = days.back();
        std::vector<PromptChoice> all;
        for (const auto& day : days) all.push_back(PromptChoice{"day:" + day, day_label(day)});
        add_paged_choices(p, all, page_of(at.pending), kPerPage);
      }
    } else {
      auto slots = offer.slots(at);
      std::string day = at.pending.value("date", "");
      p.text = at.resource->name + " " + day_label(day) + "\nご希望の時間を選んでください。";
      std::vector<PromptChoice> all;
      for (const auto& s : slots)
        all.push_back(PromptChoice{s.id, slot_label(s, at.resource->capacity)});
      if (all.empty())
        p.text = at.resource->name + " " + day_label(day) +
                 "\nこの日は空きがなくなりました。別の日を選んでください。";
      else
        add_paged_choices(p, all, page_of(at.pending), kPerPage);
      p.choices.push_back(PromptChoice{kOtherDay, "別の日にする"});
    }
    offer_skip(step, p);
  }

  Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                           const Context& ctx) const override {
    const auto& d = step.data_as<ReserveData>();
    Offer offer(d, ctx);
    Position at = offer.where(state.pending);
    if (auto page = paging(in, at.pending)) return *page;
    Json next = at.pending;
    std::string v = said(in);
    if (at.phase == "none") return reply::error("いま予約を受け付けている施設はありません。");
    if (at.phase == "category") {
      for (const auto& c : offer.categories(at.offered))
        if (v == c.value || v == normalize_text(c.full_label)) {
          next["category"] = c.value.substr(4);
          return moved(next);
        }
      return reply::error("表示された種類から選んでください。");
    }
    if (at.phase == "resource") {
      for (const auto* r : offer.in_chosen_category(at))
        if (v == "res:" + r->id || v == normalize_text(r->name)) {
          next["resource"] = r->id;
          return moved(next);
        }
      return reply::error("表示された施設から選んでください。");
    }
    if (at.phase == "party") {
      int most = std::min(d.max_party, std::max(1, at.resource->capacity));
      std::string digits = v;
      if (digits.size() > 3 && digits.substr(digits.size() - 3) == "人")
        digits.resize(digits.size() - 3);
      bool number = !digits.empty() && digits.size() <= 4 &&
                    digits.find_first_not_of("0123456789") == std::string::npos;
      int n = number ? std::stoi(digits) : 0;
      int least = std::min(std::max(1, at.resource->party_min), most);
      if (n < least || n > most)
        return reply::error("人数は" + std::to_string(least) + "〜" + std::to_string(most) +
                            "の数で入力してください。");
      next["party"] = n;
      return moved(next);
    }
    if (at.phase == "exemption") {
      if (v == "ex:" || v == normalize_text("当てはまらない")) {
        next["exemption"] = "";
        return moved(next);
      }
      for (const auto& e : at.resource->exemptions)
        if (v == "ex:" + e.code || v == normalize_text(e.label)) {
          next["exemption"] = e.code;
          return moved(next);
        }
      return reply::error("表示された区分から選んでください。");
    }
    if (at.phase == "date") {
      std::string day;
      if (in.type == Input::Type::date)
        day = in.date;
      else if (v.rfind("day:", 0) == 0)
        day = v.substr(4);
      else if (auto parsed = parse_date(v))
        day = to_iso(*parsed);
      if (day.empty()) return reply::error("表示された日から選んでください。");
      auto days = offer.days(at);
      if (std::find(days.begin(), days.end(), day) == days.end())
        return reply::error(day_label(day) +
                            "は予約できる空きがありません。ほかの日を選んでください。");
      next["date"] = day;
      return moved(next);
    }
    // slot
    if (v == kOtherDay) {
      next.erase("date");
      return moved(next);
    }
    for (const auto& s : offer.slots(at))
      if (v == s.id || v == s.start || v == normalize_text(s.start + "〜" + s.end)) {
        std::string display = at.resource->name + " " + day_label(at.pending.value("date", "")) +
                              " " + s.start + "〜" + s.end;
        if (d.ask_party) display += "（" + std::to_string(at.party) + "人）";
        Json value{{"resource_id", at.resource->id},
                   {"resource", at.resource->name},
                   {"slot", s.id},
                   {"start", s.start},
                   {"end", s.end},
                   {"party", at.party}};
        // The fee as the ledger will charge it, shown in the confirmation.
        if (at.resource->fee_per_slot > 0) {
          std::string code = at.pending.value("exemption", "");
          const BookableExemption* e = exemption_of(*at.resource, code);
          int64_t fee = slot_fee(*at.resource, e);
          display += " 利用料 " + yen(fee);
          if (e) {
            display += "（" + e->label + "）";
            value["exemption"] = e->code;
          }
          value["fee"] = fee;
        }
        return reply::answer(std::move(value), display);
      }
    return reply::error("その時間は空いていません。表示された時間から選んでください。");
  }

  std::string hint(const Step&, const Context&) const override { return {}; }
};

}  // namespace

std::optional<ReserveRequest> reserve_request(const Json& value) {
  if (!value.is_object()) return std::nullopt;
  auto resource = value.find("resource_id");
  auto slot = value.find("slot");
  auto party = value.find("party");
  if (resource == value.end() || !resource->is_string() || slot == value.end() ||
      !slot->is_string() || slot->get<std::string>().size() < 10)
    return std::nullopt;
  ReserveRequest r;
  r.resource = resource->get<std::string>();
  r.slot = slot->get<std::string>();
  if (party != value.end() && party->is_number_integer() && FieldReader::fits<int>(*party))
    r.party = party->get<int>();
  if (auto e = value.find("exemption"); e != value.end() && e->is_string())
    r.exemption = e->get<std::string>();
  return r;
}

const StepKindSpec& reserve() {
  static const Reserve kind;
  return kind;
}

}  // namespace mg::conversation::kinds
