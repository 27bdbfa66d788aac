#include "harness/driver/docker/image_pull.h"

#include <cstdio>

#include "harness/datastore/http_client.h"
#include "harness/driver/docker/own_image.h"

namespace harness::driver::docker {
namespace {
constexpr auto k_pull_timeout = std::chrono::minutes{15};  // a large image over a slow link, and never a hang

std::string strip_port(const std::string& host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);  // "[::1]:5000"
  return host.substr(0, host.find(':'));
}

std::string policy_reason(PullPolicy policy, const ImageReference& reference) {
  if (policy == PullPolicy::k_never) return "not pulled (--pull never)";
  return "not pulled: its registry " + reference.registry +
         " is not on this machine, and the harness pulls only from a registry on 127.0.0.1 or localhost unless run "
         "with --pull any";
}
}  // namespace

std::optional<PullPolicy> parse_pull_policy(std::string_view text) {
  if (text == "never") return PullPolicy::k_never;
  if (text == "loopback") return PullPolicy::k_loopback;
  if (text == "any") return PullPolicy::k_any;
  return std::nullopt;
}

ImageReference parse_image_reference(const std::string& image) {
  ImageReference reference;
  std::string rest = image;
  if (const auto at = rest.find('@'); at != std::string::npos) {
    reference.tag = rest.substr(at + 1);
    rest.resize(at);
  } else if (const auto colon = rest.rfind(':');
             colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    reference.tag = rest.substr(colon + 1);  // a ':' after the last '/' is a tag's, not a registry's port
    rest.resize(colon);
  }
  if (reference.tag.empty()) reference.tag = "latest";
  reference.name = rest;
  const auto slash = rest.find('/');
  const std::string first = slash == std::string::npos ? "" : rest.substr(0, slash);
  const bool names_registry =
      !first.empty() && (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
                         first == "localhost" || first.front() == '[');
  reference.registry = names_registry ? first : "docker.io";
  return reference;
}

bool registry_on_loopback(const std::string& registry) {
  const std::string host = strip_port(registry);
  if (host == "localhost" || host == "[::1]") return true;
  int parts[4];
  char end = 0;
  if (std::sscanf(host.c_str(), "%d.%d.%d.%d%c", &parts[0], &parts[1], &parts[2], &parts[3], &end) != 4) return false;
  for (int p : parts)
    if (p < 0 || p > 255) return false;
  return parts[0] == 127;
}

bool pull_allowed(PullPolicy policy, const ImageReference& reference) {
  switch (policy) {
    case PullPolicy::k_never: return false;
    case PullPolicy::k_loopback: return registry_on_loopback(reference.registry);
    case PullPolicy::k_any: return true;
  }
  return false;
}

void PullProgress::feed(std::string_view chunk) {
  m_lines.append(chunk, [this](std::string_view line) { message(line); });
}

void PullProgress::finish() {
  if (const std::string rest = m_lines.take_rest(); !rest.empty()) message(rest);
}

void PullProgress::message(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return;
  const auto json = nlohmann::json::parse(line, nullptr, false);
  if (!json.is_object()) return;
  if (json.contains("error")) {
    m_error = json["error"].is_string() ? json["error"].get<std::string>() : json["error"].dump();
    m_out << "pull " << m_image << ": error: " << m_error << "\n";
    return;
  }
  const std::string status = json.value("status", "");
  const std::string id = json.value("id", "");
  if (status.empty()) return;
  const bool layer = !id.empty() && json.contains("progressDetail");
  if (layer) {
    auto& last = m_layers[id];
    if (last == status) return;  // "Downloading" again, with more bytes
    last = status;
  }
  m_out << "pull " << m_image << ": " << (id.empty() ? "" : id + ": ") << status << "\n";
  m_out.flush();
}

util::Expected<nlohmann::json> present_or_pulled(const Engine& engine, const std::string& image, PullPolicy policy,
                                                 std::ostream& progress, const std::string& what,
                                                 const std::string& how) {
  auto inspected = inspect_image(engine, image);
  if (!inspected) return inspected.error();
  if (*inspected) return std::move(**inspected);
  const std::string absent = what + " is not present in the engine at unix://" + engine.socket().string();
  const ImageReference reference = parse_image_reference(image);
  if (!pull_allowed(policy, reference))
    return util::Status::infrastructure(absent + " and was " + policy_reason(policy, reference) + ": " + how);

  PullProgress decoder(image, progress);
  progress << "pull " << image << ": from " << reference.registry << "\n";
  auto reply = engine.stream("POST",
                             "/images/create?fromImage=" + datastore::url_encode(reference.name) +
                                 "&tag=" + datastore::url_encode(reference.tag),
                             [&decoder](std::string_view chunk) { decoder.feed(chunk); }, k_pull_timeout);
  decoder.finish();
  std::string failure;
  if (!reply) {
    failure = reply.error().message();
  } else if (reply->status / 100 != 2) {
    failure = reply->body.is_object() ? reply->body.value("message", reply->text) : reply->text;
  } else {
    failure = decoder.error();
  }
  while (!failure.empty() && failure.back() == '\n') failure.pop_back();
  if (!failure.empty())
    return util::Status::infrastructure(absent + " and pulling it from " + reference.registry + " failed (" +
                                        failure + "): " + how);
  inspected = inspect_image(engine, image);
  if (!inspected) return inspected.error();
  if (!*inspected)
    return util::Status::infrastructure(absent + ", and is not there after a pull that reported no error: " + how);
  return std::move(**inspected);
}

}  // namespace harness::driver::docker
