#include "harness/run/step_kind.h"

namespace harness::run {

util::Registry<StepKind>& step_kinds() {
  static util::Registry<StepKind> kinds;  // built on first use: kinds register during static initialisation
  return kinds;
}

}  // namespace harness::run
