#include "harness/driver/docker/swarm_membership.h"

#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/docker_sweep.h"
#include "harness/driver/docker/swarm_spec.h"
#include "harness/process/owner.h"

namespace harness::driver::docker {
namespace {
constexpr const char* k_gwbridge = "docker_gwbridge";

struct SwarmState {
  std::string local_state;  // inactive | pending | active | error | locked
  bool manager = false;
  std::string error;
};

SwarmState swarm_state(const Engine& engine) {
  auto info = engine.call("GET", "/info");
  if (!info || !info->body.is_object() || !info->body["Swarm"].is_object()) return {"", false, ""};
  const auto& swarm = info->body["Swarm"];
  return {swarm.value("LocalNodeState", ""), swarm.value("ControlAvailable", false), swarm.value("Error", "")};
}

// The labels a swarm was initialised with (empty: not by a harness, or not readable: not a manager).
nlohmann::json swarm_labels(const Engine& engine) {
  auto swarm = engine.call("GET", "/swarm");
  if (!swarm || swarm->status != 200 || !swarm->body.is_object()) return nlohmann::json::object();
  const auto& labels = swarm->body["Spec"]["Labels"];
  return labels.is_object() ? labels : nlohmann::json::object();
}

bool network_exists(const Engine& engine, const std::string& name) {
  auto reply = engine.call("GET", "/networks/" + name);
  return reply && reply->status == 200;
}

void leave(const Engine& engine, bool remove_gwbridge) {
  (void)engine.call("POST", "/swarm/leave?force=1", nullptr, std::chrono::seconds{60});
  if (remove_gwbridge) (void)engine.call("DELETE", std::string("/networks/") + k_gwbridge);
}

// `made_gwbridge`: Docker makes docker_gwbridge for this swarm (labelled, so that a later run that leaves the swarm
// of a dead harness removes it too).
util::Status init(const Engine& engine, bool made_gwbridge) {
  nlohmann::json labels = {{k_label_swarm_owner, process::OwnerMark::owner()}};
  if (made_gwbridge) labels[k_label_swarm_gwbridge] = "1";
  const nlohmann::json body = {
      {"ListenAddr", "127.0.0.1:2377"}, {"AdvertiseAddr", "127.0.0.1"}, {"Spec", {{"Labels", labels}}}};
  auto reply = engine.expect_ok("POST", "/swarm/init", body, std::chrono::seconds{60});
  if (!reply) return util::Status::infrastructure("cannot initialise a swarm on the engine: " + reply.error().message());
  return {};
}

// A swarm on the engine already that a dead harness initialised: left, with its services and docker_gwbridge when it
// made that. True when it did; any other swarm is the user's.
bool leave_dead_harness_swarm(const Engine& engine) {
  const auto labels = swarm_labels(engine);
  const std::string owner = labels.value(k_label_swarm_owner, "");
  if (owner.empty() || process::judge_owner(owner, process::this_place(), process::read_proc_stat).state !=
                           process::OwnerState::k_dead)
    return false;
  (void)remove_orphan_services(engine);
  leave(engine, labels.value(k_label_swarm_gwbridge, "") == "1");
  return true;
}
}  // namespace

util::Expected<std::unique_ptr<SwarmMembership>> SwarmMembership::join(const Engine& engine, bool existing) {
  SwarmState state = swarm_state(engine);
  if (state.local_state == "active" && !existing && leave_dead_harness_swarm(engine)) state = swarm_state(engine);
  if (existing) {
    if (state.local_state != "active" || !state.manager)
      return util::Status::infrastructure(
          "--swarm existing: the engine at " + engine.socket().string() + " is not a manager of an active swarm (" +
          (state.local_state.empty() ? std::string("no answer") : "its node is " + state.local_state) +
          "); run without --swarm existing and the harness makes a swarm of its own");
    return std::unique_ptr<SwarmMembership>(new SwarmMembership(engine, false, false));
  }
  if (state.local_state != "inactive")
    return util::Status::infrastructure(
        "the engine at " + engine.socket().string() + " is already part of a swarm (its node is " +
        state.local_state + "): the harness runs in a swarm it did not make only with --swarm existing, and then "
        "touches only the services labelled with its run (or `docker swarm leave --force` first)");
  const bool made_gwbridge = !network_exists(engine, k_gwbridge);
  if (auto st = init(engine, made_gwbridge); !st) return st;
  return std::unique_ptr<SwarmMembership>(new SwarmMembership(engine, true, made_gwbridge));
}

SwarmMembership::~SwarmMembership() {
  if (!m_own) return;
  leave(m_engine, m_made_gwbridge);
}

std::vector<std::string> remove_services(const Engine& engine, const std::map<std::string, std::string>& labels) {
  std::vector<std::string> removed;
  auto listed = engine.call("GET", "/services?filters=" + label_filter(labels));
  if (!listed || !listed->body.is_array()) return removed;
  for (const auto& service : listed->body) {
    const std::string id = service.value("ID", "");
    if (id.empty()) continue;
    (void)engine.call("DELETE", "/services/" + id);
    (void)remove_containers(engine, {{"com.docker.swarm.service.id", id}});
    removed.push_back(id);
  }
  return removed;
}

std::vector<std::string> remove_orphan_services(const Engine& engine) {
  std::vector<std::string> removed;
  if (swarm_state(engine).local_state != "active") return removed;
  auto listed = engine.call("GET", "/services?filters=" + label_filter({{k_label_owner, ""}}));
  if (!listed || !listed->body.is_array()) return removed;
  const auto here = process::this_place();
  for (const auto& service : listed->body) {
    const std::string id = service.value("ID", "");
    const auto& labels = service["Spec"]["Labels"];
    const std::string owner = labels.is_object() ? labels.value(k_label_owner, "") : "";
    if (id.empty() || owner.empty()) continue;
    if (process::judge_owner(owner, here, process::read_proc_stat).state != process::OwnerState::k_dead) continue;
    for (const auto& gone : remove_services(engine, {{k_label_owner, owner}})) removed.push_back(gone);
  }
  return removed;
}

}  // namespace harness::driver::docker
