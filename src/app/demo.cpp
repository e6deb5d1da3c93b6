#include "app/demo.h"

#include <filesystem>
#include <fstream>

#include "applications/lookup_lists.h"
#include "auth/store.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "reservations/ledger.h"

namespace mg::app {

DemoSetup ensure_demo(store::Db& db, auth::AuthService& auth) {
  DemoSetup out;
  out.admin_email = "admin@demo.example";
  out.operator_email = "kankyo@demo.example";
  if (auto t = auth.tenant_by_code("demo")) {
    out.tenant_id = t->id;
    return out;
  }
  // 999999 is not a real 全国地方公共団体コード, so demo data is never mistaken for a town's.
  auto tenant = auth.create_tenant("demo", "デモ町", "999999");
  out.tenant_id = tenant.id;
  out.created = true;
  out.admin_password = crypto::random_token(12);
  out.operator_password = crypto::random_token(12);
  db.write([&](store::Tx& tx) {
    auth.create_staff(tx, tenant.id, out.admin_email, "デモ管理者", out.admin_password, "admin",
                      "総務課");
    auth.create_staff(tx, tenant.id, "operator@demo.example", "デモ職員", crypto::random_token(12),
                      "operator", "市民課");
    auth.create_staff(tx, tenant.id, out.operator_email, "環境 太郎", out.operator_password,
                      "operator", "環境課");
  });
  return out;
}

int load_demo_lists(store::Db& db, int64_t tenant_id, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".csv") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string csv(std::istreambuf_iterator<char>(in), {});
    db.write([&](store::Tx& tx) {
      applications::replace_list(tx, tenant_id, e.path().stem().string(),
                                 applications::read_lookup_csv(csv), std::nullopt,
                                 e.path().filename().string());
    });
    ++n;
  }
  return n;
}

int add_demo_reservations(store::Db& db, services::Catalog& catalog, int64_t tenant_id,
                          const std::string& dir) {
  namespace res = reservations;
  int64_t now = clock::now_ms();
  db.write([&](store::Tx& tx) {
    if (!res::list_resources(tx, tenant_id).empty()) return;
    int64_t hall = res::insert_category(tx, tenant_id, "公民館", std::nullopt, now);
    int64_t sports = res::insert_category(tx, tenant_id, "スポーツ施設", std::nullopt, now);
    auto every_day = [](int from_h, int to_h) {
      res::WeeklyHours w;
      for (auto& d : w.days) d.push_back({from_h * 60, to_h * 60});
      return w;
    };
    res::Resource room;
    room.tenant_id = tenant_id;
    room.category_id = hall;
    room.name = "中央公民館 会議室A";
    room.description = "定員12人の会議室です。";
    room.capacity = 12;
    room.daily_limit = 2;
    room.calendar.weekly = every_day(9, 21);
    room.calendar.slot_minutes = 60;
    res::insert_resource(tx, room, now);
    res::Resource gym = room;
    gym.category_id = sports;
    gym.name = "町民体育館（個人利用）";
    gym.description = "1回2時間、30人まで利用できます。";
    gym.capacity = 30;
    gym.calendar.weekly = every_day(9, 21);
    gym.calendar.slot_minutes = 120;
    res::insert_resource(tx, gym, now);
  });
  // The service that books them sits apart from the bundled templates: it needs the
  // resources above, which a new municipality does not have.
  return catalog.import_directory(tenant_id, dir);
}

}  // namespace mg::app
