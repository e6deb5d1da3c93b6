#include "app/cli.h"

#include <optional>

#include <boost/program_options.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/backup.h"
#include "app/config.h"
#include "app/routes.h"
#include "app/server.h"
#include "applications/chat.h"
#include "applications/inbox.h"
#include "auth/service.h"
#include "calendar/holidays.h"
#include "conversation/flow_test.h"
#include "conversation/prompt.h"
#include "core/errors.h"
#include "core/json.h"
#include "core/json_parse.h"
#include "garbage/service.h"
#include "linesim/linesim_main.h"
#include "postal/service.h"
#include "reservations/lottery_draw.h"
#include "residents/import.h"
#include "services/catalog.h"
#include "store/migrations.h"

namespace mg::app {

namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: madoguchi <command> [options]\n\n"
    "commands:\n"
    "  serve           run the server (see madoguchi serve --help)\n"
    "  migrate         apply database migrations and exit\n"
    "  tenant create   create a municipality: --code CODE --name NAME [--lg-code CODE]\n"
    "  admin create    create a staff account: --tenant CODE --email E --password-stdin [--role "
    "admin]\n"
    "  routes          print every HTTP route serve registers as JSON [--data DIR | --database "
    "URL]\n"
    "  postal import   replace the postal-code data with Japan Post's KEN_ALL.CSV (Shift_JIS or "
    "UTF-8): madoguchi postal import FILE.csv\n"
    "  garbage import  import a 5374 garbage calendar directory (area_days.csv, center.csv, …): "
    "--tenant CODE DIR [--skip-bad-cells]\n"
    "  residents import  import residents' attributes from CSV: madoguchi residents import "
    "--tenant CODE FILE.csv [--skip-bad-rows]\n"
    "  flow test       run dialog tests: madoguchi flow test FILE...\n"
    "  schema prompt   print the JSON Schema of chat prompts and inputs\n"
    "  calendar holidays  print Japan's national holidays as date,name CSV: --from YEAR --to "
    "YEAR\n"
    "  lottery replay  re-run a lottery draw from its export (GET /api/lotteries/ID/export.json): "
    "madoguchi lottery replay FILE.json; prints the result, exits 1 when it differs from the "
    "file's\n"
    "  backup          copy a running SQLite data directory: --data DIR --out BACKUP_DIR\n"
    "  restore         restore a backup into a new data directory: --from BACKUP_DIR --data "
    "NEW_DIR\n"
    "  line-sim        run the offline LINE platform (see madoguchi line-sim --help)\n";

// Options shared by commands that only need the database.
struct DbOptions {
  std::string data_dir = "./data";
  std::string database;
  void add(po::options_description& d) {
    d.add_options()("data", po::value(&data_dir)->default_value(data_dir), "data directory")(
        "database", po::value(&database), "database URL (default sqlite:<data>/madoguchi.db)");
  }
  std::unique_ptr<store::Db> open() const {
    ServeConfig c;
    c.data_dir = data_dir;
    c.database = database;
    return store::open(resolve_database_url(c));
  }
};

po::variables_map parse(const std::vector<std::string>& args, std::size_t skip,
                        const po::options_description& desc) {
  std::vector<std::string> rest(args.begin() + static_cast<long>(skip), args.end());
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(desc).run(), vm);
  po::notify(vm);
  return vm;
}

// For "madoguchi <group> <verb> [options] ARG": `positional` takes the one bare argument.
// nullopt after printing the help (--help), so the caller returns 0.
std::optional<po::variables_map> parse_with_arg(const std::vector<std::string>& args,
                                                const po::options_description& desc,
                                                const char* positional) {
  po::positional_options_description pos;
  pos.add(positional, 1);
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 2, args.end()))
                .options(desc)
                .positional(pos)
                .run(),
            vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return std::nullopt;
  }
  po::notify(vm);
  return vm;
}

