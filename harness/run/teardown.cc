#include "harness/run/teardown.h"

#include <map>

#include "harness/process/owner.h"
#include "harness/util/log_tail.h"

namespace harness::run {

namespace {
constexpr std::size_t k_report_log_lines = 40;
}

void record_services(const stack::Stack& stack, report::ScenarioReport& report) {
  std::map<std::string, std::string> versions;
  for (const auto& s : stack.services()) {
    const std::string kind = s->kind() == "celery-worker" ? "celery" : s->kind();
    if (!s->version().empty()) versions.emplace("version." + kind, s->version());
  }
  for (const auto& [k, v] : versions) report.properties.emplace_back(k, v);
  for (const auto& s : stack.services()) {
    report.logs.push_back({s->name(), s->log_path(), util::tail_file(s->log_path(), k_report_log_lines)});
  }
}

void release_run(driver::Driver& driver, const driver::RunPaths& paths, bool keep, history::History& history) {
  // Anything of this run that escaped its process group (epmd, erl_child_setup) goes too.
  const auto swept = driver.kill_leftovers(paths.run_id);
  history.record(history::EventType::k_run_cleanup, {}, {{"swept_pids", swept}});
  if (!keep) {
    std::error_code ec;
    std::filesystem::remove_all(paths.work_dir, ec);
  } else {
    process::remove_owner_record(paths.work_dir);  // kept on purpose: no sweep removes it
  }
}

}  // namespace harness::run
