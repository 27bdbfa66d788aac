#include "harness/cli/cli.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <functional>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/kinds.h"
#include "harness/cli/stacks.h"
#include "harness/cli/selection.h"

namespace harness::cli {

namespace {
struct Subcommand {
  const char* name;
  const char* description;
  std::function<int(const std::vector<std::string>&, const GlobalOptions&)> body;
  bool takes_scenarios = true;
  const char* operands = "SCENARIO";  // the name and help of its positional arguments, when it takes some
  const char* operands_help = "Scenario files or folders of them";
};

const Subcommand k_subcommands[] = {
    {"run", "Run scenarios (files or folders) against real services and write reports/<run-id>/",
     [](const auto& s, const auto& o) { return run_command(s, o); }},
    {"validate", "Check scenario files without starting anything; print every problem with file:line:column",
     [](const auto& s, const auto&) { return validate_command(s); }},
    {"list", "List the scenarios in files or folders: name, tags, services, description",
     [](const auto& s, const auto& o) { return list_command(s, o); }},
    {"kinds", "List the check and service kinds a scenario can use, with their keys",
     [](const auto&, const auto&) { return kinds_command(std::cout); }, false},
    {"stacks", "List the stacks a run can use (the host, and each image stack in the Docker engine) with the "
               "versions each holds, read from the machine or the image",
     [](const auto&, const auto&) { return stacks_command(std::cout); }, false},
    {"merge", "Merge the JUnit files of a suite's shards (--shard) into one, totals summed: merge OUT.xml IN.xml...",
     [](const auto& files, const auto&) { return merge_command(files); }, true, "FILES",
     "OUT.xml, then the shards' JUnit files"},
    {"report", "Judge a finished run again from its files with the scenario files as they are now (pure checks: "
               "delivery, health, restarts, exit, connections, log) and write its JUnit, summary and HTML again",
     [](const auto& dirs, const auto&) { return report_command(dirs); }, true, "RUN_DIR",
     "The run's folder: reports/<run-id> (or reports/latest)"},
};
}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app{"celery-chaos: a chaos and regression test harness for Celery deployments.\n"
               "Exit codes: 0 passed, 1 a check failed, 2 invalid input or usage, 3 infrastructure error, "
               "130 interrupted."};
  app.name("celery-chaos");
  app.require_subcommand(1);
  GlobalOptions options;
  std::vector<std::string> scenarios;
  app.add_option("--report-dir", options.report_dir, "Where reports go (default: reports/)")->capture_default_str();
  app.add_flag("--keep", options.keep,
               "Keep the services' data dirs after the run, for debugging (under the docker driver also the run's "
               "containers, stopped and labelled celery-chaos.keep)");
  app.add_flag("-v,--verbose", options.verbose, "Print every event of the run as it happens");
  app.add_option("--repeat", options.repeat,
                 "Run each scenario N times, with fresh services each time; a check that passes in some repeats and "
                 "fails in others is reported flaky, with its pass rate")
      ->check(CLI::Range(1, 1000));
  app.add_flag("-q,--quiet", options.quiet, "One line per scenario (its result and duration), then the totals");
  app.add_flag("!--no-prestart", options.prestart,
               "Boot each scenario's RabbitMQ only when the scenario starts (by default the next scenario's broker "
               "boots, at the lowest CPU priority, while the current one runs)");
  app.add_option("--seed", options.seed,
                 "Seed the harness's randomness with N in every scenario, instead of the scenario's `seed:` "
                 "(replays a run: its seed is in the JUnit properties and summary.json)");
  add_selection_options(app, options.selection);
  app.add_option("--driver", options.driver,
                 "Where the services run: local (processes from the machine's packages, the default), docker "
                 "(containers on the host network; DOCKER_HOST or /var/run/docker.sock) or swarm (as docker, but "
                 "every instance with a restart policy, restart_on_unhealthy or deploy: is a Docker Swarm service: "
                 "Swarm restarts and replaces it)")
      ->check(CLI::IsMember({"local", "docker", "swarm"}));
  app.add_option("--swarm", options.swarm,
                 "The swarm driver's swarm: own (the default: the harness initialises a single-node swarm on "
                 "127.0.0.1 and leaves it at the end; an engine already in a swarm is refused) or existing (the "
                 "engine's swarm, as a manager: only the services labelled with the run are created and removed)")
      ->check(CLI::IsMember({"own", "existing"}))
      ->capture_default_str();
  app.add_option("--image", options.image,
                 "The image the docker driver runs every service in (default celery-chaos/services:bookworm, built "
                 "by scripts/images)");
  app.add_option("--pull", options.pull,
                 "Which images absent from the engine the docker driver pulls: loopback (the default: only from a "
                 "registry on this machine, 127.0.0.1:PORT/... or localhost:PORT/...), any (from the registry the "
                 "image names, Docker Hub by default), never")
      ->check(CLI::IsMember({"loopback", "any", "never"}))
      ->capture_default_str();
  app.add_option("--stack", options.stacks,
                 "Run every scenario on this stack; repeat it for a matrix run (each scenario on each stack, one "
                 "testsuite per scenario and stack, verdicts.md comparing them): host (the local driver), an image "
                 "stack's release (bookworm, trixie: `stacks` lists them) or a stack file (NAME.yaml naming a team's "
                 "images; README, \"Stacks\")")
      ->take_all()
      ->allow_extra_args(false);
  const Subcommand* chosen = nullptr;
  for (const auto& sub : k_subcommands) {
    auto* cmd = app.add_subcommand(sub.name, sub.description);
    cmd->fallthrough();
    if (sub.takes_scenarios)
      cmd->add_option(sub.operands, scenarios, sub.operands_help)->required();
    cmd->callback([&chosen, &sub] { chosen = &sub; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? k_exit_passed : k_exit_usage;
  }
  try {
    return chosen->body(scenarios, options);
  } catch (const std::exception& e) {
    std::cerr << "celery-chaos: internal error: " << e.what() << "\n";
    return k_exit_infrastructure;
  }
}

}  // namespace harness::cli
