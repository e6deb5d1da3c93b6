// Rich menu admin API end to end: the real HTTP server with the rich menu routes and a
// line-sim child process (MG_LINESIM_BIN or build/madoguchi) standing in for LINE. Switch-all
// and links answer 202 with a job; the tests run it with runner_->drain().
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "auth/service.h"
#include "channels/line/channel_settings.h"
#include "channels/line/rich_menu_routes.h"
#include "core/clock.h"
#include "core/http_client.h"
#include "core/http_server.h"
#include "core/log.h"
#include "jobs/queue.h"
#include "line_sim_child.h"
#include "residents/store.h"
#include "store/migrations.h"

namespace mg::line {
namespace {

namespace fs = std::filesystem;
using testing::kRoot;

struct Reply {
  int status = 0;
  Json body;
};

Reply send(const std::string& method, const std::string& url, const Json& body = nullptr,
           http::Headers headers = {}) {
  http::ClientRequest r;
  r.method = method;
  r.url = url;
  r.headers = std::move(headers);
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers.emplace_back("Content-Type", "application/json");
  }
  auto res = http::send(r);
  return {res.status, Json::parse(res.body.empty() ? "null" : res.body, nullptr, false)};
}

Json area(int x, int w, const std::string& text) {
  return {{"bounds", {{"x", x}, {"y", 0}, {"width", w}, {"height", 843}}},
          {"action", {{"type", "message"}, {"label", text}, {"text", text}}}};
}

Json menu(const std::string& line_name, const std::string& bar) {
  return {{"size", {{"width", 2500}, {"height", 843}}},
          {"selected", true},
          {"name", line_name},
          {"chatBarText", bar},
          {"areas", Json::array({area(0, 1250, "申請"), area(1250, 1250, "お知らせ")})}};
}

class RichMenuFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::warn);
    dir_ = fs::temp_directory_path() / ("mg-richmenu-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    db_ = store::open("sqlite:" + (dir_ / "db.sqlite").string());
    store::migrate(*db_);
    auth_ = std::make_unique<auth::AuthService>(*db_);
    tenant_ = auth_->create_tenant("rmvil", "テスト村", "011002").id;
    db_->write([&](store::Tx& tx) {
      auth_->create_staff(tx, tenant_, "admin@example.jp", "管理者", "Sufficiently-Long-Pass-42",
                          "admin", "");
    });
    auto login =
        auth_->login("rmvil", "admin@example.jp", "Sufficiently-Long-Pass-42", "127.0.0.1");
    session_ = {{"Cookie", std::string(auth::kSessionCookie) + "=" + login.session_token},
                {"X-CSRF-Token", login.principal.csrf_token}};

    runner_ = std::make_unique<jobs::Runner>(*db_, 1);
    register_rich_menu_routes(router_, *auth_, *db_, *runner_);
    http::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.io_threads = 1;
    so.worker_threads = 2;
    server_ = std::make_unique<http::Server>(
        so, [this](http::Request& r) { return router_.dispatch(r); });
    port_ = server_->bind();
    server_thread_ = std::thread([this] { server_->run(); });

    // No webhook URL: residents are inserted directly, this test is about menus only.
    sim_child_.start("", "sec", "tok");
    sim_ = sim_child_.base();
    allow_api_base(sim_);  // the operator setting (--line-api-allow) for this line-sim
    ASSERT_TRUE(send("GET", sim_ + "/sim/health").body.is_object()) << "line-sim did not start";
    set_token("tok");
  }

  void TearDown() override {
    sim_child_.stop();
    server_->stop();
    server_thread_.join();
    clock::set_offset_ms(0);
    fs::remove_all(dir_);
  }

  void set_token(const std::string& token) {
    db_->write([&](store::Tx& tx) {
      ChannelSettings s = unconfigured(tenant_);
      s.channel_secret = "sec";
      s.access_token = token;
      s.api_base = sim_;
      save_settings(tx, s);
    });
  }

  // A virtual resident on line-sim and its residents row (segment: resident/non_resident).
  std::string resident(const std::string& segment) {
    std::string user = send("POST", sim_ + "/sim/users", Json::object()).body["userId"];
    db_->write([&](store::Tx& tx) {
      auto r = residents::find_or_create(tx, tenant_, "line", user);
      residents::AttributeValue v;
      v.key = "segment";
      v.text = segment;
      residents::replace_values(tx, tenant_, r.id, "segment", {v});
    });
    return user;
  }

  Reply api(const std::string& method, const std::string& path, const Json& body = nullptr) {
    return send(method, "http://127.0.0.1:" + std::to_string(port_) + path, body, session_);
  }

  // The LINE name of the menu line-sim shows the user, or "" for none.
  std::string shown(const std::string& user) {
    auto r = send("GET", sim_ + "/sim/users/" + user + "/richmenu").body;
    if (!r.is_object() || !r["richMenu"].is_object()) return "";
    EXPECT_TRUE(r["imageUrl"].is_string()) << "menu without image";
    return r["richMenu"]["name"];
  }

  // A 202 answer's job, run to its end here; returns what the console would poll.
  Json run_job(const Reply& accepted) {
    EXPECT_EQ(accepted.status, 202) << accepted.body.dump();
    EXPECT_EQ(accepted.body["job"]["status"], "pending");
    runner_->drain();
    return api("GET", accepted.body["job"]["url"].get<std::string>()).body;
  }

  void faults(const Json& f) { send("POST", sim_ + "/sim/faults", f); }

  int line_calls(const std::string& route) {
    int n = 0;
    Json log = send("GET", sim_ + "/sim/requests").body;  // kept alive for the loop
    for (const auto& e : log["requests"])
      if (e["route"] == route) ++n;
    return n;
  }

  fs::path dir_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<jobs::Runner> runner_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread server_thread_;
  unsigned short port_ = 0;
  int64_t tenant_ = 0;
  http::Headers session_;
  testing::LineSimChild sim_child_;
  std::string sim_;
};

