#include "conversation/engine.h"

#include <gtest/gtest.h>

#include "conversation/normalize.h"
#include "support.h"

using namespace mg::conversation;
using namespace mg::conversation::testing;
using mg::Json;

namespace {

Json basic_steps() {
  return {{{"id", "hello"}, {"kind", "message"}, {"text", "ようこそ"}},
          {{"id", "name"}, {"kind", "text"}, {"text", "お名前は？"}, {"label", "氏名"}},
          {{"id", "kana"}, {"kind", "text"}, {"format", "kana"}, {"text", "フリガナは？"}},
          {{"id", "plan"},
           {"kind", "choice"},
           {"text", "プランは？"},
           {"choices",
            {{{"value", "a"}, {"label", "Aプラン"}, {"fee", 300}},
             {{"value", "b"}, {"label", "Bプラン"}, {"fee", 500}}}}},
          {{"id", "confirm"}, {"kind", "confirm"}},
          {{"id", "submit"}, {"kind", "submit"}}};
}

ServiceDefinition basic() { return must_load(service(basic_steps())); }

}  // namespace

TEST(Engine, StartShowsMessagesThenFirstQuestion) {
  auto r = start(basic(), today());
  ASSERT_EQ(r.prompts.size(), 2u);
  EXPECT_EQ(r.prompts[0].to_json(), (Json{{"type", "message"}, {"text", "ようこそ"}}));
  EXPECT_EQ(r.prompts[1].type, Prompt::Type::question);
  EXPECT_EQ(r.prompts[1].step_id, "name");
  EXPECT_EQ(r.prompts[1].input, "text");
  EXPECT_EQ(r.state.current, "name");
  EXPECT_FALSE(r.done);
}

TEST(Engine, HappyPathSubmitsWithFee) {
  Dialog d(basic(), today());
  d.text("山田太郎");
  d.text("やまだたろう");
  EXPECT_EQ(d.last().state.answers.at("kana").value, "ヤマダタロウ");
  auto& r = d.choice("b");
  EXPECT_EQ(d.step(), "confirm");
  const Prompt* summary = find_prompt(r, Prompt::Type::summary);
  ASSERT_TRUE(summary);
  EXPECT_EQ(*summary->total_fee, 500);
  ASSERT_EQ(summary->items.size(), 3u);
  EXPECT_EQ(summary->items[0].label, "氏名");
  EXPECT_EQ(summary->items[2].display, "Bプラン");
  auto& done = d.choice("confirm");
  EXPECT_TRUE(done.done);
  const Effect* submit = find_effect(done, Effect::Kind::submit);
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->total_fee, 500);
  ASSERT_EQ(submit->answers.size(), 3u);
  EXPECT_EQ(
      submit->answers[0],
      (Json{
          {"step_id", "name"}, {"label", "氏名"}, {"value", "山田太郎"}, {"display", "山田太郎"}}));
  const Prompt* completion = find_prompt(done, Prompt::Type::completion);
  ASSERT_TRUE(completion);
  EXPECT_NE(completion->text.find("{{receipt_number}}"), std::string::npos);
  // The host fills in the number it generated.
  auto prompts = done.prompts;
  fill_receipt_number(prompts, "ABC-DEF-GHJ");
  EXPECT_EQ(prompts.back().to_json()["receipt_number"], "ABC-DEF-GHJ");
  EXPECT_NE(prompts.back().text.find("受付番号：ABC-DEF-GHJ"), std::string::npos);
  // Anything after completion is politely refused.
  auto& after = d.text("もう一度");
  EXPECT_TRUE(after.done);
  EXPECT_NE(after.prompts.at(0).text.find("完了"), std::string::npos);
}

TEST(Engine, BadInputGivesErrorAndReasks) {
  Dialog d(basic(), today());
  d.text("山田太郎");
  auto& r = d.text("yamada");
  ASSERT_EQ(r.prompts.size(), 2u);
  EXPECT_EQ(r.prompts[0].type, Prompt::Type::error);
  EXPECT_EQ(r.prompts[0].step_id, "kana");
  EXPECT_EQ(r.prompts[1].step_id, "kana");
  EXPECT_EQ(d.step(), "kana");
  d.text("ヤマダ");
  auto& unknown = d.choice("zzz");
  EXPECT_EQ(unknown.prompts[0].type, Prompt::Type::error);
  auto& wrong_type = d.send([] {
    Input i;
    i.type = Input::Type::date;
    i.date = "2025-01-01";
    return i;
  }());
  EXPECT_EQ(wrong_type.prompts[0].type, Prompt::Type::error);
  EXPECT_EQ(d.step(), "plan");
}

