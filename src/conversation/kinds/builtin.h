#pragma once
// The built-in step kinds, one file each in this folder (docs/service-definition.md).
#include "conversation/step_kind.h"

namespace mg::conversation::kinds {

const StepKindSpec& message();
const StepKindSpec& choice();
const StepKindSpec& text();
const StepKindSpec& date();
const StepKindSpec& address();
const StepKindSpec& photo();
const StepKindSpec& location();
const StepKindSpec& branch();
const StepKindSpec& lookup();
const StepKindSpec& confirm();
const StepKindSpec& submit();
const StepKindSpec& rating();

}  // namespace mg::conversation::kinds