constexpr const char* kUpload = "POST /v2/bot/richmenu/{richMenuId}/content";

TEST_F(RichMenuFlow, DefaultLinkSwitchAllAndRestore) {
  std::string villager = resident("resident"), visitor = resident("non_resident");

  auto put =
      api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}});
  ASSERT_EQ(put.status, 201) << put.body.dump();
  EXPECT_TRUE(put.body["image"]["generated"].get<bool>());

  auto def = api("POST", "/api/line/rich-menus/normal/default");
  ASSERT_EQ(def.status, 200) << def.body.dump();
  EXPECT_EQ(shown(villager), "村民メニュー");
  EXPECT_EQ(shown(visitor), "村民メニュー");

  // Again: the menu exists on LINE and its image is there, so nothing is uploaded twice.
  ASSERT_EQ(api("POST", "/api/line/rich-menus/normal/default").status, 200);
  EXPECT_EQ(line_calls(kUpload), 1);
  EXPECT_EQ(line_calls("POST /v2/bot/richmenu"), 1);

  // 村外の方 get their own menu.
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/visitors", {{"menu", menu("村外の方", "観光・移住")}})
                .status,
            201);
  auto link = api("POST", "/api/line/rich-menus/visitors/link", {{"segment", "non_resident"}});
  ASSERT_EQ(link.status, 202) << link.body.dump();
  EXPECT_EQ(link.body["targets"], 1);
  EXPECT_EQ(shown(visitor), "村民メニュー") << "nothing reaches LINE inside the request";
  auto done = run_job(link);
  EXPECT_EQ(done["status"], "done");
  EXPECT_EQ(done["message"], "LINE への反映が完了しました");
  EXPECT_EQ(shown(visitor), "村外の方");
  EXPECT_EQ(shown(villager), "村民メニュー");

  // Disaster: everyone, including linked residents, sees the disaster menu at once.
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/disaster",
                {{"menu", menu("災害メニュー", "災害情報")}, {"image_color", "#FFEBEE"}})
                .status,
            201);
  auto sw = api("POST", "/api/line/rich-menus/switch-all", {{"name", "disaster"}});
  ASSERT_EQ(sw.status, 202) << sw.body.dump();
  EXPECT_EQ(sw.body["name"], "disaster");
  EXPECT_EQ(api("POST", "/api/line/rich-menus/normal/default").status, 409)
      << "no default while the switch is queued";
  EXPECT_EQ(run_job(sw)["status"], "done");
  auto switched = api("GET", "/api/line/rich-menus").body;
  EXPECT_TRUE(switched["switched_all"].get<bool>());
  EXPECT_EQ(switched["previous_default"], "normal");
  EXPECT_EQ(shown(villager), "災害メニュー");
  EXPECT_EQ(shown(visitor), "災害メニュー");
  EXPECT_EQ(api("POST", "/api/line/rich-menus/normal/default").status, 409);

  // Back: the previous default and the per-user links return.
  auto back = api("POST", "/api/line/rich-menus/switch-all", {{"name", "normal"}});
  ASSERT_EQ(back.status, 202) << back.body.dump();
  EXPECT_TRUE(back.body["restore"].get<bool>());
  EXPECT_EQ(run_job(back)["status"], "done");
  EXPECT_EQ(shown(villager), "村民メニュー");
  EXPECT_EQ(shown(visitor), "村外の方");

  auto list = api("GET", "/api/line/rich-menus");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["default"], "normal");
  EXPECT_FALSE(list.body["switched_all"].get<bool>());
  EXPECT_EQ(list.body["menus"].size(), 3u);
  EXPECT_EQ(line_calls(kUpload), 3);  // one image per menu, ever

  auto audits = db_->read([&](store::Tx& tx) {
    return tx.one("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'line.rich_menu.%'")->i64(0);
  });
  EXPECT_GE(audits, 8);
}

