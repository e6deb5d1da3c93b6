#include "store/postgres_db.h"

#include <libpq-fe.h>

#include <atomic>
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
  // A read-only transaction's COMMIT was sent but its reply not yet read (see PgTx::commit).
  bool reply_pending = false;
  std::atomic<int64_t>* round_trips = nullptr;
  void waited() {
    if (round_trips) round_trips->fetch_add(1, std::memory_order_relaxed);
  }
  // Reads the reply of a COMMIT sent without waiting. False if it failed, which for a
  // read-only transaction means only a lost connection: then it is not used again.
  bool settle() {
    if (!reply_pending) return true;
    reply_pending = false;
    bool ok = true;
    while (PGresult* r = PQgetResult(conn)) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK) ok = false;
      PQclear(r);
    }
    return ok && PQstatus(conn) == CONNECTION_OK;
  }
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
    waited();
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
    // Once per statement and connection: not counted, so the count is what a request costs.
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
  PgTx(PgDb& db, std::unique_ptr<PgConn> c, bool write)
      : db_(db), c_(std::move(c)), write_(write) {}
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
    c_->waited();
    PGconn* k = c_->conn;
    int n = static_cast<int>(params.size());
    // Tx::one comes here too, so the first statement of most transactions: BEGIN goes with it
    // in one pipeline (single-row mode is then set for the query after BEGIN's results).
    bool pipelined = !begun_;
    PGresult* begin_err = nullptr;
    if (pipelined) {
      begun_ = true;
      if (!PQenterPipelineMode(k)) fail_result(nullptr, k);
      if (!PQsendQueryParams(k, begin_sql(), 0, nullptr, nullptr, nullptr, nullptr, 0) ||
          !PQsendQueryPrepared(k, name.c_str(), n, p.values.data(), nullptr, nullptr, 0) ||
          !PQpipelineSync(k)) {
        c_->broken = true;
        fail_result(nullptr, k);
      }
      while (PGresult* b = PQgetResult(k)) {  // BEGIN's result, then its null
        if (PQresultStatus(b) != PGRES_COMMAND_OK && !begin_err)
          begin_err = b;
        else
          PQclear(b);
      }
    } else if (!PQsendQueryPrepared(k, name.c_str(), n, p.values.data(), nullptr, nullptr, 0)) {
      fail_result(nullptr, k);
    }
    PQsetSingleRowMode(k);
    bool want = true;
    PGresult* err = nullptr;
    std::shared_ptr<std::vector<std::string>> cols;
    while (PGresult* r = PQgetResult(k)) {
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
    if (pipelined) {
      PGresult* sync = PQgetResult(k);
      bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
      if (sync) PQclear(sync);
      if (!synced || !PQexitPipelineMode(k)) c_->broken = true;
      if (begin_err) {
        if (err) PQclear(err);
        err = begin_err;  // what followed it was only PGRES_PIPELINE_ABORTED
      }
      if (!synced && !err) fail_result(nullptr, k);
    }
    if (err) fail_result(err, k);
  }
  void commit() override {
    done_ = true;
    if (!begun_) return;  // nothing was asked: no transaction was opened
    if (write_) {
      c_->simple("COMMIT");
      return;
    }
    // A read-only transaction's COMMIT cannot fail once its reads are answered, so it is
    // sent without waiting; the next user of the connection reads the reply (PgConn::settle).
    if (PQsendQuery(c_->conn, "COMMIT"))
      c_->reply_pending = true;
    else
      c_->broken = true;
  }
  Backend backend() const override { return Backend::postgres; }

 private:
  PGresult* run(std::string_view sql, const Params& params) {
    const auto& name = c_->statement(sql, static_cast<int>(params.size()));
    ParamText p(params);
    c_->waited();
    PGresult* r = begun_ ? PQexecPrepared(c_->conn, name.c_str(), static_cast<int>(params.size()),
                                          p.values.data(), nullptr, nullptr, 0)
                         : begin_with(name, p, static_cast<int>(params.size()));
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      if (PQstatus(c_->conn) != CONNECTION_OK) c_->broken = true;
      fail_result(r, c_->conn);
    }
    return r;
  }
  // BEGIN and the transaction's first statement in one round trip (libpq pipeline mode).
  // The Sync that ends the pipeline does not end the explicit transaction BEGIN opened.
  PGresult* begin_with(const std::string& name, const ParamText& p, int nparams) {
    PGconn* k = c_->conn;
    begun_ = true;
    if (!PQenterPipelineMode(k)) fail_result(nullptr, k);
    bool sent =
        PQsendQueryParams(k, begin_sql(), 0, nullptr, nullptr, nullptr, nullptr, 0) &&
        PQsendQueryPrepared(k, name.c_str(), nparams, p.values.data(), nullptr, nullptr, 0) &&
        PQpipelineSync(k);
    PGresult* out = nullptr;
    PGresult* err = nullptr;
    int query = 0;  // 0: BEGIN, 1: the statement; each one's results end with a null
    while (sent) {
      PGresult* r = PQgetResult(k);
      if (!r) {
        if (PQstatus(k) != CONNECTION_OK || ++query > 2) break;
        continue;
      }
      auto st = PQresultStatus(r);
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        break;
      }
      if ((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) && query == 1 && !out) {
        out = r;
      } else if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(r);
      } else if (!err) {
        err = r;  // the first error; what follows it is PGRES_PIPELINE_ABORTED
      } else {
        PQclear(r);
      }
    }
    if (!PQexitPipelineMode(k) || !sent) c_->broken = true;
    if (err || !out) {
      if (out) PQclear(out);
      return err;  // null when the connection failed: run() reports it
    }
    return out;
  }

  const char* begin_sql() const { return write_ ? "BEGIN" : "BEGIN READ ONLY"; }

  PgDb& db_;
  std::unique_ptr<PgConn> c_;
  bool write_;
  bool begun_ = false;  // BEGIN goes out with the first statement
  bool done_ = false;
};

class PgDb : public Db {
 public:
  PgDb(std::string url, int size) : url_(std::move(url)), size_(size) {
    // Connect one eagerly so a bad URL fails at start-up, not on the first request.
    free_.push_back(std::make_unique<PgConn>(url_));
    free_.back()->round_trips = &round_trips_;
    created_ = 1;
  }
  std::unique_ptr<Tx> begin(bool write) override {
    return std::make_unique<PgTx>(*this, acquire(), write);
  }
  std::unique_ptr<PgConn> acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || created_ < size_; });
    in_use_++;
    std::unique_ptr<PgConn> c;
    if (!free_.empty()) {
      c = std::move(free_.back());
      free_.pop_back();
    } else {
      created_++;
    }
    lock.unlock();
    try {
      if (c && c->settle()) return c;
      c = std::make_unique<PgConn>(url_);  // new, or replacing one whose connection was lost
      c->round_trips = &round_trips_;
      return c;
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
  int64_t round_trips() const { return round_trips_.load(std::memory_order_relaxed); }
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
  std::atomic<int64_t> round_trips_{0};
};

PgTx::~PgTx() {
  if (!done_ && begun_) {
    try {
      c_->simple("ROLLBACK");
    } catch (...) {
      c_->broken = true;
    }
  }
  db_.release(std::move(c_));
}

}  // namespace

int64_t postgres_round_trips(const Db& db) {
  auto pg = dynamic_cast<const PgDb*>(&db);
  return pg ? pg->round_trips() : 0;
}

std::unique_ptr<Db> open_postgres(const std::string& url, int pool_size) {
  return std::make_unique<PgDb>(url, pool_size < 1 ? 16 : pool_size);
}

}  // namespace mg::store
