#include "harness/run/boot.h"

#include <ostream>

#include "harness/driver/local/local_driver.h"
#include "harness/report/console_text.h"
#include "harness/scenario/service_reader.h"
#include "harness/util/time_format.h"

namespace harness::run {

namespace {
// What an engine that orchestrates (the swarm driver) is handed for an instance: its `deploy:` keys (Swarm's
// RestartPolicy and UpdateConfig, verbatim), else the restart policy as Swarm's condition (on-failure: on-failure;
// always, unless-stopped, and restart_on_unhealthy whatever the policy: any, since Swarm stops an unhealthy task
// with SIGTERM and a worker's clean shutdown then ends it "complete", which on-failure would not restart) with
// Swarm's own delay. Empty when the orchestrator has nothing to do for it.
std::optional<driver::EngineOrchestration> orchestration_of(const scenario::Service& spec) {
  if (!scenario::is_orchestrated(spec)) return std::nullopt;
  driver::EngineOrchestration orchestration;
  orchestration.condition = spec.restart == "on-failure" && !spec.restart_on_unhealthy ? "on-failure" : "any";
  if (spec.deploy && spec.deploy->restart_policy) {
    const auto& policy = *spec.deploy->restart_policy;
    orchestration.condition = policy.condition;
    orchestration.delay = policy.delay;
    orchestration.max_attempts = policy.max_attempts;
    orchestration.window = policy.window;
  }
  if (spec.deploy && spec.deploy->update_config) {
    const auto& update = *spec.deploy->update_config;
    orchestration.update_order = update.order;
    orchestration.update_parallelism = update.parallelism;
    orchestration.update_delay = update.delay;
    orchestration.update_failure_action = update.failure_action;
    orchestration.update_monitor = update.monitor;
  }
  return orchestration;
}

// The orchestrator's rules for each instance, from its scenario service.
std::map<std::string, stack::InstancePolicy> instance_policies(const scenario::Scenario& scenario,
                                                              const stack::Stack& stack) {
  std::map<std::string, stack::InstancePolicy> policies;
  for (const auto& service : stack.services()) {
    const auto* spec = scenario.find_service(service->scenario_service());
    if (spec == nullptr) continue;
    stack::InstancePolicy policy;
    policy.restart = spec->restart;
    policy.restart_on_unhealthy = spec->restart_on_unhealthy;
    policy.healthcheck = spec->healthcheck;
    policy.backoff = health::Backoff::named(spec->backoff).value_or(health::Backoff::docker());
    // `backoff_scale` compresses minutes into seconds (the loader keeps it in (0, 1]; the history records the
    // delays really used).
    if (spec->backoff_scale != 1.0) policy.backoff = health::scaled(policy.backoff, spec->backoff_scale);
    policy.docker_backoff = spec->backoff == "docker" && spec->backoff_scale == 1.0;
    policy.orchestration = orchestration_of(*spec);
    policies[service->name()] = policy;
  }
  return policies;
}
}  // namespace

util::Expected<CreatedServices> create_services(driver::Driver& driver, const driver::RunPaths& paths,
                                                Prestart* prestart, RunContext& ctx) {
  if (prestart == nullptr) {
    auto services = driver.create_services(ctx.scenario, paths);
    if (!services) return services.error();
    return CreatedServices{std::move(services.value()), {}};
  }
  Prestart::Handover handover = prestart->take();
  for (auto& note : handover.notes) {
    const std::string name = note.value("service", std::string{});
    note.erase("service");
    ctx.history.record(history::EventType::k_service_prestarted, name, std::move(note));
  }
  return CreatedServices{std::move(handover.services), std::move(handover.running)};
}

void configure_stack(stack::Stack& stack, const driver::RunPaths& paths, std::set<const driver::Service*> running,
                     const RunContext& ctx) {
  stack.set_console(&ctx.out);
  // As in services' URLs and environment (the driver's table): commands and probes can use them too.
  stack.add_placeholders(driver::local::run_placeholders(paths));
  stack.set_policies(instance_policies(ctx.scenario, stack));
  if (!running.empty()) stack.adopt_running(std::move(running));
}

bool boot(stack::Stack& stack, RunContext& ctx, PhaseState& state) {
  ctx.out << "  booting " << stack.services().size() << " service(s)...\n" << std::flush;
  const auto boot_started = std::chrono::steady_clock::now();
  auto booted = stack.start_all(std::min<std::chrono::milliseconds>(ctx.options.boot_timeout, ctx.scenario.timeout));
  if (!booted && ctx.control.should_stop()) {
    state.stopped_at = "while booting";
    state.stop_evidence = booted.message();  // the services still waiting, their conditions and log tails
    return false;
  }
  if (!booted) {
    state.error = booted.message();
    state.skip_reason = "not judged: a service did not start";
    ctx.out << "  ERROR " << report::terminal_text(state.error) << "\n";
    return false;
  }
  ctx.out << "  all ready in " << util::human_duration(std::chrono::steady_clock::now() - boot_started) << "\n"
          << std::flush;
  ctx.history.record(history::EventType::k_stack_ready, {}, {{"after_s", ctx.control.elapsed().count() / 1000.0}});
  if (ctx.options.on_ready) ctx.options.on_ready();
  return true;
}

}  // namespace harness::run