TEST(Engine, MalformedInputJsonIsAClearError) {
  Dialog d(basic(), today());
  for (Json bad : {Json("text"), Json{{"type", "text"}}, Json{{"type", "teleport"}},
                   Json{{"type", "choices"}, {"values", "a"}},
                   Json{{"type", "location"}, {"lat", "x"}, {"lng", 1}},
                   Json{{"type", "command"}, {"command", "fly"}}}) {
    auto& r = d.json(bad);
    ASSERT_GE(r.prompts.size(), 2u) << bad;
    EXPECT_EQ(r.prompts[0].type, Prompt::Type::error) << bad;
    EXPECT_NE(r.prompts[0].text.find("受け付けられませんでした"), std::string::npos);
    EXPECT_EQ(r.prompts[1].step_id, "name");
  }
  d.json({{"type", "text"}, {"text", "山田"}});
  EXPECT_EQ(d.step(), "kana");
}

TEST(Engine, BackRestartQuitHelp) {
  Dialog d(basic(), today());
  auto& first = d.command("back");
  EXPECT_EQ(first.prompts[0].type, Prompt::Type::error);  // nothing to go back to
  d.text("山田太郎");
  d.text("ヤマダ");
  d.text("戻る");
  EXPECT_EQ(d.step(), "kana");
  EXPECT_NE(d.last().prompts.back().hint.find("現在の回答：ヤマダ"), std::string::npos);
  d.text("ＢＡＣＫ");  // normalised and case-insensitive
  EXPECT_EQ(d.step(), "name");

  auto& help = d.text("ヘルプ");
  EXPECT_NE(help.prompts[0].text.find("戻る"), std::string::npos);
  EXPECT_EQ(help.prompts.back().step_id, "name");

  d.text("山田太郎");
  auto& restart = d.text("最初から");
  EXPECT_EQ(d.step(), "name");
  EXPECT_TRUE(restart.state.answers.empty());
  EXPECT_NE(restart.prompts[0].text.find("最初から"), std::string::npos);

  auto& quit = d.command("quit");
  EXPECT_TRUE(quit.done);
  EXPECT_TRUE(find_effect(quit, Effect::Kind::quit));
  EXPECT_TRUE(quit.state.current.empty());
}

TEST(Engine, EditFromSummaryReturnsToSummary) {
  Dialog d(basic(), today());
  d.text("山田太郎");
  d.text("ヤマダ");
  d.choice("a");
  d.command("edit", "name");
  EXPECT_EQ(d.step(), "name");
  EXPECT_TRUE(d.last().state.editing);
  auto& r = d.text("山田花子");
  EXPECT_EQ(d.step(), "confirm");
  EXPECT_FALSE(r.state.editing);
  EXPECT_EQ(find_prompt(r, Prompt::Type::summary)->items[0].display, "山田花子");
  // Not answered / not a question: refused.
  auto& bad = d.command("edit", "submit");
  EXPECT_EQ(bad.prompts[0].type, Prompt::Type::error);
  EXPECT_EQ(d.step(), "confirm");
  // 修正する shows the menu of items.
  auto& menu = d.text("修正する");
  ASSERT_EQ(menu.prompts.size(), 1u);
  EXPECT_EQ(menu.prompts[0].choices.at(0).value, "edit:name");
  d.choice("edit:plan");
  EXPECT_EQ(d.step(), "plan");
}

TEST(Engine, EditCannotHappenBeforeTheSummary) {
  Dialog d(basic(), today());
  d.text("山田太郎");
  auto& r = d.command("edit", "name");
  EXPECT_EQ(r.prompts[0].type, Prompt::Type::error);
  EXPECT_EQ(d.step(), "kana");
}

TEST(Engine, TextFormats) {
  auto def = must_load(service(
      {{{"id", "mail"}, {"kind", "text"}, {"format", "email"}, {"text", "?"}},
       {{"id", "tel"}, {"kind", "text"}, {"format", "phone"}, {"text", "?"}},
       {{"id", "zip"}, {"kind", "text"}, {"format", "postal_code"}, {"text", "?"}},
       {{"id", "num"},
        {"kind", "text"},
        {"format", "number"},
        {"text", "?"},
        {"min", 1},
        {"max", 3}},
       {{"id", "free"}, {"kind", "text"}, {"text", "?"}, {"min_length", 2}, {"max_length", 4}},
       {{"id", "s"}, {"kind", "submit"}}}));
  Dialog d(def, today());
  EXPECT_EQ(d.text("not-an-email").prompts[0].type, Prompt::Type::error);
  d.text("a@b.jp");
  EXPECT_EQ(d.text("12-34").prompts[0].type, Prompt::Type::error);
  d.text("０３ー１２３４ー５６７８");
  EXPECT_EQ(d.last().state.answers.at("tel").value, "0312345678");
  d.text("１２３ー４５６７");
  EXPECT_EQ(d.last().state.answers.at("zip").display, "123-4567");
  EXPECT_NE(d.text("4").prompts[0].text.find("3以下"), std::string::npos);
  EXPECT_EQ(d.text("abc").prompts[0].type, Prompt::Type::error);
  d.text("２");
  EXPECT_EQ(d.last().state.answers.at("num").value, 2);
  EXPECT_NE(d.text("あ").prompts[0].text.find("2文字以上"), std::string::npos);
  EXPECT_NE(d.text("あいうえお").prompts[0].text.find("4文字以内"), std::string::npos);
  EXPECT_EQ(d.text("　").prompts[0].type, Prompt::Type::error);
  EXPECT_TRUE(d.text("あいう").done);
}

