#pragma once
// The parameters of the kill fault (kill.cc), for the code and tests that read them.
#include <string>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct KillParams : scenario::KindParams {
  int signal = 9;  // SIGKILL by default; names like KILL/TERM accepted
  // "group" (the instance's process group: a killed pod), "main" (its main process only: a Celery worker's
  // MainProcess, its pool children orphaned), "children" (the main process's children: Celery's pool processes).
  std::string target = "group";
};

}  // namespace harness::fault
