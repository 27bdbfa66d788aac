#pragma once
// How a process ended, as collected by the Reaper.
#include <string>

namespace harness::process {

struct ExitStatus {
  int code = -1;    // exit code when exited normally, else -1
  int signal = 0;   // terminating signal, else 0
  bool exited_normally() const { return signal == 0; }
  std::string describe() const;  // "exit code 3" / "killed by SIGKILL"
};

// "SIGKILL" for SIGKILL; "signal 70" for a number without a name.
std::string signal_name(int sig);

}  // namespace harness::process
