#pragma once
// The one place for SQLite/PostgreSQL differences that code outside store/ has to know
// about. SQL itself stays portable (? placeholders, ON CONFLICT, RETURNING); what cannot be
// written the same way on both is a call here, so no capability branches on backend().
#include <string>

#include "store/db.h"

namespace mg::store {

// " FOR UPDATE" on PostgreSQL; nothing on SQLite, whose single writer already serialises.
inline const char* for_update(const Tx& tx) {
  return tx.backend() == Backend::postgres ? " FOR UPDATE" : "";
}

// For a queue's claim subquery: " FOR UPDATE SKIP LOCKED" on PostgreSQL, so processes
// sharing the database take different rows without waiting on each other; nothing on
// SQLite, where the one writer connection already makes the claim exclusive.
inline const char* skip_locked(const Tx& tx) {
  return tx.backend() == Backend::postgres ? " FOR UPDATE SKIP LOCKED" : "";
}

// True when this process is the only writer of the database (SQLite: one process, one
// writer connection). Code may then trust its own memory over the rows: rows another run
// left half-done are its own to resume, and nothing changes a row it read in a write
// transaction. PostgreSQL may be shared by several processes: false.
inline bool single_writer(Backend b) { return b == Backend::sqlite; }
inline bool single_writer(const Db& db) { return single_writer(db.backend()); }
inline bool single_writer(const Tx& tx) { return single_writer(tx.backend()); }

// An aggregate joining `expr` with commas (SQLite 3.40 has no string_agg).
inline std::string comma_joined(const Tx& tx, const std::string& expr) {
  return (tx.backend() == Backend::sqlite ? "group_concat(" : "string_agg(") + expr + ", ',')";
}

// `column` = ? for a tenant filter inside a per-resident attribute probe. SQLite's planner
// must not drive the probe from the tenant index ("+ 0" hides it: it then uses the
// (resident, key) index); on PostgreSQL the hint would hide the index that drives the whole
// evaluation, so the plain column is used (bench/segment_1m).
inline std::string attribute_probe_tenant(Backend b, const std::string& column) {
  return b == Backend::sqlite ? column + " + 0 = ?" : column + " = ?";
}

// The backend's name for /healthz and logs.
inline const char* backend_name(Backend b) {
  switch (b) {
    case Backend::sqlite:
      return "sqlite";
    case Backend::postgres:
      return "postgresql";
  }
  return "unknown";
}

}  // namespace mg::store
