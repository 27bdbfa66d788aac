#include "harness/process/exit_status.h"

#include <string.h>

namespace harness::process {

std::string signal_name(int sig) {
  if (const char* abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(sig);
}

std::string ExitStatus::describe() const {
  if (signal != 0) return "killed by " + signal_name(signal);
  return "exit code " + std::to_string(code);
}

}  // namespace harness::process
