// The privacy notice (個人情報の取扱い): asked before the first personal question, stored with
// the submission, validated at import.
#include "conversation/consent.h"

#include <gtest/gtest.h>

#include "support.h"

using namespace mg::conversation;
using namespace mg::conversation::testing;
using mg::Json;

namespace {

const char* kNotice = "利用目的：粗大ごみ収集の受付と連絡のため。保存期間：5年。";

Json notice_service(Json notice = Json{{"text", kNotice},
                                       {"url", "https://example.jp/privacy"},
                                       {"version", "2025-04"}}) {
  Json j = service({{{"id", "hello"}, {"kind", "message"}, {"text", "ようこそ"}},
                    {{"id", "kind"},
                     {"kind", "choice"},
                     {"text", "種類は？"},
                     {"choices", {{{"value", "a"}, {"label", "家具"}}}}},
                    {{"id", "name"}, {"kind", "text"}, {"text", "お名前は？"}, {"personal", true}},
                    {{"id", "phone"}, {"kind", "text"}, {"format", "phone"}, {"text", "電話番号"}},
                    {{"id", "confirm"}, {"kind", "confirm"}},
                    {{"id", "submit"}, {"kind", "submit"}}});
  j["privacy_notice"] = std::move(notice);
  return j;
}

std::vector<std::string> codes(const Json& definition) {
  std::vector<std::string> out;
  for (const auto& i : load_definition(definition).issues) out.push_back(i.code + ":" + i.field);
  return out;
}

}  // namespace

TEST(Consent, PersonalDataIsDecidedByKindFormatAndFlag) {
  Step s;
  s.kind = StepKind::text;
  EXPECT_FALSE(asks_personal_data(s));
  for (auto f : {TextFormat::kana, TextFormat::email, TextFormat::phone, TextFormat::postal_code}) {
    s.format = f;
    EXPECT_TRUE(asks_personal_data(s)) << to_string(f);
  }
  s.format = TextFormat::number;
  EXPECT_FALSE(asks_personal_data(s));
  s.personal = true;
  EXPECT_TRUE(asks_personal_data(s));
  Step address;
  address.kind = StepKind::address;
  EXPECT_TRUE(asks_personal_data(address));
  address.personal = false;
  EXPECT_FALSE(asks_personal_data(address));
  Step message;
  message.kind = StepKind::message;
  message.personal = true;
  EXPECT_FALSE(asks_personal_data(message));
}