TEST(Engine, DateStepLimitsAndDisplay) {
  auto def = must_load(
      service({{{"id", "d"}, {"kind", "date"}, {"text", "?"}, {"min", "today"}, {"max", "+7d"}},
               {{"id", "s"}, {"kind", "submit"}}}));
  auto r = start(def, today("2025-04-01"));
  EXPECT_EQ(r.prompts[0].to_json()["min_date"], "2025-04-01");
  EXPECT_EQ(r.prompts[0].to_json()["max_date"], "2025-04-08");
  Dialog d(def, today("2025-04-01"));
  EXPECT_NE(d.text("2025-03-31").prompts[0].text.find("令和7年4月1日以降"), std::string::npos);
  EXPECT_NE(d.text("2025-04-09").prompts[0].text.find("以前"), std::string::npos);
  EXPECT_EQ(d.text("2025-02-30").prompts[0].type, Prompt::Type::error);
  Input picker;
  picker.type = Input::Type::date;
  picker.date = "2025-04-03";
  auto& done = d.send(picker);
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers[0]["display"], "令和7年4月3日");
}

// Postal data as the host feeds it (src/postal reads Japan Post's KEN_ALL into this shape).
struct FakePostal : AddressLookup {
  bool has_data = true;
  std::vector<AddressCandidate> candidates(const std::string& zip) const override {
    if (!has_data) return {};
    if (zip == "1000001") return {{"東京都", "千代田区", "千代田"}};
    if (zip == "0600001") return {{"北海道", "札幌市中央区", "北一条西"}};
    if (zip == "0691329")
      return {{"北海道", "夕張郡長沼町", "木詰"}, {"北海道", "夕張郡長沼町", "幌向原野"}};
    return {};
  }
  bool loaded() const override { return has_data; }
};

ServiceDefinition address_service() {
  return must_load(service({{{"id", "a"}, {"kind", "address"}, {"text", "住所は？"}},
                            {{"id", "s"}, {"kind", "submit"}}}));
}

TEST(Engine, AddressWithAndWithoutLookup) {
  FakePostal fake;
  auto def = address_service();
  auto ctx = today();
  ctx.addresses = &fake;
  Dialog d(def, ctx);
  EXPECT_NE(d.last().prompts[0].text.find("郵便番号"), std::string::npos);
  EXPECT_EQ(d.text("12").prompts[0].type, Prompt::Type::error);
  auto& rest = d.text("100-0001");
  EXPECT_NE(rest.prompts[0].text.find("東京都千代田区千代田 に続く"), std::string::npos);
  auto& done = d.text("1-1");
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers[0]["value"],
            (Json{{"postal_code", "1000001"}, {"address", "東京都千代田区千代田1-1"}}));

  // No postal data at all: the resident types the whole address, from the prefecture.
  FakePostal empty;
  empty.has_data = false;
  auto bare = today();
  bare.addresses = &empty;
  Dialog e(def, bare);
  auto& whole = e.text("9999999");
  EXPECT_NE(whole.prompts[0].text.find("都道府県から"), std::string::npos);
  auto& done2 = e.text("北海道札幌市1-1");
  EXPECT_EQ(find_effect(done2, Effect::Kind::submit)->answers[0]["display"],
            "〒999-9999 北海道札幌市1-1");
}

TEST(Engine, AddressFromPostalCodeAsksOnlyForTheRest) {
  FakePostal fake;
  auto def = address_service();
  auto ctx = today();
  ctx.addresses = &fake;
  Dialog d(def, ctx);
  auto& rest = d.text("０６０００01");  // full-width digits
  EXPECT_NE(rest.prompts[0].text.find("北海道札幌市中央区北一条西 に続く番地"), std::string::npos);
  auto& done = d.text("2丁目");
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers[0]["value"],
            (Json{{"postal_code", "0600001"}, {"address", "北海道札幌市中央区北一条西2丁目"}}));
  // Repeating the town is not doubled.
  Dialog r(def, ctx);
  r.text("060-0001");
  auto& again = r.text("札幌市中央区北一条西2丁目");
  EXPECT_EQ(find_effect(again, Effect::Kind::submit)->answers[0]["value"]["address"],
            "北海道札幌市中央区北一条西2丁目");
}

TEST(Engine, AddressUnknownPostalCodeIsSaidWhenDataIsLoaded) {
  FakePostal fake;
  auto def = address_service();
  auto ctx = today();
  ctx.addresses = &fake;
  Dialog d(def, ctx);
  auto& unknown = d.text("9999999");
  EXPECT_EQ(unknown.prompts[0].type, Prompt::Type::error);
  EXPECT_NE(unknown.prompts[0].text.find("〒999-9999 の住所が見つかりませんでした"),
            std::string::npos);
  EXPECT_EQ(d.last().state.phase, "");  // still asking for the postal code
}