TEST_F(RichMenuFlow, ChangedMenuGetsANewLineMenuAndOneMoreUpload) {
  std::string villager = resident("resident");
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}})
                .status,
            201);
  ASSERT_EQ(api("POST", "/api/line/rich-menus/normal/default").status, 200);
  // Same content again: LINE state kept.
  auto same =
      api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}});
  ASSERT_EQ(same.status, 200);
  EXPECT_NE(same.body["line"]["rich_menu_id"], "");
  auto changed =
      api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー2", "メニュー")}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body["line"]["rich_menu_id"], "");
  ASSERT_EQ(api("POST", "/api/line/rich-menus/normal/default").status, 200);
  EXPECT_EQ(shown(villager), "村民メニュー2");
  EXPECT_EQ(line_calls(kUpload), 2);
}

TEST_F(RichMenuFlow, BadMenuIs400AndNothingReachesLine) {
  Json m = menu("村民メニュー", "災害時のお知らせはこちらから見てください");
  auto r = api("PUT", "/api/line/rich-menus/normal", {{"menu", m}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["field"], "menu.chatBarText");
  m = menu("村民メニュー", "メニュー");
  m["size"]["width"] = 4000;
  r = api("PUT", "/api/line/rich-menus/normal", {{"menu", m}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["field"], "menu.size.width");
  r = api("PUT", "/api/line/rich-menus/normal",
          {{"menu", menu("村民メニュー", "メニュー")}, {"image_base64", "aGVsbG8="}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["field"], "image_base64");

  EXPECT_EQ(api("POST", "/api/line/rich-menus/normal/default").status, 404);
  auto on_line =
      send("GET", sim_ + "/v2/bot/richmenu/list", nullptr, {{"Authorization", "Bearer tok"}});
  EXPECT_TRUE(on_line.body["richmenus"].empty());
  EXPECT_EQ(line_calls("POST /v2/bot/richmenu"), 0);
  EXPECT_EQ(api("GET", "/api/line/rich-menus").body["menus"].size(), 0u);
}

TEST_F(RichMenuFlow, LineRefusalIs502WithLinesBody) {
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}})
                .status,
            201);
  set_token("wrong-token");
  auto r = api("POST", "/api/line/rich-menus/normal/default");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body["error"]["details"]["line_status"], 401);
  EXPECT_TRUE(r.body["error"]["details"]["line_body"].contains("message"));
}

