#pragma once
#include "core/errors.h"

namespace mg {

// Thrown when a text exceeds JsonLimits: 400 json_too_deep or 413 json_too_large, so it reaches
// clients in the usual error format wherever it is thrown; callers catch ApiError.
class JsonLimitError : public ApiError {
 public:
  using ApiError::ApiError;
};

}  // namespace mg