TEST(Engine, AddressSeveralTownsLetTheResidentChoose) {
  FakePostal fake;
  auto def = address_service();
  auto ctx = today();
  ctx.addresses = &fake;
  Dialog d(def, ctx);
  auto& choose = d.text("069-1329");
  const auto& q = choose.prompts.back();
  ASSERT_EQ(q.choices.size(), 2u);
  EXPECT_EQ(q.choices[0].label, "夕張郡長沼町木詰");
  EXPECT_EQ(q.choices[1].label, "夕張郡長沼町幌向原野");
  EXPECT_EQ(d.choice("9").prompts[0].type, Prompt::Type::error);
  auto& rest = d.choice("1");
  EXPECT_NE(rest.prompts[0].text.find("北海道夕張郡長沼町幌向原野 に続く"), std::string::npos);
  auto& done = d.text("123番地");
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers[0]["value"]["address"],
            "北海道夕張郡長沼町幌向原野123番地");
  // Typing the town name works as well as tapping (LINE residents may type).
  Dialog t(def, ctx);
  t.text("0691329");
  t.text("木詰");
  EXPECT_NE(t.last().prompts[0].text.find("北海道夕張郡長沼町木詰 に続く"), std::string::npos);
}

TEST(Engine, AddressWithoutPrefectureAndCityIsCompletedNeverStoredIncomplete) {
  FakePostal fake;
  auto def = address_service();
  auto ctx = today();
  ctx.addresses = &fake;
  // Everything at once at the postal-code question.
  Dialog d(def, ctx);
  auto& done = d.text("〒060-0001 北1条西2丁目");
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers[0]["value"],
            (Json{{"postal_code", "0600001"}, {"address", "北海道札幌市中央区北1条西2丁目"}}));
  // After 「わからない」, the same text in the address question.
  Dialog u(def, ctx);
  u.choice("__unknown__");
  auto& done2 = u.text("〒060-0001 北1条西2丁目");
  EXPECT_EQ(find_effect(done2, Effect::Kind::submit)->answers[0]["value"]["address"],
            "北海道札幌市中央区北1条西2丁目");
  // Without data to complete it, an address lacking the prefecture is refused.
  FakePostal empty;
  empty.has_data = false;
  auto bare = today();
  bare.addresses = &empty;
  Dialog b(def, bare);
  b.text("0600001");
  auto& refused = b.text("北1条西2丁目");
  EXPECT_EQ(refused.prompts[0].type, Prompt::Type::error);
  EXPECT_NE(refused.prompts[0].text.find("都道府県から"), std::string::npos);
  EXPECT_EQ(find_effect(refused, Effect::Kind::submit), nullptr);
}

TEST(Engine, PhotoAndLocationAndOptional) {
  auto def = must_load(service(
      {{{"id", "p"}, {"kind", "photo"}, {"text", "写真"}, {"optional", true}, {"max_bytes", 1000}},
       {{"id", "l"}, {"kind", "location"}, {"text", "場所"}},
       {{"id", "s"}, {"kind", "submit"}}}));
  Dialog d(def, today());
  EXPECT_EQ(d.last().prompts[0].input, "photo");
  EXPECT_EQ(d.last().prompts[0].choices.at(0).value, kSkip);
  Input big;
  big.type = Input::Type::photo;
  big.attachment_id = 1;
  big.size = 5000;
  EXPECT_EQ(d.send(big).prompts[0].type, Prompt::Type::error);
  d.text("スキップ");
  EXPECT_TRUE(d.last().state.answers.at("p").value.is_null());
  EXPECT_EQ(d.step(), "l");
  EXPECT_EQ(d.choice("x").prompts[0].type, Prompt::Type::error);
  Input loc;
  loc.type = Input::Type::location;
  loc.lat = 35.5;
  loc.lng = 139.5;
  auto& done = d.send(loc);
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers[1]["value"],
            (Json{{"lat", 35.5}, {"lng", 139.5}}));
}

TEST(Engine, BranchOnAge) {
  auto def = must_load(service(
      {{{"id", "birth"}, {"kind", "date"}, {"text", "生年月日"}},
       {{"id", "br"},
        {"kind", "branch"},
        {"cases",
         {{{"when", {{"answer", "birth"}, {"op", "age_gte"}, {"value", 65}}}, {"next", "senior"}}}},
        {"default", "end"}},
       {{"id", "senior"}, {"kind", "message"}, {"text", "65歳以上の方の案内"}, {"next", "s"}},
       {{"id", "s"}, {"kind", "submit"}}}));
  Dialog old(def, today("2025-04-01"));
  auto& r = old.text("昭和35年4月1日");  // 65 today
  EXPECT_NE(r.prompts[0].text.find("65歳以上"), std::string::npos);
  EXPECT_TRUE(find_effect(r, Effect::Kind::submit));
  Dialog young(def, today("2025-04-01"));
  auto& y = young.text("昭和35年4月2日");  // 64
  EXPECT_TRUE(y.done);
  EXPECT_FALSE(find_effect(y, Effect::Kind::submit));
}

