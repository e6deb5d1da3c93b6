#include "residents/import.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

#include "core/clock.h"
#include "core/errors.h"
#include "residents/condition.h"

namespace mg::residents {

namespace {

std::string placeholders(std::size_t n) {
  std::string s = "?";
  for (std::size_t i = 1; i < n; ++i) s += ", ?";
  return s;
}

bool blank(const std::vector<std::string>& cells) { return cells.size() == 1 && cells[0].empty(); }

// LINE user ids of the batch that already are residents, with their ids.
std::map<std::string, int64_t> line_residents(store::Tx& tx, int64_t tenant_id,
                                              const std::vector<CsvRow>& rows) {
  std::map<std::string, int64_t> found;
  constexpr std::size_t kChunk = 500;
  for (std::size_t i = 0; i < rows.size(); i += kChunk) {
    std::size_t n = std::min(kChunk, rows.size() - i);
    store::Params p{tenant_id};
    for (std::size_t j = 0; j < n; ++j) p.push_back(rows[i + j].key);
    tx.each(
        "SELECT external_id, id FROM residents WHERE tenant_id = ? AND channel = 'line' AND "
        "external_id IN (" +
            placeholders(n) + ")",
        p, [&](const store::Row& r) {
          found.emplace(r.str(0), r.i64(1));
          return true;
        });
  }
  return found;
}

// Replaces the file's attributes of one batch of residents: every column of the file is
// replaced for every row (an empty cell clears that attribute).
void write_batch(store::Tx& tx, int64_t tenant_id, const CsvHeader& header,
                 const std::vector<CsvRow>& rows, ImportReport& report) {
  int64_t now = clock::now_ms();
  std::vector<int64_t> ids(rows.size());
  std::vector<bool> created(rows.size(), false);
  if (header.key == ResidentKey::line_user_id) {
    auto found = line_residents(tx, tenant_id, rows);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto it = found.find(rows[i].key);
      if (it != found.end()) {
        ids[i] = it->second;
        continue;
      }
      // A friend of the town's LINE account who has not written to madoguchi yet.
      ids[i] = tx.insert_id(
          "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, "
          "updated_at) VALUES (?, 'line', ?, 'active', ?, ?) RETURNING id",
          {tenant_id, rows[i].key, now, now});
      tx.exec(
          "INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, "
          "created_at) VALUES (?, ?, 'line', ?, ?) ON CONFLICT (tenant_id, channel, external_id) "
          "DO NOTHING",
          {tenant_id, ids[i], rows[i].key, now});
      found.emplace(rows[i].key, ids[i]);
      created[i] = true;
      ++report.created;
    }
  } else {
    for (std::size_t i = 0; i < rows.size(); ++i) ids[i] = std::stoll(rows[i].key);
  }
  // Residents created just now have nothing to replace. "+ 0": see condition.cpp (without it
  // SQLite scans every value of these keys, once per chunk).
  std::vector<int64_t> existing;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (!created[i]) existing.push_back(ids[i]);
  if (!header.columns.empty()) {
    constexpr std::size_t kChunk = 500;
    for (std::size_t i = 0; i < existing.size(); i += kChunk) {
      std::size_t n = std::min(kChunk, existing.size() - i);
      store::Params p{tenant_id};
      for (const auto* d : header.columns) p.push_back(d->key);
      for (std::size_t j = 0; j < n; ++j) p.push_back(existing[i + j]);
      tx.exec("DELETE FROM resident_attributes WHERE tenant_id + 0 = ? AND attr_key IN (" +
                  placeholders(header.columns.size()) + ") AND resident_id IN (" + placeholders(n) +
                  ")",
              p);
    }
  }
  // Multi-row INSERTs: far fewer statements than values (a million-row file has several
  // million values), well under SQLite's parameter limit.
  constexpr std::size_t kValuesPerInsert = 200;
  store::Params p;
  std::size_t pending = 0;
  auto flush = [&] {
    if (!pending) return;
    std::string sql =
        "INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, "
        "number_value, date_value, updated_at) VALUES ";
    for (std::size_t k = 0; k < pending; ++k)
      sql += k ? ", (?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?)";
    tx.exec(sql, p);
    p.clear();
    pending = 0;
  };
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (const auto& column : rows[i].values)
      for (const auto& v : column) {
        p.emplace_back(tenant_id);
        p.emplace_back(ids[i]);
        p.emplace_back(v.key);
        p.push_back(store::opt(v.text));
        p.push_back(store::opt(v.number));
        p.push_back(store::opt(v.date));
        p.emplace_back(now);
        if (++pending == kValuesPerInsert) flush();
      }
  flush();
  report.imported += static_cast<int64_t>(rows.size());
}

void add_error(ImportReport& report, const ImportOptions& options, CellError e) {
  ++report.error_count;
  if (report.errors.size() < options.max_errors) report.errors.push_back(std::move(e));
}

}  // namespace

