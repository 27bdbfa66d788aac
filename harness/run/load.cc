#include "harness/run/load.h"

#include <signal.h>

#include <fstream>
#include <sstream>

#include "harness/driver/placeholders.h"

namespace harness::run {

namespace {
namespace fs = std::filesystem;
constexpr auto k_follow_interval = std::chrono::milliseconds{20};
constexpr auto k_stop_grace = std::chrono::milliseconds{3000};
constexpr auto k_stack_dump_wait = std::chrono::milliseconds{2000};
constexpr std::size_t k_listed_ids = 5;

std::string seconds_arg(std::chrono::milliseconds d) {
  std::ostringstream out;
  out << static_cast<double>(d.count()) / 1000.0;
  return out.str();
}

// load.py's command line for a step.
std::vector<std::string> client_argv(const scenario::LoadStep& step, const std::string& python,
                                     const fs::path& fixtures, const fs::path& out) {
  std::vector<std::string> argv{python, (fixtures / "load.py").string(), "--task", step.task, "--out", out.string()};
  if (step.count) argv.insert(argv.end(), {"--count", std::to_string(*step.count)});
  if (step.duration) argv.insert(argv.end(), {"--duration", seconds_arg(*step.duration)});
  if (step.rate > 0) {
    std::ostringstream rate;
    rate << step.rate;
    argv.insert(argv.end(), {"--rate", rate.str()});
  }
  if (!step.args.empty()) argv.insert(argv.end(), {"--args", step.args.dump()});
  if (!step.kwargs.empty()) argv.insert(argv.end(), {"--kwargs", step.kwargs.dump()});
  if (!step.queue.empty()) argv.insert(argv.end(), {"--queue", step.queue});
  const auto& p = step.publish;
  if (p.confirm_publish) argv.insert(argv.end(), {"--confirm-publish", *p.confirm_publish ? "true" : "false"});
  if (p.retry) argv.insert(argv.end(), {"--retry", *p.retry ? "true" : "false"});
  if (!p.retry_policy.empty()) argv.insert(argv.end(), {"--retry-policy", p.retry_policy.dump()});
  if (p.timeout) argv.insert(argv.end(), {"--timeout", seconds_arg(*p.timeout)});
  if (p.delivery_mode) argv.insert(argv.end(), {"--delivery-mode", std::to_string(*p.delivery_mode)});
  if (!p.apply.empty()) argv.insert(argv.end(), {"--apply", p.apply.dump()});
  if (p.eta) argv.insert(argv.end(), {"--eta-in", seconds_arg(*p.eta)});
  return argv;
}
// Every string in `value` with its placeholders expanded (the loader has checked that each is known).
util::Status expand_json(nlohmann::json& value, const driver::PlaceholderTable& placeholders) {
  if (value.is_string()) {
    auto expanded = driver::expand_placeholders(value.get<std::string>(), placeholders);
    if (!expanded) return expanded.error();
    value = *expanded;
  }
  if (value.is_structured())
    for (auto& item : value)
      if (auto st = expand_json(item, placeholders); !st) return st;
  return util::Status::ok();
}

// The step with its task, queue, args and kwargs expanded.
util::Expected<scenario::LoadStep> expand_step(scenario::LoadStep step, const driver::PlaceholderTable& placeholders) {
  for (std::string* field : {&step.task, &step.queue}) {
    auto expanded = driver::expand_placeholders(*field, placeholders);
    if (!expanded) return expanded.error();
    *field = *expanded;
  }
  for (nlohmann::json* field : {&step.args, &step.kwargs})
    if (auto st = expand_json(*field, placeholders); !st) return st;
  return step;
}

// load.begin's data, before the client's identity is known.
nlohmann::json begin_data(const scenario::LoadStep& step, const std::string& command) {
  return {{"load", step.name},
          {"task", step.task},
          {"count", step.count ? nlohmann::json(*step.count) : nullptr},
          {"duration_s", step.duration ? nlohmann::json(step.duration->count() / 1000.0) : nullptr},
          {"rate", step.rate},
          {"service", step.service},
          {"command", command}};
}
}  // namespace

util::Expected<std::unique_ptr<Load>> Load::start(const scenario::LoadStep& written, const stack::Stack& stack,
                                                  history::History& history, const fs::path& report_dir) {
  auto expanded = expand_step(written, stack.placeholders());
  if (!expanded) return expanded.error();
  const scenario::LoadStep& step = *expanded;
  auto instances = stack.instances(step.service);
  if (instances.empty()) return util::Status::invalid("load through unknown service '" + step.service + "'");
  const driver::Service& service = *instances.front();
  const auto placeholders = service.placeholders();
  const auto python = placeholders.find("python");
  const auto fixtures = placeholders.find("fixtures");
  if (python == placeholders.end() || fixtures == placeholders.end())
    return util::Status::invalid("load through service '" + step.service + "', which is not a celery-worker");

  std::error_code ec;
  fs::create_directories(report_dir / "loads", ec);
  // Absolute: the client runs in the worker's working directory.
  const fs::path dir = fs::absolute(report_dir, ec);
  std::unique_ptr<Load> load(new Load(step.name, history, dir / "loads" / (step.name + ".jsonl"),
                                      dir / "logs" / (step.name + ".log")));
  fs::remove(load->m_jsonl, ec);
  std::ofstream(load->m_jsonl).close();  // exists before the follower opens it
  load->m_lines = std::make_unique<LoadFollower>(step.name, history, load->m_jsonl);

  process::SpawnOptions options;
  options.argv = client_argv(step, python->second, fixtures->second, load->m_jsonl);
  options.unset_environment = {"PYTHONHOME"};
  options.log_file = load->m_log;
  std::string command;
  for (const auto& a : options.argv) command += (command.empty() ? "" : " ") + a;
  nlohmann::json begin = begin_data(step, command);
  auto child = service.spawn_client(options, step.name, {load->m_jsonl.parent_path()});
  if (!child) {
    history.record(history::EventType::k_load_begin, {}, begin);
    history.record(history::EventType::k_load_end, {},
                   {{"load", step.name}, {"published", 0}, {"error", child.error().message()}});
    return child.error();
  }
  load->m_child = std::move(child.value());
  begin["client"] = load->m_child->identity();
  history.record(history::EventType::k_load_begin, {}, begin);
  load->m_follower = std::thread([raw = load.get()] {
    // An exception must not escape a thread (std::terminate would leave every service of the run behind).
    try {
      raw->follow();
    } catch (const std::exception& error) {
      {
        std::lock_guard lock(raw->m_mutex);
        raw->m_failure = "load '" + raw->m_name + "': internal error following its output: " + error.what();
      }
      raw->m_history.record(history::EventType::k_load_end, {},
                            {{"load", raw->m_name}, {"error", raw->failure()}});
      raw->m_ended = true;
    }
  });
  return load;
}

Load::~Load() { stop(); }

void Load::stop() {
  if (m_child && !m_ended) {
    m_stopped = true;
    dump_stacks();
    m_child->stop(k_stop_grace);
  }
  if (m_follower.joinable()) m_follower.join();
}

// A client stopped while it still runs may be hung in a publish that never returns: SIGUSR1 has load.py's
// faulthandler write every thread's stack to its log (where it hangs), which is waited for until the log has grown
// (bounded: a client that has not registered the handler yet is ended by the signal).
void Load::dump_stacks() {
  if (!m_child->running()) return;
  std::error_code ec;
  const std::uintmax_t before = fs::exists(m_log, ec) ? fs::file_size(m_log, ec) : 0;
  if (!m_child->signal(SIGUSR1)) return;
  const auto deadline = std::chrono::steady_clock::now() + k_stack_dump_wait;
  while (std::chrono::steady_clock::now() < deadline && m_child->running()) {
    std::error_code size_ec;
    const auto now = fs::file_size(m_log, size_ec);
    if (!size_ec && now > before) break;
    std::this_thread::sleep_for(k_follow_interval);
  }
}

std::vector<std::string> Load::accepted() const { return m_lines->accepted(); }

std::size_t Load::published() const { return m_lines->published(); }

std::string Load::failure() const {
  std::lock_guard lock(m_mutex);
  return m_failure;
}

// Follows the client's JSON lines until it has exited and its file is read to the end.
void Load::follow() {
  while (true) {
    const bool exited = !m_child->running();
    m_lines->consume();
    if (exited) break;
    std::this_thread::sleep_for(k_follow_interval);
  }
  m_lines->consume();
  auto failure = m_lines->finish(m_child->exit_status(), m_stopped, m_log);
  {
    std::lock_guard lock(m_mutex);
    m_failure = std::move(failure);
  }
  m_ended = true;
}

util::Status Loads::start(const scenario::LoadStep& step, const stack::Stack& stack, history::History& history,
                          const fs::path& report_dir) {
  auto load = Load::start(step, stack, history, report_dir);
  if (!load) return load.error();
  m_loads.push_back(std::move(load.value()));
  return util::Status::ok();
}

bool Loads::all_ended() const {
  for (const auto& load : m_loads)
    if (!load->ended()) return false;
  return true;
}

void Loads::stop_all() {
  for (auto& load : m_loads) load->stop();
}

std::string Loads::wait_drained(Ledger& ledger, std::chrono::milliseconds timeout, const stack::RunControl& control) const {
  if (m_loads.empty()) return "no load has started: nothing to drain";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string why;
  while (true) {
    std::vector<std::string> missing;
    std::size_t accepted = 0;
    std::size_t published = 0;
    const bool ended = all_ended();
    if (auto st = ledger.poll(); !st) return st.message();
    for (const auto& load : m_loads) {
      if (auto failure = load->failure(); !failure.empty()) return failure;
      published += load->published();
      for (const auto& id : load->accepted()) {
        ++accepted;
        if (!ledger.executed(id)) missing.push_back(id);
      }
    }
    if (ended && accepted == 0) {
      return "every load ended without an accepted publish (" + std::to_string(published) +
             " published, none confirmed or sent): nothing to drain";
    }
    if (ended && missing.empty()) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      if (!ended) {
        std::string running;
        for (const auto& load : m_loads)
          if (!load->ended()) running += (running.empty() ? "" : ", ") + load->name();
        return "loads still publishing after " + seconds_arg(timeout) + " s: " + running;
      }
      why = std::to_string(missing.size()) + " of " + std::to_string(accepted) +
            " accepted tasks not executed after " + seconds_arg(timeout) + " s (first:";
      for (std::size_t i = 0; i < missing.size() && i < k_listed_ids; ++i) why += " " + missing[i];
      return why + ")";
    }
    if (!control.sleep_for(std::chrono::milliseconds{100})) return control.stop_reason();
  }
}

}  // namespace harness::run