TEST(Engine, ChoicePagingBeyondTwelveOptions) {
  Json choices = Json::array();
  for (int i = 1; i <= 25; ++i)
    choices.push_back(
        {{"value", "v" + std::to_string(i)}, {"label", "選択肢" + std::to_string(i)}});
  auto def = must_load(
      service({{{"id", "c"}, {"kind", "choice"}, {"text", "選んで"}, {"choices", choices}},
               {{"id", "s"}, {"kind", "submit"}}}));
  Dialog d(def, today());
  const Prompt& p0 = d.last().prompts[0];
  EXPECT_LE(p0.choices.size(), kMaxQuickReplies);
  EXPECT_EQ(p0.choices.back().value, kNextPage);
  EXPECT_EQ(p0.to_json()["page"], (Json{{"index", 0}, {"count", 3}}));
  d.choice(kNextPage);
  const Prompt& p1 = d.last().prompts[0];
  EXPECT_LE(p1.choices.size(), kMaxQuickReplies);
  EXPECT_EQ(p1.choices.front().value, kPrevPage);
  EXPECT_EQ(p1.choices[1].value, "v12");
  d.choice(kNextPage);
  EXPECT_EQ(d.last().prompts[0].choices.back().value, "v25");
  d.choice(kPrevPage);
  EXPECT_EQ(d.last().prompts[0].to_json()["page"]["index"], 1);
  // Any choice may be picked whatever page is shown, also by typed label.
  EXPECT_TRUE(d.text("選択肢3").done);

  // Twelve options fit without paging.
  Json twelve(choices.begin(), choices.begin() + 12);
  choices = twelve;
  auto small =
      must_load(service({{{"id", "c"}, {"kind", "choice"}, {"text", "?"}, {"choices", choices}},
                         {{"id", "s"}, {"kind", "submit"}}}));
  auto r = start(small, today());
  EXPECT_EQ(r.prompts[0].choices.size(), 12u);
  EXPECT_FALSE(r.prompts[0].to_json().contains("page"));
}

TEST(Engine, LongLabelsAreTruncatedAndListedInFull) {
  std::string long_label = "とても長い選択肢のラベルで二十文字を超えてしまうもの";
  auto def = must_load(
      service({{{"id", "c"},
                {"kind", "choice"},
                {"text", "選んで"},
                {"choices",
                 {{{"value", "a"}, {"label", long_label}},
                  {{"value", "b"}, {"label", long_label + "B"}, {"short_label", "短いB"}}}}},
               {{"id", "s"}, {"kind", "submit"}}}));
  auto r = start(def, today());
  const auto& p = r.prompts[0];
  EXPECT_EQ(p.choices[0].label, "とても長い選択肢のラベルで二十文字を超…");
  EXPECT_LE(char_count(p.choices[0].label), kMaxLabelChars);
  EXPECT_EQ(p.choices[1].label, "短いB");
  // The full wording travels with the choice; the text (shared with the web) stays as written.
  EXPECT_EQ(p.choices[0].full_label, long_label);
  EXPECT_EQ(p.choices[1].full_label, long_label + "B");
  EXPECT_EQ(p.text, "選んで");
  EXPECT_EQ(p.to_json()["choices"][0]["full_label"], long_label);
}

TEST(Engine, MultipleChoiceTapsToggle) {
  auto def = must_load(service({{{"id", "m"},
                                 {"kind", "choice"},
                                 {"multiple", true},
                                 {"max_selections", 2},
                                 {"text", "?"},
                                 {"choices",
                                  {{{"value", "a"}, {"label", "A"}, {"fee", 100}},
                                   {{"value", "b"}, {"label", "B"}, {"fee", 200}},
                                   {{"value", "c"}, {"label", "C"}, {"fee", 400}}}}},
                                {{"id", "s"}, {"kind", "submit"}}}));
  Dialog d(def, today());
  EXPECT_EQ(d.last().prompts[0].input, "multi_choice");
  d.choice("a");
  d.choice("b");
  d.choice("a");  // untap
  EXPECT_NE(d.last().prompts[0].hint.find("選択中：B"), std::string::npos);
  d.choice("c");
  auto& done = d.choice("__done__");
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->total_fee, 600);
  Dialog e(def, today());
  EXPECT_NE(e.text("A、B、C").prompts[0].text.find("2つまで"), std::string::npos);
  Input many;
  many.type = Input::Type::choices;
  many.values = {"c", "a"};
  EXPECT_EQ(find_effect(e.send(many), Effect::Kind::submit)->answers[0]["value"], (Json{"a", "c"}));
}