int migrate_cmd(const std::vector<std::string>& args) {
  DbOptions db;
  po::options_description d("madoguchi migrate");
  d.add_options()("help,h", "show help");
  db.add(d);
  auto vm = parse(args, 1, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  auto conn = db.open();
  int n = store::migrate(*conn);
  std::cout << "applied " << n << " migration(s); schema version " << store::schema_version(*conn)
            << "\n";
  return 0;
}

int tenant_create(const std::vector<std::string>& args) {
  DbOptions db;
  std::string code, name, lg;
  po::options_description d("madoguchi tenant create");
  d.add_options()("help,h", "show help")("code", po::value(&code)->required(), "tenant code")(
      "name", po::value(&name)->required(), "municipality name")(
      "lg-code", po::value(&lg)->default_value(""), "全国地方公共団体コード");
  db.add(d);
  auto vm = parse(args, 2, d);
  auto conn = db.open();
  store::migrate(*conn);
  auth::AuthService auth(*conn);
  auto t = auth.create_tenant(code, name, lg);
  std::cout << "created tenant " << t.code << " (id " << t.id << ")\n";
  return 0;
}

int admin_create(const std::vector<std::string>& args) {
  DbOptions db;
  std::string tenant, email, role, name, dept;
  po::options_description d("madoguchi admin create");
  d.add_options()("help,h", "show help")("tenant", po::value(&tenant)->required(), "tenant code")(
      "email", po::value(&email)->required(), "e-mail (login name)")(
      "password-stdin", "read the password from standard input (required)")(
      "role", po::value(&role)->default_value("admin"), "admin, editor, operator or viewer")(
      "name", po::value(&name)->default_value(""), "display name")(
      "department", po::value(&dept)->default_value(""), "department (課)");
  db.add(d);
  auto vm = parse(args, 2, d);
  if (!vm.count("password-stdin")) {
    std::cerr << "error: --password-stdin is required (passwords never go on the command line)\n";
    return 2;
  }
  std::string password;
  std::getline(std::cin, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n'))
    password.pop_back();
  auto conn = db.open();
  store::migrate(*conn);
  auth::AuthService auth(*conn);
  auto t = auth.tenant_by_code(tenant);
  if (!t) {
    std::cerr << "error: no tenant with code " << tenant << "\n";
    return 1;
  }
  int64_t id = conn->write([&](store::Tx& tx) {
    return auth.create_staff(tx, t->id, email, name, password, role, dept);
  });
  std::cout << "created staff " << email << " (id " << id << ", role " << role << ")\n";
  return 0;
}

// The routes are registered exactly as serve does; the database is opened because the
// LINE channel reads it while wiring, and its threads are stopped before printing.
int routes_cmd(const std::vector<std::string>& args) {
  DbOptions db;
  po::options_description d("madoguchi routes");
  d.add_options()("help,h", "show help");
  db.add(d);
  auto vm = parse(args, 1, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  auto conn = db.open();
  store::migrate(*conn);
  ServeConfig config;
  // The same data dir as the database, so the LINE secrets' key is the server's own.
  config.data_dir = db.data_dir;
  config.database = db.database;
  auth::AuthService auth(*conn);
  services::Catalog catalog(*conn);
  applications::ChatService chat(*conn, catalog, int64_t{config.session_idle_minutes} * 60 * 1000);
  applications::Inbox inbox(*conn, chat);
  jobs::Runner runner(*conn, 1);
  StaticFiles web("");
  http::Router router;
  faq::FaqService faq;
  auto line =
      register_all_routes(router, {config, *conn, auth, catalog, chat, inbox, runner, web, faq});
  line.stop();
  Json out = Json::array();
  for (const auto& r : router.routes())
    out.push_back({{"method", r.method}, {"pattern", r.pattern}});
  std::cout << out.dump(2) << "\n";
  return 0;
}

// Japan's national holidays for a range of years, one "YYYY-MM-DD,name" line each.
int holidays_cmd(const std::vector<std::string>& args) {
  int from = 0, to = 0;
  po::options_description desc("calendar holidays");
  desc.add_options()("from", po::value(&from)->required(), "first year")(
      "to", po::value(&to)->required(), "last year");
  parse(args, 2, desc);
  if (from > to || from < calendar::kFirstYear || to > calendar::kLastYear) {
    std::cerr << "error: years must be " << calendar::kFirstYear << "–" << calendar::kLastYear
              << " and --from ≤ --to\n";
    return 2;
  }
  std::cout << "date,name\n";
  for (int y = from; y <= to; ++y)
    for (const auto& h : calendar::holidays_in(y))
      std::cout << calendar::format_iso(h.date) << ',' << h.name << '\n';
  return 0;
}

// Re-runs a lottery draw from its export (or from its "input" object alone) and compares the
// result with the one the export recorded, so anyone can check a draw was fair.
int lottery_replay(const std::vector<std::string>& args) {
  if (args.size() != 3) {
    std::cerr << "usage: madoguchi lottery replay FILE.json\n";
    return 2;
  }
  std::ifstream in(args[2], std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << args[2] << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  Json file = parse_json(text.str());
  const Json& input = file.contains("input") ? file["input"] : file;
  Json result = reservations::to_json(reservations::draw(reservations::parse_draw_input(input)));
  std::cout << result.dump(2) << "\n";
  if (file.contains("result") && file["result"] != result) {
    std::cerr << "the recorded result differs from the re-run\n";
    return 1;
  }
  return 0;
}

// Replaces the national postal-code table in one transaction (KEN_ALL.CSV, unzipped).
int postal_import(const std::vector<std::string>& args) {
  DbOptions db;
  std::string file;
  po::options_description d("madoguchi postal import FILE.csv");
  d.add_options()("help,h", "show help")("file", po::value(&file)->required(),
                                         "KEN_ALL.CSV (Shift_JIS) or its UTF-8 variant");
  db.add(d);
  auto parsed = parse_with_arg(args, d, "file");
  if (!parsed) return 0;
  auto conn = db.open();
  store::migrate(*conn);
  auto r = postal::import_file(*conn, file);
  std::cout << "imported " << r.lines << " postal code rows (parse " << r.parse_ms << " ms, write "
            << r.write_ms << " ms)\n";
  return 0;
}

// Imports a 5374 directory; every bad cell is printed with file, row and column. Nothing is
// written when there are any unless --skip-bad-cells.
int garbage_import(const std::vector<std::string>& args) {
  DbOptions db;
  std::string tenant, dir;
  po::options_description d("madoguchi garbage import --tenant CODE DIR");
  d.add_options()("help,h", "show help")("tenant", po::value(&tenant)->required(), "tenant code")(
      "dir", po::value(&dir)->required(), "directory with area_days.csv and the other files")(
      "skip-bad-cells", "import the good rows and cells even if some are bad");
  db.add(d);
  auto parsed = parse_with_arg(args, d, "dir");
  if (!parsed) return 0;
  auto& vm = *parsed;
  auto files = garbage::read_directory(dir);
  auto conn = db.open();
  store::migrate(*conn);
  auth::AuthService auth(*conn);
  auto t = auth.tenant_by_code(tenant);
  if (!t) {
    std::cerr << "error: no tenant with code " << tenant << "\n";
    return 1;
  }
  auto out =
      garbage::import_files(*conn, t->id, files, vm.count("skip-bad-cells") > 0, std::nullopt);
  for (const auto& p : out.problems) std::cerr << garbage::describe(p) << "\n";
  if (!out.imported) {
    std::cerr << "error: nothing imported (" << out.problems.size()
              << " problems; fix them or pass --skip-bad-cells)\n";
    return 1;
  }
  std::cout << "imported " << out.areas << " areas, " << out.categories << " categories, "
            << out.items << " sorting entries";
  if (!out.problems.empty()) std::cout << " (" << out.problems.size() << " bad cells skipped)";
  std::cout << "\n";
  return 0;
}

// Residents' attributes from CSV (UTF-8 or Shift_JIS); every bad cell is printed with its
// row and column, and nothing is written unless --skip-bad-rows.
int residents_import(const std::vector<std::string>& args) {
  DbOptions db;
  std::string file, tenant;
  po::options_description d("madoguchi residents import --tenant CODE FILE.csv");
  d.add_options()("help,h", "show help")("tenant", po::value(&tenant)->required(),
                                         "municipality code")(
      "file", po::value(&file)->required(),
      "CSV: line_user_id or resident_id, then attribute keys")(
      "skip-bad-rows", "import the good rows of a file that has bad ones");
  db.add(d);
  auto parsed = parse_with_arg(args, d, "file");
  if (!parsed) return 0;
  auto& vm = *parsed;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto conn = db.open();
  store::migrate(*conn);
  auto t = conn->read([&](store::Tx& tx) { return auth::sql::tenant_by_code(tx, tenant); });
  if (!t) throw std::runtime_error("no such tenant: " + tenant);
  residents::ImportOptions options;
  options.skip_bad_rows = vm.count("skip-bad-rows") > 0;
  options.limits.max_bytes = std::size_t{4} << 30;  // the operator's own file: no upload cap
  options.limits.max_rows = 50'000'000;
  auto started = std::chrono::steady_clock::now();
  auto r = residents::import_attributes(*conn, t->id, std::move(bytes), options);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  for (const auto& e : r.errors)
    std::cerr << e.row << " 行目" << (e.column.empty() ? "" : "「" + e.column + "」") << ": "
              << e.message << "\n";
  if (r.error_count > static_cast<int64_t>(r.errors.size()))
    std::cerr << "… " << r.error_count - static_cast<int64_t>(r.errors.size()) << " more errors\n";
  if (!r.written) {
    std::cerr << "error: " << r.error_count << " bad cells; nothing imported\n";
    return 1;
  }
  std::cout << "imported " << r.imported << " rows (" << r.created << " new residents, "
            << r.bad_rows << " bad rows skipped, " << r.encoding << ") in " << ms << " ms\n";
  return 0;
}

}  // namespace

int run_cli(const std::vector<std::string>& args) {
  try {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    const auto& cmd = args[0];
    if (cmd == "serve") {
      auto cfg = parse_serve_args({args.begin() + 1, args.end()});
      return cfg ? serve(*cfg) : 0;
    }
    if (cmd == "migrate") return migrate_cmd(args);
    if (cmd == "routes") return routes_cmd(args);
    if (cmd == "backup") return backup_cmd(args);
    if (cmd == "restore") return restore_cmd(args);
    if (cmd == "flow" && args.size() > 1 && args[1] == "test") {
      if (args.size() < 3) {
        std::cerr << "usage: madoguchi flow test FILE...\n";
        return 2;
      }
      return conversation::run_flow_tests({args.begin() + 2, args.end()}, std::cout);
    }
    if (cmd == "schema" && args.size() > 1 && args[1] == "prompt") {
      std::cout << conversation::prompt_schema().dump(2) << "\n";
      return 0;
    }
    if (cmd == "calendar" && args.size() > 1 && args[1] == "holidays") return holidays_cmd(args);
    if (cmd == "lottery" && args.size() > 1 && args[1] == "replay") return lottery_replay(args);
    if (cmd == "line-sim") {
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      return linesim::linesim_main(static_cast<int>(argv.size()), argv.data());
    }
    if (cmd == "tenant" && args.size() > 1 && args[1] == "create") return tenant_create(args);
    if (cmd == "admin" && args.size() > 1 && args[1] == "create") return admin_create(args);
    if (cmd == "postal" && args.size() > 1 && args[1] == "import") return postal_import(args);
    if (cmd == "residents" && args.size() > 1 && args[1] == "import") return residents_import(args);
    if (cmd == "garbage" && args.size() > 1 && args[1] == "import") return garbage_import(args);
    std::cerr << "unknown command: " << cmd << "\n" << kUsage;
    return 2;
  } catch (const ApiError& e) {
    std::cerr << "error: " << e.what() << (e.field().empty() ? "" : " (" + e.field() + ")") << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mg::app