ImportReport import_attributes(store::Db& db, int64_t tenant_id, std::string bytes,
                               const ImportOptions& options) {
  const auto& limits = options.limits;
  if (bytes.size() > limits.max_bytes)
    throw ApiError(413, "too_large",
                   "ファイルが大きすぎます（" + std::to_string(limits.max_bytes / (1024 * 1024)) +
                       " MB まで）",
                   "csv");
  auto decoded = decode_csv(std::move(bytes));
  ImportReport report;
  report.encoding = decoded.encoding;
  auto defs = db.read([&](store::Tx& tx) { return load_definitions(tx, tenant_id); });

  CsvReader reader(decoded.text);
  std::vector<std::string> cells;
  std::size_t line = 0;
  if (!reader.next(cells, line) || (blank(cells) && !reader.next(cells, line)))
    throw ApiError::bad_request("CSV が空です", "csv");
  std::vector<CellError> header_errors;
  auto header = read_header(cells, defs, limits, header_errors);
  if (!header) {
    for (auto& e : header_errors) add_error(report, options, std::move(e));
    return report;
  }
  std::vector<int64_t> known;  // for resident_id keys: the tenant's residents, sorted
  if (header->key == ResidentKey::resident_id)
    db.read([&](store::Tx& tx) {
      tx.each("SELECT id FROM residents WHERE tenant_id = ? ORDER BY id", {tenant_id},
              [&](const store::Row& r) {
                known.push_back(r.i64(0));
                return true;
              });
    });

  // Pass 1: check every cell, remember which lines are bad and each key's hash (duplicates).
  std::vector<std::size_t> bad_lines;
  std::vector<std::pair<std::size_t, std::size_t>> key_hashes;  // (hash, line)
  std::vector<CellError> errors;
  CsvRow row;
  while (reader.next(cells, line)) {
    if (blank(cells)) continue;
    if (++report.rows > static_cast<int64_t>(limits.max_rows))
      throw ApiError(413, "too_large",
                     "行が多すぎます（" + std::to_string(limits.max_rows) + " 行まで）", "csv");
    errors.clear();
    bool ok = !reader.unclosed() && read_row(*header, cells, line, limits, row, errors);
    if (reader.unclosed()) errors.push_back({line, "", "引用符（\"）が閉じていません"});
    if (ok && header->key == ResidentKey::resident_id &&
        !std::binary_search(known.begin(), known.end(), std::stoll(row.key))) {
      errors.push_back({line, "resident_id", "この住民 ID の住民はいません"});
      ok = false;
    }
    if (ok)
      key_hashes.emplace_back(std::hash<std::string>{}(row.key), line);
    else
      bad_lines.push_back(line);
    for (auto& e : errors) add_error(report, options, std::move(e));
  }
  if (report.rows == 0)
    throw ApiError::bad_request("CSV に行がありません（見出しだけです）", "csv");
  // Two rows for one resident: the later is refused rather than silently winning.
  std::sort(key_hashes.begin(), key_hashes.end());
  std::vector<CellError> duplicates;
  for (std::size_t i = 1; i < key_hashes.size(); ++i)
    if (key_hashes[i].first == key_hashes[i - 1].first) {
      duplicates.push_back(
          {key_hashes[i].second,
           header->key == ResidentKey::line_user_id ? "line_user_id" : "resident_id",
           "同じ住民の行が " + std::to_string(key_hashes[i - 1].second) + " 行目にもあります"});
      bad_lines.push_back(key_hashes[i].second);
    }
  key_hashes = {};
  for (auto& e : duplicates) add_error(report, options, std::move(e));
  std::sort(report.errors.begin(), report.errors.end(),
            [](const CellError& a, const CellError& b) { return a.row < b.row; });
  std::sort(bad_lines.begin(), bad_lines.end());
  bad_lines.erase(std::unique(bad_lines.begin(), bad_lines.end()), bad_lines.end());
  report.bad_rows = static_cast<int64_t>(bad_lines.size());
  if (report.error_count > 0 && !options.skip_bad_rows) return report;

  // Pass 2: the good rows again, written a batch per transaction.
  CsvReader again(decoded.text);
  again.next(cells, line);
  if (blank(cells)) again.next(cells, line);
  std::vector<CsvRow> batch;
  auto write = [&] {
    if (batch.empty()) return;
    db.write([&](store::Tx& tx) { write_batch(tx, tenant_id, *header, batch, report); });
    batch.clear();
  };
  while (again.next(cells, line)) {
    if (blank(cells) || std::binary_search(bad_lines.begin(), bad_lines.end(), line)) continue;
    batch.emplace_back();
    read_row(*header, cells, line, limits, batch.back(), errors);
    if (batch.size() >= options.batch_rows) write();
  }
  write();
  report.written = true;
  return report;
}