// issue 9 (LINE's 選び直す): __clear__ or typing 選び直す unticks everything, staying on the step.
TEST(Engine, MultipleChoiceClearStartsTheSelectionOver) {
  auto def = must_load(service({{{"id", "m"},
                                 {"kind", "choice"},
                                 {"multiple", true},
                                 {"text", "?"},
                                 {"choices",
                                  {{{"value", "a"}, {"label", "A"}, {"fee", 100}},
                                   {{"value", "b"}, {"label", "B"}, {"fee", 200}}}}},
                                {{"id", "s"}, {"kind", "submit"}}}));
  Dialog d(def, today());
  d.choice("a");
  auto& cleared = d.choice("__clear__");
  ASSERT_EQ(cleared.prompts.size(), 1u);
  EXPECT_EQ(cleared.prompts[0].step_id, "m");
  EXPECT_TRUE(cleared.prompts[0].selected.empty());
  d.choice("b");
  d.text("選び直す");
  EXPECT_TRUE(d.last().prompts[0].selected.empty());
  d.choice("b");
  EXPECT_EQ(find_effect(d.choice("__done__"), Effect::Kind::submit)->total_fee, 200);
}

namespace {
struct FakeList : LookupProvider {
  std::optional<Json> find(const std::string& list,
                           const std::map<std::string, std::string>& f) const override {
    if (list == "roster" && f.count("no") && f.at("no") == "111") return Json{{"no", "111"}};
    return std::nullopt;
  }
};
Json lookup_steps() {
  return {{{"id", "no"}, {"kind", "text"}, {"text", "番号"}},
          {{"id", "chk"},
           {"kind", "lookup"},
           {"list", "roster"},
           {"match_fields", {{"no", "no"}}},
           {"daily_limit", 2}},
          {{"id", "s"}, {"kind", "submit"}}};
}
}  // namespace

TEST(Engine, LookupMatchFailAndDailyLimit) {
  FakeList list;
  auto def = must_load(service(lookup_steps()));
  auto ctx = today();
  ctx.lookup = &list;
  Dialog d(def, ctx);
  auto& miss = d.text("999");
  const Effect* failed = find_effect(miss, Effect::Kind::lookup_failed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->step_id, "chk");
  EXPECT_EQ(d.step(), "no");
  EXPECT_TRUE(d.text("111").done);

  // The host says this resident already failed once today: one more miss reaches the limit.
  d = Dialog(def, ctx);
  d.context().lookup_failures_today = 1;
  auto& blocked = d.text("999");
  EXPECT_TRUE(blocked.done);
  EXPECT_NE(blocked.prompts.back().text.find("上限"), std::string::npos);

  // Already at the limit: refused without even calling the list.
  d = Dialog(def, ctx);
  d.context().lookup_failures_today = 2;
  EXPECT_TRUE(d.text("111").done);
  EXPECT_FALSE(find_effect(d.last(), Effect::Kind::submit));
}

TEST(Engine, RatingAfterCompletion) {
  auto def = must_load(service({{{"id", "q"}, {"kind", "text"}, {"text", "ご意見"}},
                                {{"id", "s"}, {"kind", "submit"}},
                                {{"id", "r"}, {"kind", "rating"}, {"text", "満足度は？"}}}));
  Dialog d(def, today());
  auto& r = d.text("よかった");
  EXPECT_TRUE(find_effect(r, Effect::Kind::submit));
  EXPECT_EQ(d.step(), "r");
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.prompts.back().input, "rating");
  EXPECT_EQ(d.command("back").prompts[0].type, Prompt::Type::error);  // no going back into it
  EXPECT_EQ(d.text("0").prompts[0].type, Prompt::Type::error);
  auto& done = d.text("５");
  EXPECT_TRUE(done.done);
  EXPECT_EQ(find_effect(done, Effect::Kind::rating)->score, 5);
  // The score names its question: a service may ask several (results page, CSV columns).
  EXPECT_EQ(find_effect(done, Effect::Kind::rating)->step_id, "r");
}

TEST(Engine, CorrectionReasksOnlyGivenStepsAndResubmits) {
  auto def = basic();
  Json answers = Json::array({{{"step_id", "name"}, {"value", "山田太郎"}, {"display", "山田太郎"}},
                              {{"step_id", "kana"}, {"value", "ヤマダ"}, {"display", "ヤマダ"}},
                              {{"step_id", "plan"}, {"value", "a"}, {"display", "Aプラン"}}});
  auto r = start_correction(def, answers, {"plan", "kana"}, "フリガナが違います", today());
  EXPECT_NE(r.prompts[0].text.find("フリガナが違います"), std::string::npos);
  EXPECT_EQ(r.state.current, "kana");  // dialog order, not the order given
  auto r2 = handle(def, r.state, Input::of_text("ヤマダタロウ"), today());
  EXPECT_EQ(r2.state.current, "plan");
  auto r3 = handle(def, r2.state, Input::of_choice("b"), today());
  EXPECT_EQ(r3.state.current, "confirm");
  auto r4 = handle(def, r3.state, Input::of_choice("confirm"), today());
  const Effect* e = find_effect(r4, Effect::Kind::resubmit);
  ASSERT_TRUE(e);
  EXPECT_FALSE(find_effect(r4, Effect::Kind::submit));
  EXPECT_EQ(e->answers[0]["value"], "山田太郎");
  EXPECT_EQ(e->answers[1]["value"], "ヤマダタロウ");
  EXPECT_EQ(e->total_fee, 500);
  EXPECT_THROW(start_correction(def, answers, {"submit", "ghost"}, "", today()),
               std::invalid_argument);
}

