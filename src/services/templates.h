#pragma once
// The bundled service templates (templates/*.json) offered to every municipality: a gallery
// with a readable preview of each, and the definition to start a draft from.
#include <optional>
#include <string>

#include "core/json.h"

namespace mg::services {

class TemplateGallery {
 public:
  explicit TemplateGallery(std::string dir) : dir_(std::move(dir)) {}

  // {key, title, category, department, description, fee, steps (readable_steps), lists}
  // sorted by category then key; files that do not load are left out (logged).
  Json list() const;
  // The raw definition of template `key` (file stem, [a-z0-9-]); nullopt when there is none.
  std::optional<Json> definition(const std::string& key) const;

 private:
  std::string dir_;
};

}  // namespace mg::services
