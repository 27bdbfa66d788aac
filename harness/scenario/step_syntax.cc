#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

util::Registry<StepSyntax>& step_syntaxes() {
  static util::Registry<StepSyntax> table;  // built on first use: kinds register during static initialisation
  return table;
}

std::vector<std::string_view> listed_step_kinds() { return util::listed_names(step_syntaxes()); }

}  // namespace harness::scenario
