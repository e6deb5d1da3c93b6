#include "store/postgres_db.h"

#include <libpq-fe.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace mg::store {

std::string to_dollar_params(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

[[noreturn]] void fail_result(PGresult* res, PGconn* conn) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  std::string st = state ? state : "";
  if (res) PQclear(res);
  if (st == "23505") throw UniqueViolation(msg);
  if (st == "40001" || st == "40P01") throw RetryableDbError(msg);
  throw std::runtime_error("postgres: " + msg);
}

struct PgConn {
  PGconn* conn = nullptr;
  std::unordered_map<std::string, std::string> prepared;  // sql -> statement name
  bool broken = false;
  explicit PgConn(const std::string& url) {
    conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("cannot connect to PostgreSQL: " + msg);
    }
    PGresult* r = PQexec(conn, "SET client_min_messages=warning");
    PQclear(r);
  }
  ~PgConn() { PQfinish(conn); }
  void simple(const char* sql) {
    PGresult* r = PQexec(conn, sql);
    auto s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
      if (PQstatus(conn) != CONNECTION_OK) broken = true;
      fail_result(r, conn);
    }
    PQclear(r);
  }
  const std::string& statement(std::string_view sql, int nparams) {
    std::string key(sql);
    auto it = prepared.find(key);
    if (it != prepared.end()) return it->second;
    std::string name = "s" + std::to_string(prepared.size());
    std::string text = to_dollar_params(sql);
    PGresult* r = PQprepare(conn, name.c_str(), text.c_str(), nparams, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      if (PQstatus(conn) != CONNECTION_OK) broken = true;
      fail_result(r, conn);
    }
    PQclear(r);
    return prepared.emplace(std::move(key), std::move(name)).first->second;
  }
};

struct ParamText {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  explicit ParamText(const Params& params) {
    storage.resize(params.size());
    values.resize(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (auto p = std::get_if<int64_t>(&v))
        storage[i] = std::to_string(*p);
      else if (auto d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        storage[i] = buf;
      } else
        storage[i] = std::get<std::string>(v);
      values[i] = storage[i].c_str();
    }
  }
};

Row make_row(PGresult* r, int row, const std::shared_ptr<std::vector<std::string>>& cols) {
  int n = PQnfields(r);
  std::vector<Value> vals;
  vals.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    if (PQgetisnull(r, row, i)) {
      vals.emplace_back(nullptr);
      continue;
    }
    const char* s = PQgetvalue(r, row, i);
    switch (PQftype(r, i)) {
      case kInt8:
      case kInt4:
      case kInt2:
        vals.emplace_back(static_cast<int64_t>(std::strtoll(s, nullptr, 10)));
        break;
      case kBool:
        vals.emplace_back(static_cast<int64_t>(s[0] == 't' ? 1 : 0));
        break;
      case kFloat4:
      case kFloat8:
      case kNumeric:
        vals.emplace_back(std::strtod(s, nullptr));
        break;
      default:
        vals.emplace_back(std::string(s, static_cast<std::size_t>(PQgetlength(r, row, i))));
    }
  }
  return Row(cols, std::move(vals));
}

std::shared_ptr<std::vector<std::string>> columns_of(PGresult* r) {
  auto cols = std::make_shared<std::vector<std::string>>();
  for (int i = 0; i < PQnfields(r); ++i) cols->emplace_back(PQfname(r, i));
  return cols;
}

class PgDb;

class PgTx : public Tx {
 public:
  PgTx(PgDb& db, std::unique_ptr<PgConn> c) : db_(db), c_(std::move(c)) {}
  ~PgTx() override;

