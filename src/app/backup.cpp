#include "app/backup.h"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "app/config.h"
#include "core/json.h"
#include "core/json_parse.h"
#include "store/sqlite_backup.h"

namespace mg::app {

namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {

constexpr const char* kFormat = "madoguchi-backup/1";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kDatabase = "madoguchi.db";

const char* kPostgresHelp =
    "error: madoguchi backup handles SQLite data directories only; back up PostgreSQL with its "
    "own tools:\n"
    "  logical (daily):  pg_dump -Fc -f madoguchi-$(date +%F).dump DATABASE_URL\n"
    "  restore:          createdb madoguchi_new && pg_restore -d madoguchi_new --no-owner "
    "madoguchi-DATE.dump\n"
    "  physical + PITR:  pg_basebackup -D /backup/base -Ft -z -X stream -d DATABASE_URL "
    "(with WAL archiving)\n"
    "Keep the secret key (MADOGUCHI_SECRET_KEY or <data>/secret.key) with the dump: it seals "
    "the LINE channel secrets. See docs/operations.md, \"Backups and restore\".\n";

std::string file_sha256(const fs::path& p, int64_t& size) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto n = in.gcount();
    if (n > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n));
    size += n;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

bool is_postgres(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

bool empty_or_missing(const fs::path& dir) {
  return !fs::exists(dir) || (fs::is_directory(dir) && fs::is_empty(dir));
}

// The data directory's files besides the database (secret key, anything a later version keeps
// on disk), relative to it.
std::vector<fs::path> other_files(const fs::path& data, const fs::path& db) {
  std::vector<fs::path> out;
  if (!fs::is_directory(data)) return out;
  auto db_name = db.filename().string();
  for (const auto& e : fs::recursive_directory_iterator(data)) {
    if (!e.is_regular_file()) continue;
    auto rel = fs::relative(e.path(), data);
    if (fs::equivalent(e.path().parent_path(), db.parent_path())) {
      auto n = rel.filename().string();
      if (n == db_name || n == db_name + "-wal" || n == db_name + "-shm" ||
          n == db_name + "-journal")
        continue;
    }
    out.push_back(rel);
  }
  return out;
}

std::string iso_now() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Rejects paths that would leave the target directory ("../x", "/etc/x").
fs::path inside(const fs::path& root, const std::string& rel) {
  fs::path p(rel);
  if (rel.empty() || p.is_absolute()) throw std::runtime_error("bad path in manifest: " + rel);
  for (const auto& part : p)
    if (part == "..") throw std::runtime_error("bad path in manifest: " + rel);
  return root / p;
}

// Parses a subcommand's options; an exit code when the command should stop there (bad
// options, --help, or a PostgreSQL database, which pg_dump/pg_restore handle).
std::optional<int> parse_command(const std::vector<std::string>& args,
                                 const po::options_description& d, const std::string& database) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(d)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "error: " << e.what() << "\n" << d << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  if (is_postgres(database)) {
    std::cerr << kPostgresHelp;
    return 2;
  }
  return std::nullopt;
}

}  // namespace

