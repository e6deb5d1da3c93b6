// End to end inside one process: the real HTTP server with the LINE channel's routes, a
// line-sim child process (the madoguchi binary, MG_LINESIM_BIN or build/madoguchi) playing LINE
// and the residents, and the bundled templates published for a test municipality.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "applications/chat.h"
#include "auth/service.h"
#include "channels/line/channel.h"
#include "channels/line/channel_settings.h"
#include "core/http_client.h"
#include "core/http_server.h"
#include "core/log.h"
#include "jobs/queue.h"
#include "line_sim_child.h"
#include "services/catalog.h"
#include "store/migrations.h"

namespace mg::line {
namespace {

namespace fs = std::filesystem;
using testing::kRoot;

Json call(const std::string& method, const std::string& url, const Json& body = nullptr) {
  http::ClientRequest r;
  r.method = method;
  r.url = url;
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers.emplace_back("Content-Type", "application/json");
  }
  auto res = http::send(r);
  return Json::parse(res.body.empty() ? "null" : res.body, nullptr, false);
}

std::string example_answer(const std::string& text) {
  auto p = text.find("例：");
  if (p == std::string::npos) return "テスト太郎";
  std::string rest = text.substr(p + std::string("例：").size());
  for (const char* stop : {"\n", "（", "(", "、"})
    if (auto q = rest.find(stop); q != std::string::npos) rest = rest.substr(0, q);
  return rest.empty() ? "テスト太郎" : rest;
}

class ChannelFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::warn);
    dir_ = fs::temp_directory_path() / ("mg-line-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    db_ = store::open("sqlite:" + (dir_ / "db.sqlite").string());
    store::migrate(*db_);
    auth_ = std::make_unique<auth::AuthService>(*db_);
    tenant_ = auth_->create_tenant("linet", "テスト町", "011002").id;
    catalog_ = std::make_unique<services::Catalog>(*db_);
    catalog_->import_directory(tenant_, (kRoot / "templates").string());
    chat_ = std::make_unique<applications::ChatService>(*db_, *catalog_, 3600 * 1000);
    runner_ = std::make_unique<jobs::Runner>(*db_, 1);
    channel_ = std::make_unique<LineChannel>(mount(router_, *auth_, *db_, *runner_, *chat_,
                                                   *catalog_, {"http://test", "", 4, "", nullptr}));
    http::ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.io_threads = 1;
    so.worker_threads = 4;
    server_ = std::make_unique<http::Server>(
        so, [this](http::Request& r) { return router_.dispatch(r); });
    port_ = server_->bind();
    server_thread_ = std::thread([this] { server_->run(); });

    sim_child_.start("http://127.0.0.1:" + std::to_string(port_) + "/line/linet/webhook", "sec",
                     "tok");
    sim_ = sim_child_.base();
    allow_api_base(sim_);  // the operator setting (--line-api-allow) for this line-sim
    db_->write([&](store::Tx& tx) {
      ChannelSettings s = unconfigured(tenant_);
      s.channel_secret = "sec";
      s.access_token = "tok";
      s.api_base = sim_;
      save_settings(tx, s);
    });
  }

  void TearDown() override {
    sim_child_.stop();
    channel_->stop();
    server_->stop();
    server_thread_.join();
    fs::remove_all(dir_);
  }

  // Messages the bot sent the resident after seq, waiting until at least one arrives.
  Json wait_messages(const std::string& user, int64_t& seq, int min_count = 1) {
    Json got = Json::array();
    for (int i = 0; i < 200 && static_cast<int>(got.size()) < min_count; ++i) {
      auto r = call("GET", sim_ + "/sim/users/" + user + "/messages?after=" + std::to_string(seq));
      Json items = r.is_array() ? r : r.value("messages", Json::array());
      for (auto& m : items) {
        seq = std::max<int64_t>(seq, m.value("seq", int64_t{0}));
        got.push_back(m["message"]);
      }
      if (static_cast<int>(got.size()) < min_count)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Let the rest of the same turn arrive.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    auto r = call("GET", sim_ + "/sim/users/" + user + "/messages?after=" + std::to_string(seq));
    Json items = r.is_array() ? r : r.value("messages", Json::array());
    for (auto& m : items) {
      seq = std::max<int64_t>(seq, m.value("seq", int64_t{0}));
      got.push_back(m["message"]);
    }
    return got;
  }

  // Answers the last message like a resident would: tap the first offered choice, pick the
  // earliest date, confirm a summary, type the hint's example into a text question.
  void act(const std::string& user, const Json& last) {
    std::string u = sim_ + "/sim/users/" + user;
    if (last.value("type", "") == "flex") {
      const auto& btn = last["contents"]["footer"]["contents"][0]["action"];
      call("POST", u + "/postback",
           {{"data", btn["data"]}, {"displayText", btn.value("displayText", "")}});
      return;
    }
    const Json items = last.contains("quickReply") ? last["quickReply"]["items"] : Json::array();
    // Multiple choice: one item selected, then finish.
    if (last.value("text", "").find("選択中") != std::string::npos)
      for (const auto& it : items)
        if (it["action"].value("data", "").rfind("mg=v&x=__done__", 0) == 0) {
          call("POST", u + "/postback", {{"data", it["action"]["data"]}});
          return;
        }
    for (const auto& it : items) {
      const auto& a = it["action"];
      std::string type = a["type"];
      if (type == "datetimepicker") {
        std::string date = a.value("min", "2030-01-01");
        call("POST", u + "/postback", {{"data", a["data"]}, {"params", {{"date", date}}}});
        return;
      }
      if (type == "location") {
        call("POST", u + "/location",
             {{"latitude", 43.5}, {"longitude", 141.9}, {"address", "北海道上砂川町"}});
        return;
      }
      if (type == "postback" && a["data"].get<std::string>().find("mg=c") == std::string::npos) {
        call("POST", u + "/postback",
             {{"data", a["data"]}, {"displayText", a.value("displayText", "")}});
        return;
      }
    }
    call("POST", u + "/text", {{"text", example_answer(last.value("text", ""))}});
  }

  std::string complete(const std::string& user, int64_t& seq, const std::string& title) {
    call("POST", sim_ + "/sim/users/" + user + "/text", {{"text", title}});
    for (int turn = 0; turn < 60; ++turn) {
      Json ms = wait_messages(user, seq);
      if (ms.empty()) return "";
      for (const auto& m : ms)
        if (m.value("type", "") == "text" &&
            m["text"].get<std::string>().find("受付番号") != std::string::npos)
          return m["text"];
      if (std::getenv("MG_LINE_TRACE")) std::cerr << "BOT: " << ms.back().dump() << "\n";
      act(user, ms.back());
    }
    return "";
  }

  fs::path dir_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<services::Catalog> catalog_;
  std::unique_ptr<applications::ChatService> chat_;
  std::unique_ptr<jobs::Runner> runner_;
  std::unique_ptr<LineChannel> channel_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread server_thread_;
  unsigned short port_ = 0;
  int64_t tenant_ = 0;
  testing::LineSimChild sim_child_;
  std::string sim_;
};

