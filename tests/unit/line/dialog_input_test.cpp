// One mapping from a LINE tap or text to the dialog's Input, for real webhook events (the desk)
// and the builder's LINE phone (builder_preview): every button the renderer draws for a question
// maps back to the Input the web chat would send for the same answer.
#include <gtest/gtest.h>

#include "channels/line/builder_preview.h"
#include "channels/line/dialog_input.h"
#include "channels/line/postback_data.h"
#include "channels/line/renderer.h"
#include "core/errors.h"

namespace mg::line {
namespace {

Json postback(const std::string& data) { return Json{{"data", data}}; }

TEST(DialogInput, RenderedButtonsMapBackToTheirInput) {
  Json prompts =
      Json::array({Json{{"type", "question"},
                        {"step_id", "kind"},
                        {"input", "choice"},
                        {"text", "種類は？"},
                        {"choices", Json::array({{{"value", "new"}, {"label", "新規"}}})}}});
  Json items = render_prompts(prompts).back()["quickReply"]["items"];
  auto choice = postback_dialog_input(postback(items[0]["action"]["data"].get<std::string>()));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->input, (Json{{"type", "choice"}, {"value", "new"}}));
  EXPECT_EQ(choice->multi_step, "");
  auto back = postback_dialog_input(postback(items.back()["action"]["data"].get<std::string>()));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->input, (Json{{"type", "command"}, {"command", "back"}}));

  Json date{{"data", encode_postback({Postback::Kind::date, "birth"})},
            {"params", {{"date", "2020-05-01"}}}};
  EXPECT_EQ(postback_dialog_input(date)->input, (Json{{"type", "date"}, {"date", "2020-05-01"}}));
  auto edit = postback_dialog_input(postback(encode_postback({Postback::Kind::edit, "name"})));
  EXPECT_EQ(edit->input, (Json{{"type", "command"}, {"command", "edit"}, {"step_id", "name"}}));
  auto multi =
      postback_dialog_input(postback(encode_postback({Postback::Kind::choice, "sofa", "items"})));
  EXPECT_EQ(multi->multi_step, "items");
  EXPECT_EQ(text_dialog_input("やまだ"), (Json{{"type", "text"}, {"text", "やまだ"}}));
}

TEST(DialogInput, TapsOutsideTheDialogAreNotItsInput) {
  EXPECT_FALSE(postback_dialog_input(postback(encode_postback({Postback::Kind::menu, "0"}))));
  EXPECT_FALSE(postback_dialog_input(postback(encode_postback({Postback::Kind::service, "3"}))));
  EXPECT_FALSE(postback_dialog_input(Json::array()));
  // Data we cannot read asks the dialog for help, as the desk always did.
  EXPECT_EQ(postback_dialog_input(postback("garbage"))->input,
            (Json{{"type", "command"}, {"command", "help"}}));
}

void expect_400(const Json& action) {
  try {
    preview_action_input(action);
    ADD_FAILURE() << "accepted " << action.dump();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400) << action.dump();
  }
}

TEST(PreviewAction, ShapedLikeWebhookEventsAndBounded) {
  EXPECT_EQ(preview_action_input({{"type", "postback"}, {"data", "mg=v&x=new"}}).input,
            (Json{{"type", "choice"}, {"value", "new"}}));
  EXPECT_EQ(
      preview_action_input({{"type", "postback"}, {"data", "mg=d&x=birth"}, {"date", "2020-05-01"}})
          .input,
      (Json{{"type", "date"}, {"date", "2020-05-01"}}));
  EXPECT_EQ(preview_action_input({{"type", "message"}, {"text", "やまだ"}}).input,
            (Json{{"type", "text"}, {"text", "やまだ"}}));

  expect_400(Json::array());
  expect_400({{"type", "sticker"}});
  expect_400({{"type", "postback"}});
  expect_400({{"type", "postback"}, {"data", 5}});
  expect_400({{"type", "postback"}, {"data", "garbage"}});
  expect_400({{"type", "postback"}, {"data", std::string(301, 'a')}});
  expect_400({{"type", "postback"}, {"data", "mg=m&x=0"}});             // the service menu
  expect_400({{"type", "postback"}, {"data", "mg=c&x=applications"}});  // the desk's own
  expect_400({{"type", "postback"}, {"data", "mg=d&x=birth"}});         // a pick without a date
  expect_400({{"type", "postback"}, {"data", "mg=d&x=birth"}, {"date", "2020/05/01"}});
  expect_400({{"type", "postback"}, {"data", "mg=v&x=new"}, {"date", "2020-05-01"}});
  expect_400({{"type", "postback"}, {"data", "mg=v&x=new"}, {"label", "x"}});
  expect_400({{"type", "message"}, {"text", ""}});
  expect_400({{"type", "message"}, {"text", std::string(5001, 'a')}});
  expect_400({{"type", "message"}, {"text", "a"}, {"data", "mg=v&x=new"}});
}

}  // namespace
}  // namespace mg::line
