#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace mg::store {

// libpq connection pool. Portable `?` placeholders become $n; statements are prepared once
// per connection. Serialization failures and deadlocks raise RetryableDbError.
std::unique_ptr<Db> open_postgres(const std::string& url, int pool_size);

// Replies waited for since start, not counting the one-off PREPARE of each statement per
// connection (0 for a database that is not PostgreSQL): for /metrics and the benchmark that
// counts round trips per chat turn.
int64_t postgres_round_trips(const Db& db);

// Rewrites `?` placeholders (outside quotes) to $1, $2, ...
std::string to_dollar_params(std::string_view sql);

}  // namespace mg::store
