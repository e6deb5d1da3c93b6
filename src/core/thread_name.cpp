#include "core/thread_name.h"

#include <pthread.h>

#include <cstring>
#include <string>

namespace mg {

void name_this_thread(const char* name) {
  std::string n(name, strnlen(name, 15));
  pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace mg
