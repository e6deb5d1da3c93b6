#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace mg::store {

namespace {

class Conn {
 public:
  explicit Conn(const std::string& path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec_simple("PRAGMA journal_mode=WAL");
    exec_simple("PRAGMA synchronous=NORMAL");
    exec_simple("PRAGMA foreign_keys=ON");
    exec_simple("PRAGMA temp_store=MEMORY");
    // A larger page cache (16 MiB) than the 2 MiB default: each miss is a pread() system call.
    // (mmap_size was tried too: its page faults cost more than the reads it saved.)
    exec_simple("PRAGMA cache_size=-16384");
  }
  ~Conn() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  void exec_simple(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string("sqlite: ") + msg);
    }
  }
  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) +
                               " in: " + std::string(sql.substr(0, 200)));
    cache_.emplace(std::string(sql), st);
    return st;
  }
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

[[noreturn]] void fail(sqlite3* db, int rc) {
  std::string msg = sqlite3_errmsg(db);
  int ext = sqlite3_extended_errcode(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
    throw UniqueViolation(msg);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) throw RetryableDbError(msg);
  throw std::runtime_error("sqlite: " + msg);
}

void bind_all(sqlite3* db, sqlite3_stmt* st, const Params& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1), rc = SQLITE_OK;
    const auto& v = params[i];
    if (std::holds_alternative<std::nullptr_t>(v))
      rc = sqlite3_bind_null(st, idx);
    else if (auto p = std::get_if<int64_t>(&v))
      rc = sqlite3_bind_int64(st, idx, *p);
    else if (auto d = std::get_if<double>(&v))
      rc = sqlite3_bind_double(st, idx, *d);
    else {
      const auto& s = std::get<std::string>(v);
      rc = sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) fail(db, rc);
  }
}

class SqliteDb;

// read: a reader connection; plain: the writer connection, alone in its transaction;
// grouped: the writer connection, in a savepoint of a transaction its group shares.
enum class TxMode { read, plain, grouped };

class SqliteTx : public Tx {
 public:
  SqliteTx(SqliteDb& db, Conn* conn, TxMode mode, uint64_t group = 0);
  ~SqliteTx() override;

  int64_t exec(std::string_view sql, const Params& params) override {
    sqlite3_stmt* st = conn_->prepare(sql);
    bind_all(conn_->raw(), st, params);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      sqlite3_reset(st);
      fail(conn_->raw(), rc);
    }
    sqlite3_reset(st);
    return sqlite3_changes64(conn_->raw());
  }

  std::vector<Row> query(std::string_view sql, const Params& params) override {
    std::vector<Row> out;
    each(sql, params, [&](const Row& r) {
      out.push_back(r);
      return true;
    });
    return out;
  }

  void each(std::string_view sql, const Params& params,
            const std::function<bool(const Row&)>& fn) override {
    sqlite3_stmt* st = conn_->prepare(sql);
    bind_all(conn_->raw(), st, params);
    int n = sqlite3_column_count(st);
    auto cols = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < n; ++i) cols->emplace_back(sqlite3_column_name(st, i));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<Value> vals;
      vals.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(st, i)) {
          case SQLITE_NULL:
            vals.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            vals.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, i)));
            break;
          case SQLITE_FLOAT:
            vals.emplace_back(sqlite3_column_double(st, i));
            break;
          default: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
            vals.emplace_back(
                std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
          }
        }
      }
      if (!fn(Row(cols, std::move(vals)))) {
        sqlite3_reset(st);
        return;
      }
    }
    if (rc != SQLITE_DONE) {
      sqlite3_reset(st);
      fail(conn_->raw(), rc);
    }
    sqlite3_reset(st);
  }

  void commit() override;
  Backend backend() const override { return Backend::sqlite; }

 private:
  SqliteDb& db_;
  Conn* conn_;
  TxMode mode_;
  uint64_t group_;
  bool done_ = false;
};

// Group commit bounds: a group closes at this many members or this age, so the first member's
// wait stays short and a plain writer waiting behind the group gets its turn.
constexpr int kMaxGroupMembers = 32;
constexpr auto kMaxGroupAge = std::chrono::milliseconds(20);
constexpr const char* kMemberSavepoint = "SAVEPOINT mg_group_member";