TEST_F(ChannelFlow, FollowGreetsAndResidentCompletesServicesOnLine) {
  auto created = call("POST", sim_ + "/sim/users", {{"displayName", "テスト"}});
  std::string user = created["userId"];
  int64_t seq = 0;
  Json greeting = wait_messages(user, seq, 2);
  ASSERT_GE(greeting.size(), 2u);
  EXPECT_NE(greeting[0]["text"].get<std::string>().find("テスト町"), std::string::npos);
  EXPECT_TRUE(greeting.back().contains("quickReply"));

  std::string receipt = complete(user, seq, "学校の欠席連絡");
  EXPECT_NE(receipt, "") << "school absence not completed";
  receipt = complete(user, seq, "粗大ごみ収集の申込");
  EXPECT_NE(receipt, "") << "sodai gomi not completed";
  auto apps = db_->read([&](store::Tx& tx) {
    return tx
        .one("SELECT COUNT(*) FROM applications WHERE tenant_id = ? AND channel = 'line'",
             {tenant_})
        ->i64(0);
  });
  EXPECT_EQ(apps, 2);
  // Every message went out and nothing failed.
  auto failed = db_->read([&](store::Tx& tx) {
    return tx.one("SELECT COUNT(*) FROM line_outbox WHERE status <> 'sent'")->i64(0);
  });
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace mg::line
