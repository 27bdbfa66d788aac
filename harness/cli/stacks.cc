#include "harness/cli/stacks.h"

#include <string>
#include <vector>

#include "harness/driver/docker/engine.h"
#include "harness/driver/docker/image_command.h"
#include "harness/driver/stack_versions.h"

namespace harness::cli {
namespace {

constexpr std::string_view k_stack_images = "celery-chaos/services:";

// The tags of the stack images present in the engine, sorted by the engine's order.
util::Expected<std::vector<std::string>> stack_images(const driver::docker::Engine& engine) {
  auto reply = engine.expect_ok("GET", "/images/json");
  if (!reply) return reply.error();
  std::vector<std::string> tags;
  for (const auto& image : reply->body) {
    if (!image.contains("RepoTags") || !image["RepoTags"].is_array()) continue;
    for (const auto& tag : image["RepoTags"])
      if (tag.is_string() && tag.get<std::string>().starts_with(k_stack_images)) tags.push_back(tag);
  }
  return tags;
}

// One stack's two lines; false when its versions could not be read (said in its second line).
bool print_stack(std::ostream& out, const std::string& name, const std::string& how,
                 const util::Expected<driver::Versions>& versions) {
  out << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << how << "\n    ";
  if (!versions) {
    out << "versions unknown: " << versions.error().message() << "\n";
    return false;
  }
  out << driver::describe_versions(*versions) << "\n";
  return true;
}

}  // namespace

int stacks_command(std::ostream& out) {
  bool ok = print_stack(out, "host", "--driver local, this machine's packages", driver::host_versions());
  auto engine = driver::docker::Engine::connect();
  if (!engine) {
    out << "(image stacks not listed: " << engine.error().message() << ")\n";
    return ok ? 0 : 3;
  }
  auto images = stack_images(*engine);
  if (!images) {
    out << "(image stacks not listed: " << images.error().message() << ")\n";
    return 3;
  }
  for (const auto& image : *images) {
    const std::string release = image.substr(k_stack_images.size());
    ok = print_stack(out, release, "--driver docker --image " + image, driver::docker::image_versions(*engine, image)) && ok;
  }
  if (images->empty()) out << "(no image stack in the engine: scripts/images RELEASE builds one)\n";
  return ok ? 0 : 3;
}

}  // namespace harness::cli