TEST(Engine, AvailabilityWindow) {
  Json j = service(basic_steps());
  j["available"] = {{"from", "2025-05-01"}, {"to", "2025-05-31"}};
  auto def = must_load(j);
  auto early = start(def, today("2025-04-30"));
  EXPECT_TRUE(early.done);
  EXPECT_NE(early.prompts[0].text.find("令和7年5月1日から令和7年5月31日"), std::string::npos);
  EXPECT_TRUE(start(def, today("2025-06-01")).done);
  EXPECT_FALSE(start(def, today("2025-05-15")).done);
}

TEST(Engine, StateRoundTripsThroughJsonAndExpires) {
  Dialog d(basic(), today());
  d.text("山田太郎");
  SessionState s = d.last().state;
  SessionState back = SessionState::from_json(s.to_json());
  EXPECT_EQ(back.to_json(), s.to_json());
  EXPECT_EQ(back.answers.at("name").display, "山田太郎");
  EXPECT_EQ(back.history, std::vector<std::string>{"name"});
  EXPECT_THROW(SessionState::from_json(Json{{"version", 99}}), std::invalid_argument);
  EXPECT_THROW(SessionState::from_json(Json::array()), std::invalid_argument);

  EXPECT_EQ(s.last_activity, 1'001'000);
  EXPECT_FALSE(expired(s, s.last_activity + 1000, 30 * 60 * 1000));
  EXPECT_TRUE(expired(s, s.last_activity + 31 * 60 * 1000, 30 * 60 * 1000));
  s.done = true;
  EXPECT_FALSE(expired(s, s.last_activity + 31 * 60 * 1000, 30 * 60 * 1000));
}

TEST(Engine, ResultSerialises) {
  auto r = start(basic(), today());
  Json j = r.to_json();
  EXPECT_EQ(j["state"]["current"], "name");
  EXPECT_EQ(j["prompts"].size(), 2u);
  EXPECT_EQ(j["effects"], Json::array());
  EXPECT_EQ(j["done"], false);
}

TEST(Engine, IsDeterministic) {
  auto a = start(basic(), today());
  auto b = start(basic(), today());
  EXPECT_EQ(a.to_json(), b.to_json());
}

TEST(Engine, EditThatChangesTheBranchDropsOffPathAnswers) {
  auto def = must_load(service(
      {{{"id", "kind"},
        {"kind", "choice"},
        {"text", "?"},
        {"choices",
         {{{"value", "start"}, {"label", "開始"}}, {{"value", "stop"}, {"label", "中止"}}}}},
       {{"id", "br"},
        {"kind", "branch"},
        {"cases",
         {{{"when", {{"answer", "kind"}, {"op", "eq"}, {"value", "stop"}}}, {"next", "stop_day"}}}},
        {"default", "start_day"}},
       {{"id", "start_day"},
        {"kind", "date"},
        {"text", "開始日"},
        {"label", "開始日"},
        {"next", "confirm"}},
       {{"id", "stop_day"}, {"kind", "date"}, {"text", "中止日"}, {"label", "中止日"}},
       {{"id", "confirm"}, {"kind", "confirm"}},
       {{"id", "s"}, {"kind", "submit"}}}));
  Dialog d(def, today());
  d.choice("start");
  d.text("2025-04-10");
  d.command("edit", "kind");
  d.choice("stop");
  EXPECT_EQ(d.step(), "stop_day");  // the new branch needs an answer first
  auto& r = d.text("2025-04-20");
  EXPECT_EQ(d.step(), "confirm");
  const Prompt* summary = find_prompt(r, Prompt::Type::summary);
  ASSERT_EQ(summary->items.size(), 2u);
  EXPECT_EQ(summary->items[1].label, "中止日");
  auto& done = d.choice("confirm");
  EXPECT_EQ(find_effect(done, Effect::Kind::submit)->answers.size(), 2u);  // no stale 開始日
}

namespace {
ServiceDefinition bulky() {
  Json choices = Json::array();
  // 13 items: two pages of 10 + 決定; 電子レンジ lands on the second page.
  const char* names[] = {"自転車",   "ソファ",     "机",      "椅子",   "布団",
                         "扇風機",   "カーペット", "タンス",  "ベッド", "マットレス",
                         "物干し台", "電子レンジ", "ストーブ"};
  const char* values[] = {"bicycle", "sofa", "desk",     "chair", "futon",     "fan",   "carpet",
                          "chest",   "bed",  "mattress", "pole",  "microwave", "heater"};
  int64_t fees[] = {400, 800, 400, 400, 200, 200, 400, 800, 800, 800, 200, 400, 400};
  for (size_t i = 0; i < 13; ++i)
    choices.push_back({{"value", values[i]}, {"label", names[i]}, {"fee", fees[i]}});
  return must_load(service({{{"id", "items"},
                             {"kind", "choice"},
                             {"multiple", true},
                             {"min_selections", 1},
                             {"text", "品目を選んでください"},
                             {"choices", choices}},
                            {{"id", "confirm"}, {"kind", "confirm"}},
                            {{"id", "s"}, {"kind", "submit"}}}));
}

std::vector<std::string> values_of(const std::vector<PromptChoice>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.value);
  return out;
}
}  // namespace

