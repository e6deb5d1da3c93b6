#pragma once

namespace mg {

// Names the calling thread (at most 15 characters are kept) so `top -H`, `perf` and core
// dumps show which part of the server a thread belongs to.
void name_this_thread(const char* name);

}  // namespace mg