class SqliteDb : public Db {
 public:
  SqliteDb(std::string path, int readers) : path_(std::move(path)) {
    writer_ = std::make_unique<Conn>(path_);
    for (int i = 0; i < readers; ++i) {
      readers_.push_back(std::make_unique<Conn>(path_));
      free_.push_back(readers_.back().get());
    }
  }
  std::unique_ptr<Tx> begin(bool write) override {
    if (write) {
      {
        std::unique_lock lock(baton_.mu);
        baton_.waiting_plain++;
        // An open group is finished (committed) by its own members before a plain writer.
        baton_.plain_cv.wait(lock, [&] { return !baton_.held && !baton_.open; });
        baton_.waiting_plain--;
        baton_.held = true;
      }
      in_use_++;
      try {
        writer_->exec_simple("BEGIN IMMEDIATE");
      } catch (...) {
        release(writer_.get(), TxMode::plain);
        throw;
      }
      return std::make_unique<SqliteTx>(*this, writer_.get(), TxMode::plain);
    }
    Conn* c;
    {
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !free_.empty(); });
      c = free_.back();
      free_.pop_back();
      in_use_++;
    }
    try {
      c->exec_simple("BEGIN");
    } catch (...) {
      release(c, TxMode::read);
      throw;
    }
    return std::make_unique<SqliteTx>(*this, c, TxMode::read);
  }

  std::unique_ptr<Tx> begin_grouped() override {
    uint64_t group;
    bool join;
    {
      std::unique_lock lock(baton_.mu);
      baton_.waiting_grouped++;
      // Join an open group; start a new one only when no plain writer is waiting (it goes
      // first, so a stream of grouped writers cannot starve it).
      baton_.grouped_cv.wait(
          lock, [&] { return !baton_.held && (baton_.open || baton_.waiting_plain == 0); });
      baton_.waiting_grouped--;
      baton_.held = true;
      join = baton_.open;
      if (!join) {
        baton_.group++;
        baton_.members = 0;
        baton_.opened = std::chrono::steady_clock::now();
      }
      baton_.members++;
      group = baton_.group;
    }
    in_use_++;
    bool begun = join;
    try {
      if (!join) {
        writer_->exec_simple("BEGIN IMMEDIATE");
        begun = true;
      }
      writer_->exec_simple(kMemberSavepoint);
    } catch (...) {
      in_use_--;
      if (begun) {
        finish_member(group, false);  // the group goes on (or commits) without this member
      } else {
        std::lock_guard lock(baton_.mu);
        baton_.settled = group;
        baton_.held = false;
        baton_.hand_on();
      }
      throw;
    }
    return std::make_unique<SqliteTx>(*this, writer_.get(), TxMode::grouped, group);
  }

  // A grouped member is done with its savepoint (released, or rolled back when !ok). If
  // another grouped writer waits and the group is still small and young, the transaction
  // stays open for it and this member waits until its group has settled; otherwise this
  // member commits the group. Throws (only when ok) if the group's COMMIT failed.
  void finish_member(uint64_t group, bool ok) {
    {
      std::unique_lock lock(baton_.mu);
      bool alive = sqlite3_get_autocommit(writer_->raw()) == 0;  // a severe error ends it
      if (alive && baton_.waiting_grouped > 0 && baton_.members < kMaxGroupMembers &&
          std::chrono::steady_clock::now() - baton_.opened < kMaxGroupAge) {
        baton_.open = true;
        baton_.held = false;
        baton_.grouped_cv.notify_one();  // a grouped writer can always join an open group
        if (!ok) return;
        baton_.settled_cv.wait(lock, [&] { return baton_.settled >= group; });
        if (auto it = baton_.failures.find(group); it != baton_.failures.end())
          throw std::runtime_error("sqlite: " + it->second);
        return;
      }
    }
    std::string failure;
    if (sqlite3_get_autocommit(writer_->raw()) != 0) {
      failure = "the transaction was rolled back";
    } else {
      try {
        writer_->exec_simple("COMMIT");
      } catch (const std::exception& e) {
        failure = e.what();
        try {
          writer_->exec_simple("ROLLBACK");
        } catch (...) {
        }
      }
    }
    {
      std::lock_guard lock(baton_.mu);
      baton_.open = false;
      baton_.held = false;
      baton_.settled = group;
      if (!failure.empty()) {
        baton_.failures[group] = failure;
        // Waiters read their group's entry right after it settles; keep the last few only.
        while (baton_.failures.size() > 64) baton_.failures.erase(baton_.failures.begin());
      }
      baton_.hand_on();
    }
    baton_.settled_cv.notify_all();
    if (ok && !failure.empty()) throw std::runtime_error("sqlite: " + failure);
  }

  void release(Conn* c, TxMode mode) {
    in_use_--;
    switch (mode) {
      case TxMode::read: {
        {
          std::lock_guard lock(pool_mu_);
          free_.push_back(c);
        }
        pool_cv_.notify_one();
        return;
      }
      case TxMode::plain: {
        std::lock_guard lock(baton_.mu);
        baton_.held = false;
        baton_.hand_on();
        return;
      }
      case TxMode::grouped:
        return;  // finish_member handed the writer connection on
    }
  }
  Backend backend() const override { return Backend::sqlite; }
  std::string describe() const override { return "sqlite:" + path_; }
  int pool_size() const override { return static_cast<int>(readers_.size()) + 1; }
  int pool_in_use() const override { return in_use_.load(); }

 private:
  // Who holds the writer connection. Plain writers take it alone; grouped writers may hand
  // an open transaction to the next grouped writer (group commit, see begin_grouped).
  struct Baton {
    std::mutex mu;
    // One waiter is woken per release, of the kind that may go next (waking every waiter
    // on each commit cost more futex calls than the commits it saved).
    std::condition_variable plain_cv, grouped_cv, settled_cv;
    bool held = false;  // a writer is using the connection
    bool open = false;  // a group's transaction is open, waiting for its next member
    int waiting_plain = 0, waiting_grouped = 0;
    uint64_t group = 0;    // the newest group's number
    uint64_t settled = 0;  // groups up to this number have committed or failed
    int members = 0;
    std::chrono::steady_clock::time_point opened;
    std::map<uint64_t, std::string> failures;  // groups whose COMMIT failed

    // The connection is free and no group is open (mu held): a waiting plain writer goes
    // first, else a grouped one starts the next group.
    void hand_on() {
      if (waiting_plain > 0)
        plain_cv.notify_one();
      else if (waiting_grouped > 0)
        grouped_cv.notify_one();
    }
  };

  std::string path_;
  Baton baton_;
  std::unique_ptr<Conn> writer_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Conn>> readers_;
  std::vector<Conn*> free_;
  std::atomic<int> in_use_{0};
};

