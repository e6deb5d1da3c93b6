#pragma once
#include "auth/service.h"
#include "core/router.h"

namespace mg::auth {

void register_routes(http::Router& router, AuthService& auth, store::Db& db);

// Reads a string field from a JSON body; ApiError 400 naming the field when it is the wrong
// type, or missing and required.
std::string string_field(const Json& body, const std::string& name, bool required = true,
                         std::size_t max_len = 1000);

}  // namespace mg::auth
