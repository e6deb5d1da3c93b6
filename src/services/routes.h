#pragma once
#include "auth/service.h"
#include "core/router.h"
#include "services/catalog.h"
#include "services/templates.h"

namespace mg::services {

// The catalogue for staff (drafts, publishing, export) and the template gallery (list the
// bundled templates, start a draft from one).
void mount(http::Router& router, auth::AuthService& auth, Catalog& catalog,
           TemplateGallery gallery);

// Parses a positive integer path parameter; 404 for anything else (never a 500).
int64_t id_param(const http::Request& req, const std::string& name = "id");

}  // namespace mg::services