namespace {
std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}
}  // namespace

std::string export_attributes_csv(store::Tx& tx, int64_t tenant_id, ResidentKey key) {
  auto defs = load_definitions(tx, tenant_id);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < defs.size(); ++i) column[defs[i].key] = i;
  std::string out = "\xEF\xBB\xBF";
  out += key == ResidentKey::line_user_id ? "line_user_id" : "resident_id";
  for (const auto& d : defs) out += "," + csv_field(d.key);
  out += "\r\n";
  int64_t current = 0;
  std::string current_key;
  std::vector<std::vector<std::string>> values(defs.size());
  auto emit = [&] {
    if (!current) return;
    out += key == ResidentKey::line_user_id ? current_key : std::to_string(current);
    for (auto& v : values) {
      std::string cell;
      for (std::size_t i = 0; i < v.size(); ++i) cell += (i ? "|" : "") + v[i];
      out += "," + csv_field(cell);
      v.clear();
    }
    out += "\r\n";
  };
  tx.each(
      std::string("SELECT r.id, r.external_id, a.attr_key, a.text_value, a.number_value, "
                  "a.date_value FROM residents r LEFT JOIN resident_attributes a ON a.tenant_id "
                  "= r.tenant_id AND a.resident_id = r.id WHERE r.tenant_id = ?") +
          (key == ResidentKey::line_user_id ? " AND r.channel = 'line'" : "") +
          " ORDER BY r.id, a.id",
      {tenant_id}, [&](const store::Row& r) {
        if (r.i64(0) != current) {
          emit();
          current = r.i64(0);
          current_key = r.str(1);
        }
        if (r.is_null(2)) return true;
        auto it = column.find(r.str(2));
        if (it == column.end()) return true;  // a value whose definition was removed
        std::string v = !r.is_null(3) ? r.str(3) : !r.is_null(4) ? number_text(r.f64(4)) : r.str(5);
        values[it->second].push_back(v);
        return true;
      });
  emit();
  return out;
}

}  // namespace mg::residents
