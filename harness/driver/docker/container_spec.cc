#include "harness/driver/docker/container_spec.h"

#include "harness/driver/docker/engine.h"

namespace harness::driver::docker {

namespace {
// A team's image finds its own interpreter and tools on its PATH (the recipe's PATH starts with shims of the
// stack's interpreter), and its app on its own PYTHONPATH, kept after the recipe's.
void keep_own_image_setup(const std::map<std::string, std::string>& image_environment,
                          std::map<std::string, std::string>& environment) {
  environment.erase("PATH");  // the image's, or Docker's default when it sets none
  const auto image_path = image_environment.find("PYTHONPATH");
  if (image_path == image_environment.end() || image_path->second.empty()) return;
  auto& path = environment["PYTHONPATH"];
  path = path.empty() ? image_path->second : path + ":" + image_path->second;
}
}  // namespace

std::vector<std::string> container_command(const local::Launch& launch) {
  const auto& options = launch.options;
  // Absolute: the container's working directory is not the harness's.
  const std::string log = options.log_file.empty() ? "/dev/null" : std::filesystem::absolute(options.log_file).string();
  // $0 is the log; "$@" the argv. The log is opened by root, before a switch of user, as ChildProcess does.
  std::string script = "exec >>\"$0\" 2>&1; exec";
  if (options.run_as_user) {
    script += " setpriv --reuid=" + *options.run_as_user + " --regid=" + *options.run_as_user + " --init-groups";
  }
  script += " \"$@\"";
  std::vector<std::string> command{"/bin/sh", "-c", script, log};
  command.insert(command.end(), options.argv.begin(), options.argv.end());
  return command;
}

nlohmann::json container_create_body(const local::Launch& launch, const ContainerSettings& settings) {
  std::map<std::string, std::string> environment;
  // As ChildProcess: a child run as another user does not get the run's environment (its TMPDIR is the harness's).
  if (!launch.options.run_as_user) environment = settings.run_environment;
  for (const auto& [key, value] : launch.options.environment) environment[key] = value;
  for (const auto& [key, value] : settings.marks) environment[key] = value;
  if (settings.own_image_environment) keep_own_image_setup(*settings.own_image_environment, environment);
  nlohmann::json env = nlohmann::json::array();
  for (const auto& [key, value] : environment) env.push_back(key + "=" + value);

  nlohmann::json binds = nlohmann::json::array();
  for (const auto& path : settings.binds) {
    const auto p = std::filesystem::absolute(path).string();
    binds.push_back(p + ":" + p);
  }
  for (const auto& path : settings.readonly_binds) {
    const auto p = std::filesystem::absolute(path).string();
    binds.push_back(p + ":" + p + ":ro");
  }

  nlohmann::json body = {
      {"Image", settings.image},
      {"Cmd", container_command(launch)},
      {"Env", env},
      {"Labels",
       {{k_label_run, settings.run_id},
        {k_label_owner, settings.owner},
        {k_label_instance, launch.instance},
        {k_label_kind, launch.kind}}},
      {"HostConfig",
       {{"NetworkMode", "host"},  // only loopback: every service binds 127.0.0.1 on ports the harness allocated
        {"Binds", binds},
        // Docker's own restarts (its doubling delay from 100 ms) when the launch has a policy; 0 retries: no limit.
        {"RestartPolicy", {{"Name", launch.restart_policy.empty() ? "no" : launch.restart_policy}}},
        {"Init", false}}},
  };
  if (settings.keep) body["Labels"][k_label_keep] = "1";
  if (launch.healthcheck) body["Healthcheck"] = container_healthcheck(*launch.healthcheck, settings.api_version);
  if (!launch.options.working_directory.empty() && !settings.own_image_environment)
    body["WorkingDir"] = std::filesystem::absolute(launch.options.working_directory).string();
  return body;
}

namespace {
long long nanoseconds(std::chrono::milliseconds d) { return static_cast<long long>(d.count()) * 1'000'000; }
bool has_start_interval(const std::string& api_version) { return compare_api_versions(api_version, "1.44") >= 0; }
}  // namespace

nlohmann::json container_healthcheck(const EngineHealthCheck& check, const std::string& api_version) {
  nlohmann::json test = nlohmann::json::array({"CMD"});
  for (const auto& arg : check.argv) test.push_back(arg);
  nlohmann::json healthcheck = {{"Test", test},
                                {"Interval", nanoseconds(check.interval)},
                                {"Timeout", nanoseconds(check.timeout)},
                                {"StartPeriod", nanoseconds(check.start_period)},
                                {"Retries", check.retries}};
  if (check.start_interval.count() > 0 && has_start_interval(api_version))
    healthcheck["StartInterval"] = nanoseconds(check.start_interval);
  return healthcheck;
}

std::string healthcheck_limits(const EngineHealthCheck& check, const std::string& api_version) {
  if (check.start_interval.count() == 0 || has_start_interval(api_version)) return {};
  return "start_interval needs Docker API 1.44 (Engine 25); this engine speaks " + api_version +
         ", which probes every interval during the start period";
}

std::string container_name(const std::string& run_id, const std::string& instance, int start_number) {
  std::string name = "cc-" + run_id + "-" + instance + "-" + std::to_string(start_number);
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) c = '-';
  }
  return name;
}

}  // namespace harness::driver::docker
