#pragma once
// Check kinds as registered units. A check kind is one file in check/ (plus its test): its keys, its reader
// (YAML -> its own params struct, deriving scenario::KindParams, declared in its header) and its judge, registered
// by name from that file:
//
//   const bool k_registered = add_kind({.name = "log", .keys = {...}, .summary = "...", .read = read_log,
//                                       .generated_name = log_name},
//                                      {.judge = judge_log_check});
//
// add_kind fills both tables at once: scenario::check_syntaxes() (what the scenario reader knows: keys, summary,
// reader, generated name) and registry() (how a check is judged). The runner judges every check with one call, judge(check, context).
//
// A judge is pure over the History where it can be (a function of the events and the run's files, so a finished
// run can be re-judged), or live (it reads the services now: `queue` polls the management API, `exec` runs a
// command); `live` says which.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/history.h"
#include "harness/scenario/check_syntax.h"
#include "harness/stack/stack.h"
#include "harness/util/registry.h"
#include "harness/util/status.h"

namespace harness::check {

// What a judge may look at. The runner fills it once per run; tests fill only what the kind under test reads.
struct JudgeContext {
  std::string scenario;                  // the scenario's name: verdicts' classname is "<scenario>.<kind>"
  history::History& history;             // the events so far; live checks record their readings in it
  std::filesystem::path run_dir = {};    // the scenario's report folder: history.jsonl, ledger.jsonl, reports
  std::filesystem::path logs_dir = {};   // the services' logs
  // Live checks only (nullptr / empty in tests of pure judges):
  const stack::Stack* stack = nullptr;   // the running services, their placeholders
  // Runs a scenario command as an `exec` step does (placeholders expanded, in `service`'s environment when
  // named), recording and returning its `exec.result` event; a Status when it could not be expanded.
  std::function<util::Expected<history::Event>(const std::string& id, const std::string& command,
                                               const std::string& service, std::chrono::milliseconds timeout)>
      exec = {};
  // Sleeps up to `duration`; false when the run must stop (Ctrl-C, its timeout) before.
  std::function<bool(std::chrono::milliseconds duration)> sleep_for = {};

  // A report file of the run for a check of `stem`, numbered per run: "delivery.json", then "delivery-2.json".
  std::filesystem::path next_report(const std::string& stem, const std::string& extension = ".json");
  std::map<std::string, int> reports = {};  // next_report's count per stem
};

// How a check kind is judged. Its syntax (keys, summary, reader, generated name) is scenario::CheckSyntax, in
// scenario::check_syntaxes(): add_kind fills both tables, so neither copies the other.
struct CheckKind {
  std::string_view name = {};            // set by add_kind from the syntax's
  // The verdict; `classname` is the verdict's (the runner sets name, classname and duration anyway).
  Verdict (*judge)(const scenario::Check& check, const std::string& classname, JudgeContext& context) = nullptr;
  bool live = false;                     // reads the services at judge time (else only the History and files)
  // Kinds judged from `broker.sample` events: the rabbitmq service whose samples the check needs (the runner
  // samples it while the steps run). nullptr for the others.
  std::string (*sampled_broker)(const scenario::KindParams& params) = nullptr;
};

// Every check kind, by name.
util::Registry<CheckKind>& registry();

// Registers `syntax` in scenario::check_syntaxes() and `judging` (named after it) in registry(); true (for the
// registrar).
bool add_kind(scenario::CheckSyntax syntax, CheckKind judging);

// Judges `check` through its kind: the verdict named after the check, classname "<scenario>.<kind>", with how
// long judging took.
Verdict judge(const scenario::Check& check, JudgeContext& context);

}  // namespace harness::check

namespace harness::check {

// A reader's result as the model holds it: nullptr when reading failed.
template <class Params>
std::shared_ptr<const scenario::KindParams> as_params(std::optional<Params> params) {
  if (!params) return nullptr;
  return std::make_shared<const Params>(std::move(*params));
}

// A CheckSyntax::read from a kind's typed reader `Read` (optional<Params>(reader, entry, services)):
//   .read = params_reader<read_exit>,
template <auto Read>
std::shared_ptr<const scenario::KindParams> params_reader(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                                          const std::vector<scenario::Service>* services) {
  return as_params(Read(reader, entry, services));
}

// A kind's own params from the base a CheckSyntax::generated_name or CheckKind::sampled_broker gets.
template <class Params>
const Params& params_as(const scenario::KindParams& params) {
  return dynamic_cast<const Params&>(params);
}

}  // namespace harness::check