TEST(Engine, EditingAMultiChoiceStartsFromTheCurrentSelection) {
  Dialog d(bulky(), today());
  Input both;
  both.type = Input::Type::choices;
  both.values = {"sofa", "desk"};
  auto& summary = d.send(both);
  ASSERT_EQ(d.step(), "confirm");
  EXPECT_EQ(find_prompt(summary, Prompt::Type::summary)->total_fee, 1200);

  auto& edit = d.command("edit", "items");
  const Prompt* q = find_prompt(edit, Prompt::Type::question);
  ASSERT_TRUE(q);
  EXPECT_EQ(values_of(q->selected), (std::vector<std::string>{"sofa", "desk"}));
  EXPECT_EQ(q->selected[0].label, "ソファ");
  EXPECT_EQ(q->to_json()["selected"][1], (Json{{"value", "desk"}, {"label", "机"}}));
  // Untouched, the hint shows 現在の回答 once, not a second 選択中 line.
  EXPECT_NE(q->hint.find("現在の回答：ソファ、机"), std::string::npos);
  EXPECT_EQ(q->hint.find("選択中"), std::string::npos);

  // One more tap adds to the answer instead of replacing it.
  auto& tapped = d.choice("futon");
  q = find_prompt(tapped, Prompt::Type::question);
  EXPECT_EQ(values_of(q->selected), (std::vector<std::string>{"sofa", "desk", "futon"}));
  EXPECT_NE(q->hint.find("選択中：ソファ、机、布団"), std::string::npos);
  auto& back = d.choice("__done__");
  ASSERT_EQ(d.step(), "confirm");
  const Prompt* s = find_prompt(back, Prompt::Type::summary);
  EXPECT_EQ(s->items[0].display, "ソファ、机、布団");
  EXPECT_EQ(s->total_fee, 1400);

  // 決定 right away keeps the answer as it was.
  d.command("edit", "items");
  auto& same = d.choice("__done__");
  EXPECT_EQ(find_prompt(same, Prompt::Type::summary)->total_fee, 1400);
}

TEST(Engine, CorrectingAMultiChoiceStartsFromTheSubmittedSelection) {
  auto def = bulky();
  Json answers =
      Json::array({{{"step_id", "items"}, {"value", {"sofa", "desk"}}, {"display", "ソファ、机"}}});
  auto r = start_correction(def, answers, {"items"}, "品目を確認してください", today());
  const Prompt* q = find_prompt(r, Prompt::Type::question);
  ASSERT_TRUE(q);
  EXPECT_EQ(values_of(q->selected), (std::vector<std::string>{"sofa", "desk"}));
  auto r2 = handle(def, r.state, Input::of_choice("futon"), today());
  auto r3 = handle(def, r2.state, Input::of_choice("__done__"), today());
  EXPECT_EQ(find_prompt(r3, Prompt::Type::summary)->total_fee, 1400);
  // A stored value that is not a list of strings is not taken as a selection.
  Json odd = Json::array({{{"step_id", "items"}, {"value", {1, 2}}, {"display", "?"}}});
  auto r4 = start_correction(def, odd, {"items"}, "", today());
  EXPECT_TRUE(find_prompt(r4, Prompt::Type::question)->selected.empty());
}

TEST(Engine, MultiChoiceSelectionAcrossPagesKeepsLabelsAndNamesTheButtonInTheHint) {
  Dialog d(bulky(), today());
  const Prompt* q = find_prompt(d.last(), Prompt::Type::question);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->page.has_value());
  // The hint names the finishing button by the label it has.
  const auto& done = q->choices.back();
  EXPECT_EQ(done.value, "__done__");
  EXPECT_NE(q->hint.find("「" + done.label + "」"), std::string::npos) << q->hint;
  EXPECT_EQ(done.label, "決定");
  d.choice("bicycle");
  d.choice("chair");
  d.choice("__next__");
  auto& r = d.choice("microwave");
  q = find_prompt(r, Prompt::Type::question);
  // Values picked on page 1 come back with their labels while page 2 is shown.
  ASSERT_EQ(q->selected.size(), 3u);
  EXPECT_EQ(q->selected[0].label, "自転車");
  EXPECT_EQ(q->selected[1].label, "椅子");
  EXPECT_EQ(q->selected[2].label, "電子レンジ");
  EXPECT_NE(q->hint.find("選択中：自転車、椅子、電子レンジ"), std::string::npos);
  // Typed 決定 finishes too.
  d.text("決定");
  EXPECT_EQ(d.step(), "confirm");
}
