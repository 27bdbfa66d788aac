#pragma once
// "SIGKILL" for 9: how fault events name a signal.
#include <string.h>

#include <string>

namespace harness::fault {

inline std::string signal_label(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return std::string("SIG") + (abbrev ? abbrev : "?");
}

}  // namespace harness::fault
