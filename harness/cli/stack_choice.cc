#include "harness/cli/stack_choice.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "harness/driver/docker/image_pull.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::cli {
namespace {

constexpr std::string_view k_stack_image_prefix = "celery-chaos/services:";

bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

bool names_a_file(const std::string& argument) {
  return argument.find('/') != std::string::npos || argument.ends_with(".yaml") || argument.ends_with(".yml");
}

// The value of a string key, or an error at it (read_nonempty_string's); std::nullopt when absent.
std::optional<std::string> string_value(scenario::YamlReader& reader, const scenario::MapView& map,
                                        std::string_view key) {
  const auto* entry = map.find(key);
  return entry == nullptr ? std::nullopt : scenario::read_nonempty_string(reader, *entry);
}

// The stack a file's map describes; problems reported to `reader`.
StackChoice stack_of(scenario::YamlReader& reader, const YAML::Node& root, const std::string& default_pull) {
  StackChoice stack{.driver = "docker", .pull = default_pull};
  const scenario::MapView map(reader, root);
  map.report_unknown_keys(reader, {"name", "image", "worker_image", "pull", "description"}, "stack file");
  map.require(reader, "name", "stack file");
  map.require(reader, "image", "stack file");
  if (auto name = string_value(reader, map, "name")) {
    if (is_name(*name) && *name != "host") {
      stack.name = *name;
    } else {
      reader.error(map.find("name")->location, "stack name " + scenario::quote(*name) +
                                                   " must be letters, digits, '.', '_' or '-' (and not 'host')");
    }
  }
  stack.image = string_value(reader, map, "image").value_or("");
  stack.worker_image = string_value(reader, map, "worker_image").value_or("");
  if (auto pull = string_value(reader, map, "pull")) {
    if (driver::docker::parse_pull_policy(*pull)) {
      stack.pull = *pull;
    } else {
      reader.error(map.find("pull")->location, "'pull' must be loopback, any or never, got " + scenario::quote(*pull));
    }
  }
  string_value(reader, map, "description");
  return stack;
}

}  // namespace

util::Expected<StackChoice> read_stack_file(const std::filesystem::path& file, const std::string& default_pull) {
  std::ifstream in(file);
  if (!in) return util::Status::invalid(file.string() + ": cannot read the stack file");
  std::stringstream text;
  text << in.rdbuf();
  scenario::YamlReader reader(file.string());
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return util::Status::invalid(file.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) {
    return util::Status::invalid(file.string() + ": a stack file is a map (name:, image:, worker_image:, pull:)");
  }
  StackChoice stack = stack_of(reader, root, default_pull);
  const auto diagnostics = reader.take_diagnostics();
  if (!diagnostics.empty()) {
    std::string message;
    for (const auto& d : diagnostics) message += (message.empty() ? "" : "\n") + d.to_string();
    return util::Status::invalid(message);
  }
  stack.file = file.string();
  return stack;
}

util::Expected<StackChoice> resolve_stack(const std::string& argument, const std::string& default_pull) {
  if (names_a_file(argument)) return read_stack_file(argument, default_pull);
  if (argument == "host") return StackChoice{.name = "host", .driver = "local"};
  if (!is_name(argument)) {
    return util::Status::invalid("--stack " + scenario::quote(argument) +
                                 ": give host, an image stack's release (bookworm, trixie: celery-chaos stacks lists "
                                 "them) or a stack file (a path ending in .yaml)");
  }
  return StackChoice{.name = argument,
                     .driver = "docker",
                     .image = std::string(k_stack_image_prefix) + argument,
                     .pull = default_pull};
}

util::Expected<std::vector<StackChoice>> run_stacks(const std::vector<std::string>& stacks, const std::string& driver,
                                                    const std::string& image, const std::string& pull) {
  if (stacks.empty()) return std::vector<StackChoice>{{.driver = driver, .image = image, .pull = pull}};
  if (driver != "local" || !image.empty()) {
    return util::Status::invalid("--stack says where the services run and in which image: give it without "
                                 "--driver and --image");
  }
  std::vector<StackChoice> chosen;
  std::set<std::string> names;
  for (const auto& argument : stacks) {
    auto stack = resolve_stack(argument, pull);
    if (!stack) return stack.error();
    if (!names.insert(stack->name).second) {
      return util::Status::invalid("--stack " + scenario::quote(argument) + ": a stack named " +
                                   scenario::quote(stack->name) + " is already in the run");
    }
    chosen.push_back(std::move(*stack));
  }
  return chosen;
}

}  // namespace harness::cli
