#include "services/builder.h"

#include <map>

#include "conversation/engine.h"
#include "conversation/validation.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "services/catalog.h"

namespace mg::services {
namespace conv = mg::conversation;

namespace {
// A preview replays every input from the start each turn; a dialog is far shorter than this.
constexpr size_t kMaxPreviewInputs = 300;

// What to do about each finding, in plain words for staff (the message says what is wrong).
std::string fix_for(const std::string& code) {
  static const std::map<std::string, std::string> fixes = {
      {"missing_field", "空いている欄を入力してください"},
      {"wrong_type", "欄の書き方（数・日付・文字）を直してください"},
      {"unknown_kind", "ステップの種類を一覧から選び直してください"},
      {"unknown_format", "入力の形式を一覧から選び直してください"},
      {"unexpected_field", "この種類のステップでは使えない設定です。消してください"},
      {"incompatible_format", "この画面で作り直すか、対応している版のファイルを使ってください"},
      {"too_long", "文字数を減らしてください"},
      {"bad_url", "https:// で始まるページのURLにしてください"},
      {"bad_service_key", "英小文字・数字・ハイフンだけで入力してください（例: inu-toroku）"},
      {"unsupported_locale", "言語は日本語のままにしてください"},
      {"duplicate_id", "ステップ名を、ほかと重ならない名前に変えてください"},
      {"reserved_id", "ステップ名を end 以外の名前にしてください"},
      {"unknown_target", "「次に進む先」を一覧から選び直してください"},
      {"unreachable",
       "前のステップの「次に進む先」でこのステップを選ぶか、いらなければ削除してください"},
      {"no_exit", "繰り返しのどこかで、先へ進むか「終了」する行き先を選んでください"},
      {"no_choices", "「選択肢を追加」で選択肢を1つ以上作ってください"},
      {"duplicate_choice", "選択肢の値が重ならないように変えてください"},
      {"reserved_value", "選択肢の値を別の言葉に変えてください"},
      {"bad_range", "最小が最大以下になるように直してください"},
      {"bad_date", "日付は 2025-04-01 の形か、today（今日）・+3d（3日後）などで入力してください"},
      {"bad_fee", "手数料は0円以上にしてください"},
      {"unsupported_type", "写真の種類は JPEG か PNG にしてください"},
      {"unknown_answer", "条件に使う質問を一覧から選び直してください"},
      {"not_a_question", "条件には、回答のある質問のステップを選んでください"},
      {"later_answer", "この分かれ道を、その質問より後ろへ移してください"},
      {"answer_not_guaranteed",
       "その質問を分かれ道より前の、どの道でも通る位置へ移すか、別の質問で条件を作ってください"},
      {"unknown_operator", "比べ方を一覧から選び直してください"},
      {"type_mismatch", "質問の種類に合った比べ方と値を選んでください"},
      {"unknown_choice", "比べる値を、その質問の選択肢から選んでください"},
      {"duplicate_reserve", "予約のステップは1つだけにしてください"},
      {"missing_confirm", "「申請」の前に「確認」のステップを追加してください"},
      {"line_label_cut", "20文字以内の「LINEの短い表示名」を入れてください"},
      {"line_label_too_long", "LINEの短い表示名を20文字以内にしてください"},
      {"line_paged", "選択肢を12個以内にすると、LINEで1画面に収まります"},
  };
  auto it = fixes.find(code);
  return it == fixes.end() ? "内容を見直してください" : it->second;
}

Json findings(const std::vector<conv::Issue>& issues) {
  Json out = Json::array();
  for (const auto& i : issues) {
    Json f = i.to_json();
    f["step_id"] = i.step_id;
    f["field"] = i.field;
    f["fix"] = fix_for(i.code);
    out.push_back(std::move(f));
  }
  return out;
}

Json definition_in(const Json& body) {
  if (!body.is_object() || !body.contains("definition") || !body["definition"].is_object())
    throw ApiError::bad_request("definition（サービス定義）をオブジェクトで指定してください",
                                "definition");
  return body["definition"];
}
}  // namespace

Json check_draft(const Json& definition) {
  auto parsed = conv::parse_definition(definition);
  if (!parsed.definition)
    return {{"ok", false}, {"errors", findings(parsed.issues)}, {"warnings", Json::array()}};
  auto errors = conv::validate(*parsed.definition);
  auto warnings = conv::advise(*parsed.definition);
  return {{"ok", errors.empty()}, {"errors", findings(errors)}, {"warnings", findings(warnings)}};
}

Json preview_turn(const Json& body, int64_t now_ms) {
  auto def = load_or_throw(definition_in(body));
  Json inputs = body.contains("inputs") ? body["inputs"] : Json::array();
  if (!inputs.is_array() || inputs.size() > kMaxPreviewInputs)
    throw ApiError::bad_request(
        "inputs は" + std::to_string(kMaxPreviewInputs) + "件までの配列で指定してください",
        "inputs");
  // No lookup lists, postal data or reservation slots: a preview reads nothing of the
  // municipality's and stores nothing (lookups miss; addresses are asked whole).
  conv::Context ctx{clock::date_jst(now_ms), now_ms, nullptr, nullptr, 0};
  // The browser sends the inputs so far, never a state: the engine replays them from the start
  // (it is deterministic), so a forged state cannot reach it and an edited draft just replays.
  conv::StepResult res = conv::start(def, ctx);
  for (const auto& in : inputs) {
    if (res.done) break;
    res = in.is_string()
              ? conv::handle(def, res.state, conv::Input::of_text(in.get<std::string>()), ctx)
              : conv::handle_json(def, res.state, in, ctx);
  }
  conv::fill_receipt_number(res.prompts, "PRE-VIE-W00");
  Json out = res.to_json();
  out["step"] = res.state.current;
  out.erase("state");
  return out;
}

void mount_builder(http::Router& r, auth::AuthService& auth) {
  r.post("/api/services/validate", [&](http::Request& req) {
    auth.require(req, auth::Role::editor);
    auto body = http::json_body(req, kServiceDefinitionLimits);
    return http::Response::json(check_draft(definition_in(body)));
  });
  r.post("/api/services/preview", [&](http::Request& req) {
    auth.require(req, auth::Role::editor);
    auto body = http::json_body(req, kServiceDefinitionLimits);
    return http::Response::json(preview_turn(body, clock::now_ms()));
  });
}

}  // namespace mg::services
