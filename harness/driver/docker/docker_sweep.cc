#include "harness/driver/docker/docker_sweep.h"

#include <nlohmann/json.hpp>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/process/owner.h"

namespace harness::driver::docker {
namespace {

struct Listed {
  std::string id;
  std::map<std::string, std::string> labels;
};

std::vector<Listed> list_containers(const Engine& engine, const std::map<std::string, std::string>& labels) {
  std::vector<Listed> out;
  auto reply = engine.call("GET", "/containers/json?all=1&filters=" + label_filter(labels));
  if (!reply || !reply->body.is_array()) return out;
  for (const auto& c : reply->body) {
    Listed listed{c.value("Id", ""), {}};
    if (c.contains("Labels") && c["Labels"].is_object())
      for (const auto& [k, v] : c["Labels"].items())
        if (v.is_string()) listed.labels[k] = v.get<std::string>();
    if (!listed.id.empty()) out.push_back(std::move(listed));
  }
  return out;
}

bool remove(const Engine& engine, const std::string& id) {
  auto reply = engine.call("DELETE", "/containers/" + id + "?force=1&v=1");
  return reply && (reply->status / 100 == 2 || reply->status == 404);
}

// Docker does not restart a container a stop ended; the policy goes first anyway, as ContainerRuntime does.
bool stop(const Engine& engine, const std::string& id) {
  (void)engine.call("POST", "/containers/" + id + "/update", {{"RestartPolicy", {{"Name", "no"}}}});
  auto reply = engine.call("POST", "/containers/" + id + "/stop?t=0");
  return reply && (reply->status / 100 == 2 || reply->status == 304);
}

}  // namespace

std::string label_filter(const std::map<std::string, std::string>& labels) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [k, v] : labels) list.push_back(v.empty() ? k : k + "=" + v);
  return datastore::url_encode(nlohmann::json{{"label", list}}.dump());
}

std::vector<std::string> remove_containers(const Engine& engine, const std::map<std::string, std::string>& labels) {
  std::vector<std::string> removed;
  for (const auto& c : list_containers(engine, labels))
    if (remove(engine, c.id)) removed.push_back(c.id);
  return removed;
}

std::vector<std::string> stop_containers(const Engine& engine, const std::map<std::string, std::string>& labels) {
  std::vector<std::string> stopped;
  for (const auto& c : list_containers(engine, labels))
    if (stop(engine, c.id)) stopped.push_back(c.id);
  return stopped;
}

std::vector<std::string> remove_orphans(const Engine& engine) {
  std::vector<std::string> removed;
  const auto here = process::this_place();
  for (const auto& c : list_containers(engine, {{k_label_owner, ""}})) {
    const auto owner = c.labels.find(k_label_owner);
    if (owner == c.labels.end() || c.labels.contains(k_label_keep)) continue;
    const auto verdict = process::judge_owner(owner->second, here, process::read_proc_stat);
    if (verdict.state == process::OwnerState::k_dead && remove(engine, c.id)) removed.push_back(c.id);
  }
  return removed;
}

}  // namespace harness::driver::docker