// LINE answering after 5 s must not hold the admin's request: the routes answer 202 within a
// second, and the job finishes against line-sim once LINE answers again.
TEST_F(RichMenuFlow, SlowLineDoesNotHoldTheRequestAndTheJobCompletes) {
  std::string villager = resident("resident"), visitor = resident("non_resident");
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}})
                .status,
            201);
  ASSERT_EQ(
      api("PUT", "/api/line/rich-menus/disaster", {{"menu", menu("災害メニュー", "災害")}}).status,
      201);
  faults({{"latencyMs", 5000}});
  auto t0 = std::chrono::steady_clock::now();
  auto sw = api("POST", "/api/line/rich-menus/switch-all", {{"name", "disaster"}});
  auto link = api("POST", "/api/line/rich-menus/normal/link", {{"segment", "non_resident"}});
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  ASSERT_EQ(sw.status, 202) << sw.body.dump();
  ASSERT_EQ(link.status, 202) << link.body.dump();
  auto polled = api("GET", sw.body["job"]["url"].get<std::string>());
  EXPECT_EQ(polled.status, 200);
  EXPECT_EQ(polled.body["status"], "pending");
  EXPECT_EQ(polled.body["message"], "LINE への反映を処理中です");
  EXPECT_EQ(shown(villager), "");

  faults({{"latencyMs", 0}});
  EXPECT_EQ(run_job(sw)["status"], "done");
  EXPECT_EQ(api("GET", link.body["job"]["url"].get<std::string>()).body["status"], "done");
  EXPECT_EQ(shown(villager), "災害メニュー");
  // The link came in during switch-all: remembered, applied on restore.
  EXPECT_EQ(shown(visitor), "災害メニュー");
  auto back = api("POST", "/api/line/rich-menus/switch-all", {{"restore", true}});
  EXPECT_EQ(run_job(back)["status"], "done");
  EXPECT_EQ(shown(visitor), "村民メニュー");
  EXPECT_EQ(shown(villager), "");
}

// LINE's 500s are retried with backoff; its 4xx refusals end the job with LINE's reason in
// Japanese for staff.
TEST_F(RichMenuFlow, JobRetriesLineErrorsAndReportsRefusals) {
  resident("resident");
  ASSERT_EQ(
      api("PUT", "/api/line/rich-menus/disaster", {{"menu", menu("災害メニュー", "災害")}}).status,
      201);
  faults({{"fail500", 1}});
  auto sw = api("POST", "/api/line/rich-menus/switch-all", {{"name", "disaster"}});
  auto first = run_job(sw);
  EXPECT_EQ(first["status"], "pending");
  EXPECT_EQ(first["attempts"], 1);
  EXPECT_NE(first["message"].get<std::string>().find("再試行"), std::string::npos);
  clock::set_offset_ms(60 * 1000);  // past the first backoff
  EXPECT_EQ(run_job(sw)["status"], "done");
  EXPECT_TRUE(api("GET", "/api/line/rich-menus").body["switched_all"].get<bool>());

  set_token("wrong-token");
  auto back = api("POST", "/api/line/rich-menus/switch-all", {{"restore", true}});
  auto refused = run_job(back);
  EXPECT_EQ(refused["status"], "dead");
  EXPECT_NE(refused["message"].get<std::string>().find("LINE への反映に失敗しました"),
            std::string::npos);
  EXPECT_NE(refused["last_error"].get<std::string>().find("HTTP 401"), std::string::npos);
  EXPECT_TRUE(api("GET", "/api/line/rich-menus").body["switched_all"].get<bool>());
}