int backup_cmd(const std::vector<std::string>& args) {
  std::string data_dir = "./data", database, out;
  int pages = 256;
  po::options_description d("madoguchi backup --data DIR --out BACKUP_DIR");
  d.add_options()("help,h", "show help")("data", po::value(&data_dir)->default_value(data_dir),
                                         "data directory")(
      "database", po::value(&database), "database URL (default sqlite:<data>/madoguchi.db)")(
      "out", po::value(&out), "new (or empty) directory for the backup")(
      "pages-per-step", po::value(&pages)->default_value(pages), "database pages copied per step");
  if (auto code = parse_command(args, d, database)) return *code;
  if (out.empty() || pages < 1) {
    std::cerr << "error: --out BACKUP_DIR is required\n" << d << "\n";
    return 2;
  }
  fs::path db_path =
      database.empty()
          ? fs::path(data_dir) / kDatabase
          : fs::path(database.rfind("sqlite:", 0) == 0 ? database.substr(7) : database);
  if (!fs::is_regular_file(db_path)) {
    std::cerr << "error: no SQLite database at " << db_path.string() << "\n";
    return 1;
  }
  fs::path dest(out);
  // A backup inside the data directory would copy itself into itself.
  auto data_abs = fs::weakly_canonical(data_dir), dest_abs = fs::weakly_canonical(dest);
  auto [d_end, o_end] =
      std::mismatch(data_abs.begin(), data_abs.end(), dest_abs.begin(), dest_abs.end());
  if (d_end == data_abs.end()) {
    std::cerr << "error: --out must be outside the data directory\n";
    return 2;
  }
  if (!empty_or_missing(dest)) {
    std::cerr << "error: " << dest.string() << " is not empty; back up into a new directory\n";
    return 1;
  }
  fs::create_directories(dest);
  auto started = std::chrono::steady_clock::now();
  // The database first, then the other files: whatever the copied database refers to exists
  // by then (files only added later are harmless extras).
  auto copy = store::copy_sqlite_online(db_path.string(), (dest / kDatabase).string(), pages);
  std::vector<std::string> names{kDatabase};
  for (const auto& rel : other_files(data_dir, db_path)) {
    fs::create_directories((dest / rel).parent_path());
    fs::copy_file(fs::path(data_dir) / rel, dest / rel);
    names.push_back(rel.generic_string());
  }
  Json files = Json::array();
  for (const auto& n : names) {
    int64_t size = 0;
    auto sum = file_sha256(dest / n, size);
    files.push_back({{"path", n}, {"size", size}, {"sha256", sum}});
  }
  Json manifest = {
      {"format", kFormat},     {"created_at", iso_now()}, {"schema_version", copy.schema_version},
      {"database", kDatabase}, {"files", files},          {"row_counts", copy.counts}};
  // Written last, so a backup that stopped halfway has none and restore refuses it.
  {
    std::ofstream m(dest / kManifest, std::ios::binary);
    m << manifest.dump(2) << "\n";
    if (!m) throw std::runtime_error("cannot write " + (dest / kManifest).string());
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  std::cout << "backed up " << copy.pages << " database pages and " << names.size() - 1
            << " other file(s) to " << dest.string() << " (schema version " << copy.schema_version
            << ") in " << ms << " ms\n";
  return 0;
}

int restore_cmd(const std::vector<std::string>& args) {
  std::string from, data_dir, database;
  po::options_description d("madoguchi restore --from BACKUP_DIR --data NEW_DIR");
  d.add_options()("help,h", "show help")("from", po::value(&from), "backup directory")(
      "data", po::value(&data_dir), "new (or empty) data directory")(
      "database", po::value(&database), "must be empty or SQLite (PostgreSQL: pg_restore)");
  if (auto code = parse_command(args, d, database)) return *code;
  if (from.empty() || data_dir.empty()) {
    std::cerr << "error: --from BACKUP_DIR and --data NEW_DIR are required\n" << d << "\n";
    return 2;
  }
  fs::path src(from), dest(data_dir);
  if (!empty_or_missing(dest)) {
    std::cerr << "error: " << dest.string()
              << " is not empty; restore into a new directory (nothing was changed)\n";
    return 1;
  }
  std::ifstream m(src / kManifest, std::ios::binary);
  if (!m) {
    std::cerr << "error: no " << kManifest << " in " << src.string()
              << " (not a backup, or one that did not finish)\n";
    return 1;
  }
  std::string text((std::istreambuf_iterator<char>(m)), std::istreambuf_iterator<char>());
  Json manifest = parse_json(text);
  if (!manifest.is_object() || manifest.value("format", "") != kFormat ||
      !manifest.contains("files") || !manifest["files"].is_array())
    throw std::runtime_error("unknown manifest format in " + (src / kManifest).string());
  // Everything is verified before anything is written.
  bool has_db = false;
  for (const auto& f : manifest["files"]) {
    std::string rel = f.at("path").get<std::string>();
    if (rel == kDatabase) has_db = true;
    int64_t size = 0;
    auto sum = file_sha256(inside(src, rel), size);
    if (size != f.at("size").get<int64_t>() || sum != f.at("sha256").get<std::string>()) {
      std::cerr << "error: " << rel << " does not match the manifest (size or SHA-256); "
                << "the backup is damaged or was changed\n";
      return 1;
    }
  }
  if (!has_db) throw std::runtime_error("the manifest lists no database");
  fs::create_directories(dest);
  for (const auto& f : manifest["files"]) {
    std::string rel = f.at("path").get<std::string>();
    fs::create_directories(inside(dest, rel).parent_path());
    fs::copy_file(inside(src, rel), inside(dest, rel));
  }
  std::cout << "restored " << manifest["files"].size() << " file(s) from " << src.string()
            << " (taken " << manifest.value("created_at", "?") << ", schema version "
            << manifest.value("schema_version", 0) << ") into " << dest.string() << "\n";
  return 0;
}

}  // namespace mg::app