  int64_t exec(std::string_view sql, const Params& params) override {
    PGresult* r = run(sql, params);
    const char* n = PQcmdTuples(r);
    int64_t affected = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    PQclear(r);
    return affected;
  }
  std::vector<Row> query(std::string_view sql, const Params& params) override {
    PGresult* r = run(sql, params);
    auto cols = columns_of(r);
    std::vector<Row> out;
    int rows = PQntuples(r);
    out.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) out.push_back(make_row(r, i, cols));
    PQclear(r);
    return out;
  }
  // Single-row mode keeps memory flat for exports of any size.
  void each(std::string_view sql, const Params& params,
            const std::function<bool(const Row&)>& fn) override {
    const auto& name = c_->statement(sql, static_cast<int>(params.size()));
    ParamText p(params);
    if (!PQsendQueryPrepared(c_->conn, name.c_str(), static_cast<int>(params.size()),
                             p.values.data(), nullptr, nullptr, 0))
      fail_result(nullptr, c_->conn);
    PQsetSingleRowMode(c_->conn);
    bool want = true;
    PGresult* err = nullptr;
    std::shared_ptr<std::vector<std::string>> cols;
    while (PGresult* r = PQgetResult(c_->conn)) {
      auto st = PQresultStatus(r);
      if (st == PGRES_SINGLE_TUPLE) {
        if (!cols) cols = columns_of(r);
        if (want) want = fn(make_row(r, 0, cols));
        PQclear(r);
      } else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        PQclear(r);
      } else {
        if (err) PQclear(err);
        err = r;
      }
    }
    if (err) fail_result(err, c_->conn);
  }
  void commit() override {
    c_->simple("COMMIT");
    done_ = true;
  }
  Backend backend() const override { return Backend::postgres; }

 private:
  PGresult* run(std::string_view sql, const Params& params) {
    const auto& name = c_->statement(sql, static_cast<int>(params.size()));
    ParamText p(params);
    PGresult* r = PQexecPrepared(c_->conn, name.c_str(), static_cast<int>(params.size()),
                                 p.values.data(), nullptr, nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      if (PQstatus(c_->conn) != CONNECTION_OK) c_->broken = true;
      fail_result(r, c_->conn);
    }
    return r;
  }
  PgDb& db_;
  std::unique_ptr<PgConn> c_;
  bool done_ = false;
};

class PgDb : public Db {
 public:
  PgDb(std::string url, int size) : url_(std::move(url)), size_(size) {
    // Connect one eagerly so a bad URL fails at start-up, not on the first request.
    free_.push_back(std::make_unique<PgConn>(url_));
    created_ = 1;
  }
  std::unique_ptr<Tx> begin(bool write) override {
    std::unique_ptr<PgConn> c = acquire();
    try {
      c->simple(write ? "BEGIN" : "BEGIN READ ONLY");
    } catch (...) {
      release(std::move(c));
      throw;
    }
    return std::make_unique<PgTx>(*this, std::move(c));
  }
  std::unique_ptr<PgConn> acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || created_ < size_; });
    in_use_++;
    if (!free_.empty()) {
      auto c = std::move(free_.back());
      free_.pop_back();
      return c;
    }
    created_++;
    lock.unlock();
    try {
      return std::make_unique<PgConn>(url_);
    } catch (...) {
      std::lock_guard l(mu_);
      created_--;
      in_use_--;
      cv_.notify_one();
      throw;
    }
  }
  void release(std::unique_ptr<PgConn> c) {
    std::lock_guard lock(mu_);
    in_use_--;
    if (c->broken || PQstatus(c->conn) != CONNECTION_OK) {
      created_--;  // dropped; a fresh one is made on demand
    } else {
      free_.push_back(std::move(c));
    }
    cv_.notify_one();
  }
  Backend backend() const override { return Backend::postgres; }
  std::string describe() const override { return "postgresql"; }
  int pool_size() const override { return size_; }
  int pool_in_use() const override {
    std::lock_guard lock(mu_);
    return in_use_;
  }

 private:
  std::string url_;
  int size_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> free_;
  int created_ = 0;
  int in_use_ = 0;
};

PgTx::~PgTx() {
  if (!done_) {
    try {
      c_->simple("ROLLBACK");
    } catch (...) {
      c_->broken = true;
    }
  }
  db_.release(std::move(c_));
}

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& url, int pool_size) {
  return std::make_unique<PgDb>(url, pool_size < 1 ? 16 : pool_size);
}

}  // namespace mg::store