SqliteTx::SqliteTx(SqliteDb& db, Conn* conn, TxMode mode, uint64_t group)
    : db_(db), conn_(conn), mode_(mode), group_(group) {}

void SqliteTx::commit() {
  switch (mode_) {
    case TxMode::read:
    case TxMode::plain:
      conn_->exec_simple("COMMIT");
      done_ = true;
      return;
    case TxMode::grouped:
      conn_->exec_simple("RELEASE mg_group_member");
      done_ = true;  // from here on the group owns the outcome
      db_.finish_member(group_, true);
      return;
  }
}

SqliteTx::~SqliteTx() {
  if (!done_) {
    switch (mode_) {
      case TxMode::read:
      case TxMode::plain:
        try {
          conn_->exec_simple("ROLLBACK");
        } catch (...) {
        }
        break;
      case TxMode::grouped:
        try {
          conn_->exec_simple("ROLLBACK TO mg_group_member");
          conn_->exec_simple("RELEASE mg_group_member");
        } catch (...) {
        }
        db_.finish_member(group_, false);
        break;
    }
  }
  db_.release(conn_, mode_);
}

}  // namespace

std::unique_ptr<Db> open_sqlite(const std::string& path, int readers) {
  return std::make_unique<SqliteDb>(path, readers < 1 ? 4 : readers);
}

}  // namespace mg::store
