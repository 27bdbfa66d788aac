#pragma once
// The table of step kinds the loader reads `steps:` through: each kind's name, keys, one-line summary, whether
// `for:` applies, and its reader. The scenario layer owns the table, the kinds fill it from their own files
// (scenario/wait_step.cc, exec_step.cc, load_step.cc, fault_reader.cc); how each kind runs is registered in
// run/step_kind.h from run/<kind>_step.cc. A new step kind can be one file in run/ that registers both.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"
#include "harness/util/registry.h"

namespace harness::scenario {

// What a step kind's reader may need beside its own entry.
struct StepContext {
  // The scenario's services; nullptr when `services:` was unusable (already reported): references unchecked.
  const std::vector<Service>* services = nullptr;
  const MapEntry* for_entry = nullptr;  // the step's `for:`, or nullptr
  std::string name;                     // the step's `name:`, or empty
  int ordinal = 0;                      // 1 for the first step of this kind in the scenario, 2 for the next, ...
};

struct StepSyntax {
  std::string_view name;                // the action key: "wait"
  // Where the kind stands when kinds are listed in messages ("expected one of: wait, exec, ..."): the order they
  // were documented in, which the messages keep.
  int listed_at = 0;
  std::vector<std::string_view> keys;   // the keys of its map, for `celery-chaos kinds`
  std::string_view summary;             // one line, for `celery-chaos kinds`
  bool takes_for = false;               // `for:` applies to it (else "'for' applies only to fault steps")
  // Reads the kind's entry (`wait: {...}`), reporting every problem; nullptr after reporting.
  std::shared_ptr<const KindParams> (*read)(YamlReader& reader, const MapEntry& entry,
                                            const StepContext& context) = nullptr;
};

// A StepSyntax::read from a kind's typed reader `Read` (optional<Params>(reader, entry, services)):
//   .read = step_params_reader<read_wait>,
template <auto Read>
std::shared_ptr<const KindParams> step_params_reader(YamlReader& reader, const MapEntry& entry,
                                                     const StepContext& context) {
  auto params = Read(reader, entry, context.services);
  if (!params) return nullptr;
  return std::make_shared<const typename decltype(params)::value_type>(std::move(*params));
}

// Every step kind, by name.
util::Registry<StepSyntax>& step_syntaxes();
// The kind names in the order messages list them (StepSyntax::listed_at).
std::vector<std::string_view> listed_step_kinds();

}  // namespace harness::scenario
