#pragma once
// Images that are not in the engine: pulled (POST /images/create, its progress shown as it streams) where the
// pull policy allows it, otherwise a k_infrastructure error naming the image and how to get it.
//
// The policy (`--pull`): `loopback`, the default, pulls only from a registry on this machine (a reference whose
// registry is localhost, 127.x.y.z or [::1], with its port: `127.0.0.1:5000/myorg/app:1.4`), so a run never sends
// traffic off the machine unless told to; `any` pulls from whatever registry the reference names (Docker Hub for
// `myorg/app:1.4`, what a team's CI with its own registry wants); `never` pulls nothing.
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/driver/docker/engine.h"
#include "harness/util/line_buffer.h"

namespace harness::driver::docker {

enum class PullPolicy { k_never, k_loopback, k_any };
std::optional<PullPolicy> parse_pull_policy(std::string_view text);  // "never", "loopback", "any"

// An image reference split as Docker does (distribution/reference): the first path component is a registry when
// it holds a '.' or a ':' or is "localhost"; otherwise the registry is Docker Hub ("docker.io"). The tag is
// "latest" when none is given; a digest reference ("name@sha256:...") keeps the digest as its tag.
struct ImageReference {
  std::string registry;  // "docker.io", "127.0.0.1:5000", "registry.example.com"
  std::string name;      // what to pull, without the tag: "127.0.0.1:5000/teamapp", "myorg/app"
  std::string tag;       // "1.4", "latest", "sha256:..."
};
ImageReference parse_image_reference(const std::string& image);
// localhost, 127.0.0.0/8 or [::1], with or without a port.
bool registry_on_loopback(const std::string& registry);
bool pull_allowed(PullPolicy policy, const ImageReference& reference);

// Docker's pull progress (one JSON object per line: {"status", "id", "progress"} or {"error"}), fed as it streams,
// written to `out` as a line per change of a layer's status ("pull IMAGE: 3f4a..: Pull complete"; the byte counts
// of "Downloading" are not repeated) and per message without a layer ("pull IMAGE: Status: Downloaded newer image
// for ..."). The engine reports a failed pull inside a 200 reply, as an "error" message: error() holds it.
class PullProgress {
public:
  PullProgress(std::string image, std::ostream& out) : m_image(std::move(image)), m_out(out) {}
  void feed(std::string_view chunk);
  void finish();  // a last line that had no newline
  const std::string& error() const { return m_error; }
  int layers() const { return static_cast<int>(m_layers.size()); }

private:
  void message(std::string_view line);

  std::string m_image;
  std::ostream& m_out;
  util::LineBuffer m_lines;
  std::map<std::string, std::string> m_layers;  // layer id -> its last status
  std::string m_error;
};

// The image's inspect body (GET /images/NAME/json) when it is in the engine or could be pulled under `policy`.
// Otherwise k_infrastructure: "WHAT is not present in the engine at unix://SOCKET" and why it was not pulled (the
// policy, or the engine's own pull error), then `how` (what the user can do: "build it (docker build -t X DIR) or
// pull it (docker pull X)").
util::Expected<nlohmann::json> present_or_pulled(const Engine& engine, const std::string& image, PullPolicy policy,
                                                 std::ostream& progress, const std::string& what,
                                                 const std::string& how);

}  // namespace harness::driver::docker
