#pragma once
// Kept so callers of the former directory module compile unchanged; the functions
// (find_or_create, find, issued, set_status, count) now live in residents/store.h.
#include "residents/store.h"
