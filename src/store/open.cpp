#include "store/postgres_db.h"
#include "store/sqlite_db.h"

namespace mg::store {

std::unique_ptr<Db> open(const std::string& url, int pool_size) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return open_postgres(url, pool_size);
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  return open_sqlite(path, pool_size);
}

}  // namespace mg::store
