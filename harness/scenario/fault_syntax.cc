#include "harness/scenario/fault_syntax.h"

namespace harness::scenario {

util::Registry<FaultSyntax>& fault_syntax() {
  static util::Registry<FaultSyntax> registry;  // built on first use: kinds register during static initialisation
  return registry;
}

}  // namespace harness::scenario