// A menu for the residents a condition over attributes selects (issue 10: the audience moves
// onto conditions): 北地区 residents aged 65 or more get it, nobody else.
TEST_F(RichMenuFlow, LinkByAConditionOverAttributes) {
  std::vector<std::string> users;
  db_->write([&](store::Tx& tx) {
    residents::AttributeDefinition district;
    district.tenant_id = tenant_;
    district.key = "district";
    district.label = "地区";
    district.type = residents::AttributeType::choice;
    district.options = {{"kita", "北地区"}, {"minami", "南地区"}};
    residents::insert_definition(tx, district);
    residents::AttributeDefinition born;
    born.tenant_id = tenant_;
    born.key = "birth_date";
    born.label = "生年月日";
    born.type = residents::AttributeType::date;
    residents::insert_definition(tx, born);
  });
  // (district, birth date): only the first matches on 2026-04-01.
  const std::vector<std::pair<std::string, std::string>> people = {
      {"kita", "1950-01-01"}, {"kita", "1990-01-01"}, {"minami", "1950-01-01"}};
  for (const auto& person : people) {
    const std::string& d = person.first;  // clang 14: a lambda cannot capture a structured binding
    const std::string& b = person.second;
    std::string user = resident("resident");
    db_->write([&](store::Tx& tx) {
      auto r = residents::find_or_create(tx, tenant_, "line", user);
      residents::AttributeValue dv, bv;
      dv.key = "district";
      dv.text = d;
      bv.key = "birth_date";
      bv.date = b;
      residents::replace_values(tx, tenant_, r.id, "district", {dv});
      residents::replace_values(tx, tenant_, r.id, "birth_date", {bv});
    });
    users.push_back(user);
  }
  ASSERT_EQ(
      api("PUT", "/api/line/rich-menus/elders", {{"menu", menu("高齢者向け", "メニュー")}}).status,
      201);
  Json condition = {
      {"all",
       Json::array({{{"attr", "district"}, {"in", {"kita"}}},
                    {{"attr", "birth_date"}, {"age_between", {65, 150}}, {"on", "2026-04-01"}}})}};
  auto link = api("POST", "/api/line/rich-menus/elders/link", {{"condition", condition}});
  ASSERT_EQ(link.status, 202) << link.body.dump();
  EXPECT_EQ(link.body["targets"], 1);
  EXPECT_EQ(run_job(link)["status"], "done");
  EXPECT_EQ(shown(users[0]), "高齢者向け");
  EXPECT_EQ(shown(users[1]), "");
  EXPECT_EQ(shown(users[2]), "");
  // A condition naming no defined attribute, or not an object: 400, no job.
  EXPECT_EQ(api("POST", "/api/line/rich-menus/elders/link",
                {{"condition", {{"attr", "nothing"}, {"in", {"x"}}}}})
                .status,
            400);
  EXPECT_EQ(api("POST", "/api/line/rich-menus/elders/link", {{"condition", "kita"}}).status, 400);
  EXPECT_EQ(api("POST", "/api/line/rich-menus/elders/link",
                {{"condition", condition}, {"segment", "resident"}})
                .status,
            400);
}

// A bulk link goes to LINE's bulk endpoint in batches of at most 500 user IDs.
TEST_F(RichMenuFlow, BulkLinkIsBatchedBy500) {
  db_->write([&](store::Tx& tx) {
    for (int i = 0; i < 1201; ++i) {
      auto r = residents::find_or_create(tx, tenant_, "line", "U" + std::to_string(100000 + i));
      residents::AttributeValue v;
      v.key = "segment";
      v.text = "resident";
      residents::replace_values(tx, tenant_, r.id, "segment", {v});
    }
  });
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}})
                .status,
            201);
  auto link = api("POST", "/api/line/rich-menus/normal/link", {{"segment", "resident"}});
  EXPECT_EQ(link.body["targets"], 1201);
  EXPECT_EQ(run_job(link)["status"], "done");
  EXPECT_EQ(line_calls("POST /v2/bot/richmenu/bulk/link"), 3);
}

TEST_F(RichMenuFlow, BadRequestsAreRefusedBeforeAnyJob) {
  EXPECT_EQ(api("POST", "/api/line/rich-menus/switch-all", {{"name", "nothing"}}).status, 404);
  EXPECT_EQ(api("POST", "/api/line/rich-menus/switch-all", {{"restore", true}}).status, 409);
  EXPECT_EQ(api("POST", "/api/line/rich-menus/nothing/link", {{"segment", "resident"}}).status,
            404);
  EXPECT_EQ(api("POST", "/api/line/rich-menus/x/link", {{"segment", "everyone"}}).status, 400);
  EXPECT_EQ(api("GET", "/api/line/rich-menus/jobs/abc").status, 404);
  EXPECT_EQ(api("GET", "/api/line/rich-menus/jobs/999").status, 404);
  ASSERT_EQ(api("PUT", "/api/line/rich-menus/normal", {{"menu", menu("村民メニュー", "メニュー")}})
                .status,
            201);
  set_token("");
  auto r = api("POST", "/api/line/rich-menus/switch-all", {{"name", "normal"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["error"]["field"], "access_token");
  EXPECT_EQ(jobs::stats(*db_).pending, 0);
}

TEST_F(RichMenuFlow, AdminOnly) {
  auto r = send("GET", "http://127.0.0.1:" + std::to_string(port_) + "/api/line/rich-menus");
  EXPECT_EQ(r.status, 401);
}

}  // namespace
}  // namespace mg::line