TEST(Consent, NoticeComesBeforeTheFirstPersonalQuestionOnly) {
  Dialog d(must_load(notice_service()), today());
  EXPECT_EQ(d.step(), "kind");  // a non-personal question is asked without the notice
  auto& r = d.choice("a");
  EXPECT_EQ(d.step(), "name");
  ASSERT_FALSE(r.prompts.empty());
  const Prompt& p = r.prompts.back();
  EXPECT_EQ(p.input, "consent");
  EXPECT_NE(p.text.find(kNotice), std::string::npos);
  EXPECT_NE(p.text.find("https://example.jp/privacy"), std::string::npos);
  ASSERT_EQ(p.choices.size(), 2u);
  EXPECT_EQ(p.choices[0].label, "同意する");
  EXPECT_EQ(p.choices[1].label, "同意しない");
  Json j = p.to_json();
  EXPECT_EQ(j["notice"]["text"], kNotice);
  EXPECT_EQ(j["notice"]["url"], "https://example.jp/privacy");

  // A name typed instead of agreeing is not taken as the answer.
  auto& unclear = d.text("山田太郎");
  EXPECT_EQ(unclear.prompts.front().type, Prompt::Type::error);
  EXPECT_EQ(unclear.prompts.back().input, "consent");
  EXPECT_EQ(d.last().state.answers.count("name"), 0u);

  auto& agreed = d.choice(kConsentAgree);
  EXPECT_EQ(agreed.prompts.back().input, "text");
  EXPECT_EQ(agreed.prompts.back().step_id, "name");
  d.text("山田太郎");
  // The phone number is personal too, but consent is asked once per session.
  EXPECT_EQ(d.last().prompts.back().input, "text");
  EXPECT_EQ(d.step(), "phone");
  d.text("090-1234-5678");
  auto& done = d.choice("confirm");
  const Effect* submit = find_effect(done, Effect::Kind::submit);
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->consent["notice_version"], "2025-04");
  EXPECT_EQ(submit->consent["notice_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(submit->consent["agreed_at"], 1'000'000 + 3000);
  EXPECT_EQ(submit->to_json()["consent"], submit->consent);
}

TEST(Consent, RefusingOffersQuitAndAgreeingLaterStillWorks) {
  Dialog d(must_load(notice_service()), today());
  d.choice("a");
  auto& no = d.choice(kConsentDecline);
  EXPECT_EQ(d.step(), "name");
  const Prompt& p = no.prompts.back();
  EXPECT_EQ(p.input, "consent");
  EXPECT_NE(p.text.find("続けられません"), std::string::npos);
  ASSERT_EQ(p.choices.size(), 2u);
  EXPECT_EQ(p.choices[1].value, kConsentQuit);
  EXPECT_EQ(p.choices[1].label, "やめる");
  EXPECT_TRUE(p.to_json()["notice"]["declined"].get<bool>());
  auto& quit = d.choice(kConsentQuit);
  EXPECT_TRUE(quit.done);
  EXPECT_TRUE(find_effect(quit, Effect::Kind::quit));
  EXPECT_FALSE(find_effect(quit, Effect::Kind::submit));

  Dialog again(must_load(notice_service()), today());
  again.choice("a");
  again.text("同意しない");
  EXPECT_TRUE(again.last().state.consent.is_null());
  again.text("同意する");
  EXPECT_FALSE(again.last().state.consent.is_null());
  EXPECT_EQ(again.last().prompts.back().step_id, "name");
  EXPECT_EQ(again.last().prompts.back().input, "text");
}

TEST(Consent, SurvivesStoredStateHelpAndBack) {
  Dialog d(must_load(notice_service()), today());
  d.choice("a");
  EXPECT_EQ(d.last().state.phase, kConsentPhase);
  EXPECT_EQ(d.command("help").prompts.back().input, "consent");
  // Malformed input re-shows the notice, not the personal question behind it.
  EXPECT_EQ(d.json(Json{{"type", "nonsense"}}).prompts.back().input, "consent");
  d.command("back");
  EXPECT_EQ(d.step(), "kind");
  d.choice("a");
  EXPECT_EQ(d.last().prompts.back().input, "consent");
}

TEST(Consent, ServiceWithoutNoticeAsksDirectly) {
  Json j = notice_service();
  j.erase("privacy_notice");
  Dialog d(must_load(j), today());
  d.choice("a");
  EXPECT_EQ(d.last().prompts.back().input, "text");
  d.text("山田太郎");
  d.text("0312345678");
  const Effect* submit = find_effect(d.choice("confirm"), Effect::Kind::submit);
  ASSERT_TRUE(submit);
  EXPECT_TRUE(submit->consent.is_null());
  EXPECT_FALSE(submit->to_json().contains("consent"));
}

TEST(Consent, HashNamesTheExactNotice) {
  auto a = must_load(notice_service());
  Json other = notice_service();
  other["privacy_notice"]["text"] = std::string(kNotice) + "改定";
  auto b = must_load(other);
  ASSERT_TRUE(a.privacy_notice && b.privacy_notice);
  EXPECT_NE(a.privacy_notice->sha256, b.privacy_notice->sha256);
}

TEST(Consent, NoticeIsValidated) {
  EXPECT_TRUE(codes(notice_service()).empty());
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  EXPECT_TRUE(has(codes(notice_service(Json{{"url", "https://example.jp"}})),
                  "missing_field:privacy_notice.text"));
  EXPECT_TRUE(
      has(codes(notice_service(Json{{"text", "  \n"}})), "missing_field:privacy_notice.text"));
  std::string long_text;
  for (int i = 0; i < 2001; ++i) long_text += "あ";
  EXPECT_TRUE(
      has(codes(notice_service(Json{{"text", long_text}})), "too_long:privacy_notice.text"));
  EXPECT_TRUE(codes(notice_service(Json{{"text", long_text.substr(3)}})).empty());
  EXPECT_TRUE(has(codes(notice_service(Json{{"text", "x"}, {"url", "javascript:alert(1)"}})),
                  "bad_url:privacy_notice.url"));
  EXPECT_TRUE(has(codes(notice_service(Json{{"text", "x"}, {"url", "https://a b"}})),
                  "bad_url:privacy_notice.url"));
  EXPECT_TRUE(has(codes(notice_service(Json{{"text", "x"}, {"version", std::string(51, 'v')}})),
                  "too_long:privacy_notice.version"));
  EXPECT_TRUE(has(codes(notice_service(Json{{"text", 5}})), "wrong_type:text"));
  EXPECT_TRUE(has(codes(notice_service(Json("同意してください"))), "wrong_type:privacy_notice"));
  Json flagged = notice_service();
  flagged["steps"][0]["personal"] = true;
  EXPECT_TRUE(has(codes(flagged), "unexpected_field:personal"));
}

TEST(Consent, CorrectionDoesNotAskAgain) {
  auto def = must_load(notice_service());
  Json answers =
      Json::array({Json{{"step_id", "kind"}, {"value", "a"}, {"display", "家具"}},
                   Json{{"step_id", "name"}, {"value", "山田"}, {"display", "山田"}},
                   Json{{"step_id", "phone"}, {"value", "0312345678"}, {"display", ""}}});
  auto r = start_correction(def, answers, {"phone"}, "番号違い", today());
  EXPECT_EQ(r.prompts.back().input, "text");
  EXPECT_EQ(r.state.current, "phone");
}
