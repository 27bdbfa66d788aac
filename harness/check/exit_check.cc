#include "harness/check/exit_check.h"

#include <fstream>
#include <iterator>
#include <set>

#include "harness/check/check_kind.h"
#include "harness/check/instance_events.h"
#include "harness/check/log_check.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"

namespace harness::check {

namespace {
bool contains_text(const std::filesystem::path& file, const std::string& text) {
  std::ifstream in(file, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.find(text) != std::string::npos;
}
}  // namespace

Verdict judge_exit(const ExitParams& spec, const std::string& name, const std::string& classname,
                   const std::vector<history::Event>& history, const std::filesystem::path& logs_dir) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  if (auto why = never_started(history, spec.service); !why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }
  // Exits the harness caused do not count: an instance a kill fault signalled, or one the orchestrator killed to
  // replace it (service.killed), until it starts again.
  std::vector<const history::Event*> exits;
  std::set<std::string> harness_killed;
  std::string caused;
  for (const auto& e : history) {
    // A kill fault lists the instances it signalled by name (`target: children` lists {instance, pids}: the
    // instance itself lives on).
    if (history::is(e, history::EventType::k_fault_start) && e.data.value("kind", std::string{}) == "kill") {
      for (const auto& instance : e.data.value("instances", nlohmann::json::array()))
        if (instance.is_string() && instance_of(instance.get<std::string>(), spec.service))
          harness_killed.insert(instance.get<std::string>());
    }
    if (!instance_of(e.service, spec.service)) continue;
    if (history::is(e, history::EventType::k_service_killed)) harness_killed.insert(e.service);
    if (history::is(e, history::EventType::k_service_started) ||
        history::is(e, history::EventType::k_service_restarted))
      harness_killed.erase(e.service);
    if (!history::is(e, history::EventType::k_service_exited)) continue;
    if (harness_killed.erase(e.service)) {
      caused += (caused.empty() ? "" : ", ") + e.service + " at " + tenths(e.t);
      continue;
    }
    exits.push_back(&e);
  }
  if (!caused.empty()) v.details = "exits the harness caused (not counted): " + caused + "\n";
  bool log_ok = true;
  if (spec.log) {
    log_ok = false;
    for (const auto& file : service_logs(logs_dir, spec.service)) log_ok |= contains_text(file, *spec.log);
  }
  std::string seen;
  for (const auto* e : exits) {
    seen += (seen.empty() ? "" : ", ") + e->service + " " + e->data.value("describe", std::string{}) + " at " +
            tenths(e->t);
    const bool code_ok = !spec.code || (e->data.value("signal", 0) == 0 && e->data.value("code", -1) == *spec.code);
    if (code_ok && log_ok) {
      v.outcome = Outcome::k_passed;
      v.message = e->service + " " + e->data.value("describe", std::string{}) + " at " + tenths(e->t) +
                  (spec.log ? " and its log has '" + *spec.log + "'" : "");
      return v;
    }
  }
  v.outcome = Outcome::k_failed;
  std::string expected = "expected '" + spec.service + "' to exit";
  if (spec.code) expected += " with exit code " + std::to_string(*spec.code);
  if (spec.log) expected += " with '" + *spec.log + "' in its log";
  v.message = expected + "; " + (exits.empty() ? "it did not exit" : "exits seen: " + seen) +
              (spec.log && !log_ok ? " (the log does not contain it)" : "");
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_exit_keys{"service", "code", "log"};

std::optional<ExitParams> read_exit(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "exit check";
  auto map = read_map(reader, entry, "'exit' must be a map with 'service' and optionally 'code' and 'log'",
                      k_exit_keys, context);
  if (!map) return std::nullopt;
  ExitParams exit;
  bool ok = true;
  read_check_service(reader, *map, services, context, exit.service, ok);
  if (const MapEntry* e = map->find("code")) assign_or_fail(read_int(reader, *e, 0, 255), exit.code, ok);
  if (const MapEntry* e = map->find("log")) assign_or_fail(read_nonempty_string(reader, *e), exit.log, ok);
  if (!ok) return std::nullopt;
  return exit;
}

std::string exit_name(const KindParams& params) {
  const auto& exit = params_as<ExitParams>(params);
  std::string name = "exit " + exit.service;
  if (exit.code) name += " code " + std::to_string(*exit.code);
  if (exit.log) name += " log " + quote(truncate(*exit.log));
  return name;
}

const bool k_exit_registered = add_kind({
    .name = "exit",
    .listed_at = 4,
    .keys = k_exit_keys,
    .summary = "an instance of a service exited by itself, optionally with a code and a text in its log",
    .read = params_reader<read_exit>,
    .generated_name = exit_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_exit(params_of<ExitParams>(check), check.name, classname, context.history.events(),
                        context.logs_dir);
    },
});
}  // namespace

}  // namespace harness::check
