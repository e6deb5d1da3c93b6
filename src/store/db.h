#pragma once
// One database interface, two backends (SQLite, PostgreSQL). Services write portable SQL
// with `?` placeholders; the PostgreSQL backend rewrites them to $n. What differs between
// the two lives in store/dialect.h and the backends, nowhere else.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace mg::store {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;
using Params = std::vector<Value>;

// Convenience for optional parameters.
template <typename T>
Value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return Value(*v);
}

class Row {
 public:
  Row() = default;
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t i) const {
    return std::holds_alternative<std::nullptr_t>(values_.at(i));
  }
  int64_t i64(std::size_t i) const;  // converts text/double; 0 for null
  double f64(std::size_t i) const;
  std::string str(std::size_t i) const;  // "" for null
  std::optional<int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_str(std::size_t i) const;
  std::size_t index(std::string_view column) const;  // throws if absent
  int64_t i64(std::string_view c) const { return i64(index(c)); }
  std::string str(std::string_view c) const { return str(index(c)); }
  bool is_null(std::string_view c) const { return is_null(index(c)); }
  const Value& at(std::size_t i) const { return values_.at(i); }

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

// Thrown by backends for serialization failures / deadlocks that a retry may fix.
struct RetryableDbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown on unique-constraint violations so services can answer 409.
struct UniqueViolation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Backend { sqlite, postgres };

// A transaction. Destroying it without commit() rolls back.
class Tx {
 public:
  virtual ~Tx() = default;
  // Statement with no result rows; returns affected rows.
  virtual int64_t exec(std::string_view sql, const Params& params = {}) = 0;
  virtual std::vector<Row> query(std::string_view sql, const Params& params = {}) = 0;
  // Streams rows one at a time; return false from fn to stop early.
  virtual void each(std::string_view sql, const Params& params,
                    const std::function<bool(const Row&)>& fn) = 0;
  virtual void commit() = 0;
  virtual Backend backend() const = 0;

  std::optional<Row> one(std::string_view sql, const Params& params = {});
  // For "INSERT ... RETURNING id".
  int64_t insert_id(std::string_view sql, const Params& params = {});
};

class Db {
 public:
  virtual ~Db() = default;
  // write=false gives a read-only snapshot (SQLite: any reader connection, concurrent).
  // write=true serialises writers on SQLite (one writer, so never "database is locked").
  virtual std::unique_ptr<Tx> begin(bool write = true) = 0;
  virtual Backend backend() const = 0;
  virtual std::string describe() const = 0;  // for /metrics and logs, no secrets
  virtual int pool_size() const = 0;
  virtual int pool_in_use() const = 0;

  // A write transaction that may share its COMMIT with other grouped writers (group commit).
  // On SQLite a grouped writer that finds another one waiting runs inside a savepoint of the
  // one open transaction and leaves it open for the next; the last of the group commits, and
  // each member's commit() returns only once the group has committed (or throws if that
  // COMMIT failed). A member's own failure rolls back only its savepoint. Use it for short
  // transactions that many residents run at once (a booking rush): a commit's system calls
  // and page writes are then paid once per group instead of once per writer. PostgreSQL
  // commits each one on its own (it groups WAL flushes itself).
  virtual std::unique_ptr<Tx> begin_grouped() { return begin(true); }

  // Runs fn in a write transaction and commits. On PostgreSQL, serialization failures
  // and deadlocks are retried a few times.
  template <typename F>
  auto write(F&& fn) {
    return with_retry([&](Tx& tx) { return fn(tx); }, Kind::write);
  }
  // write() in a grouped transaction (begin_grouped): for short transactions only, since
  // the members before it in its group wait for it.
  template <typename F>
  auto write_grouped(F&& fn) {
    return with_retry([&](Tx& tx) { return fn(tx); }, Kind::grouped);
  }
  template <typename F>
  auto read(F&& fn) {
    return with_retry([&](Tx& tx) { return fn(tx); }, Kind::read);
  }

 private:
  enum class Kind { read, write, grouped };
  template <typename F>
  auto with_retry(F&& fn, Kind kind) {
    for (int attempt = 0;; ++attempt) {
      try {
        auto tx = kind == Kind::grouped ? begin_grouped() : begin(kind == Kind::write);
        if constexpr (std::is_void_v<decltype(fn(*tx))>) {
          fn(*tx);
          tx->commit();
          return;
        } else {
          auto result = fn(*tx);
          tx->commit();
          return result;
        }
      } catch (const RetryableDbError&) {
        if (attempt >= 4) throw;
      }
    }
  }
};

// A scalar subquery a capability contributes ("(SELECT COUNT(*) FROM x WHERE tenant_id = ?)")
// so a page that shows several capabilities' counts asks them in one round trip.
struct Subquery {
  std::string sql;
  Params params;
};
// One statement "SELECT (q1), (q2), …": the integer value of each, in order.
std::vector<int64_t> scalars(Tx& tx, const std::vector<Subquery>& queries);

// "sqlite:PATH", a bare file path, or "postgresql://..." / "postgres://...".
std::unique_ptr<Db> open(const std::string& url, int pool_size = 0);

}  // namespace mg::store

// What differs between SQLite and PostgreSQL for the code above the store (row locks, the
// single-process shortcuts) is asked of the dialect, never of backend() directly.
#include "store/dialect.h"
