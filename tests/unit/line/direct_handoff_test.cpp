// Dispatcher::enqueue_claimed: an answer for an idle resident is inserted already claimed and
// sent without a claim round; a resident with anything queued or in flight keeps the ordinary
// queue, so messages stay in order. Sending goes to a line-sim child.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "auth/service.h"
#include "channels/line/dispatcher.h"
#include "core/clock.h"
#include "core/http_client.h"
#include "core/log.h"
#include "line_sim_child.h"
#include "store/migrations.h"

namespace mg::line {
namespace {

namespace fs = std::filesystem;

class DirectHandOff : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::warn);
    dir_ = fs::temp_directory_path() / ("mg-direct-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    db_ = store::open("sqlite:" + (dir_ / "db.sqlite").string());
    store::migrate(*db_);
    auth::AuthService auth(*db_);
    tenant_ = auth.create_tenant("direct", "直送町", "011002").id;
    sim_.start("", "sec", "tok");
    http::ClientRequest r;
    r.method = "POST";
    r.url = sim_.base() + "/sim/users";
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = R"({"displayName":"直送 太郎"})";
    user_ = Json::parse(http::send(r).body)["userId"].get<std::string>();
  }
  void TearDown() override {
    sim_.stop();
    fs::remove_all(dir_);
  }

  OutgoingMessages text_for(const std::string& user, const std::string& text, int count = 1) {
    OutgoingMessages out;
    out.tenant_id = tenant_;
    out.user_id = user;
    for (int i = 0; i < count; ++i) out.messages.push_back({{"type", "text"}, {"text", text}});
    return out;
  }
  std::string status_of(int64_t id) {
    return db_->read([&](store::Tx& tx) {
      auto r = tx.one("SELECT status FROM line_outbox WHERE id = ?", {id});
      return r ? r->str(0) : std::string("(none)");
    });
  }
  int bot_messages() {
    http::ClientRequest r;
    r.url = sim_.base() + "/sim/users/" + user_ + "/messages";
    Json j = Json::parse(http::send(r).body);
    Json items = j.is_array() ? j : j.value("messages", Json::array());
    int n = 0;
    for (const auto& m : items) n += m.value("from", "") == "bot";
    return n;
  }

  fs::path dir_;
  std::unique_ptr<store::Db> db_;
  int64_t tenant_ = 0;
  testing::LineSimChild sim_;
  std::string user_;
};

TEST_F(DirectHandOff, IdleResidentsRowIsClaimedAtInsertAndSentAfterHandOver) {
  Dispatcher d(*db_, 4);
  LineEndpoint line{sim_.base(), "tok"};
  // Not started: no direct hand-off, the caller enqueues normally.
  db_->write([&](store::Tx& tx) {
    EXPECT_FALSE(d.enqueue_claimed(tx, text_for(user_, "before start"), line));
  });
  d.start();
  std::optional<Dispatcher::Claimed> row;
  db_->write(
      [&](store::Tx& tx) { row = d.enqueue_claimed(tx, text_for(user_, "こんにちは"), line); });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->endpoint, "push");  // no reply token
  EXPECT_EQ(status_of(row->id), "sending");
  auto leased = db_->read([&](store::Tx& tx) {
    return tx.one("SELECT attempts, endpoint, sent_at FROM line_outbox WHERE id = ?", {row->id});
  });
  EXPECT_EQ(leased->i64(0), 1);
  EXPECT_EQ(leased->str(1), "push");
  EXPECT_FALSE(leased->is_null(2));  // lease deadline, as a claim sets it

  // While it is in flight, the same resident's next answer takes the ordinary queue.
  db_->write(
      [&](store::Tx& tx) { EXPECT_FALSE(d.enqueue_claimed(tx, text_for(user_, "二通目"), line)); });
  int64_t id = row->id;
  d.hand_over({std::move(*row)});
  for (int i = 0; i < 100 && status_of(id) != "sent"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(status_of(id), "sent");
  EXPECT_EQ(bot_messages(), 1);
  d.stop();
}

// Whether a reply token is still fresh is decided by the dispatcher's clock: 55 s later on a
// test clock it is stale (push), on the process's clock it is fresh (reply).
TEST_F(DirectHandOff, ReplyTokenFreshnessFollowsTheDispatchersClock) {
  SettableClock later;
  later.advance_ms(55'000);
  Dispatcher on_process_clock(*db_, 1), on_later(*db_, 1, {}, later);
  on_process_clock.start();
  on_later.start();
  LineEndpoint line{sim_.base(), "tok"};
  auto answer = [&](const std::string& user) {
    OutgoingMessages out = text_for(user, "返信");
    out.reply_token = "reply-token-" + user;
    out.reply_token_at = clock::now_ms();
    return out;
  };
  std::optional<Dispatcher::Claimed> now_row, later_row;
  db_->write([&](store::Tx& tx) {
    now_row = on_process_clock.enqueue_claimed(tx, answer("U-now"), line);
    later_row = on_later.enqueue_claimed(tx, answer("U-later"), line);
  });
  ASSERT_TRUE(now_row && later_row);
  EXPECT_EQ(now_row->endpoint, "reply");
  EXPECT_EQ(later_row->endpoint, "push");
  on_process_clock.stop();
  on_later.stop();
}

TEST_F(DirectHandOff, QueuedRowsOfTheResidentGoFirstAndBigAnswersAreQueued) {
  Dispatcher d(*db_, 4);
  LineEndpoint line{sim_.base(), "tok"};
  d.start();
  // A row already pending for the resident (e.g. backing off): the next answer must queue
  // behind it rather than overtake it.
  db_->write([&](store::Tx& tx) {
    OutgoingMessages o = text_for(user_, "先に待っている");
    enqueue_messages(tx, o);
    tx.exec("UPDATE line_outbox SET sent_at = ? WHERE tenant_id = ?",
            {clock::now_ms() + 600'000, tenant_});
    EXPECT_FALSE(d.enqueue_claimed(tx, text_for(user_, "後から"), line));
  });
  // Another resident with nothing queued gets the direct path, unless the answer needs more
  // than one request (over 5 messages) or the channel has no token.
  db_->write([&](store::Tx& tx) {
    std::string other = "U" + std::string(32, 'a');
    EXPECT_FALSE(d.enqueue_claimed(tx, text_for(other, "6通", 6), line));
    EXPECT_FALSE(d.enqueue_claimed(tx, text_for(other, "no token"), LineEndpoint{sim_.base(), ""}));
    auto c = d.enqueue_claimed(tx, text_for(other, "直送"), line);
    ASSERT_TRUE(c);
    d.release({*c});  // as after a rollback: the resident is free again
  });
  d.stop();
}

}  // namespace
}  // namespace mg::line
