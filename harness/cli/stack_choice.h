#pragma once
// The stacks of a run (`run --stack NAME|FILE`, repeatable: a matrix run). A stack is where the services' versions
// come from: `host` (the local driver on this machine's packages), an image stack by its release (`bookworm`:
// the docker driver with celery-chaos/services:bookworm, built by scripts/images), or a team's stack file:
//
//   name: teamapp-trixie                         # required: names its reports ([A-Za-z0-9._-])
//   image: 127.0.0.1:5000/teamapp-services:1.4   # required: the image every service runs in
//   worker_image: 127.0.0.1:5000/teamapp:1.4     # optional: what a celery-worker without an `image:` runs
//   pull: loopback                               # optional: which absent images are pulled (--pull's words)
//   description: our production versions         # optional
#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::cli {

struct StackChoice {
  std::string name;          // "bookworm", "host", a stack file's name; empty: the run named no stack
  std::string driver;        // "local", "docker" or "swarm"
  std::string swarm;         // swarm: "own" or "existing" (--swarm)
  std::string image;         // docker: the image every service runs in (empty: the driver's default)
  std::string worker_image;  // docker: what a celery-worker without an own image runs (empty: `image`)
  std::string pull;          // docker: --pull's word
  std::string file;          // the stack file it was read from, if any
};

// A stack file read: every problem is k_invalid_input naming FILE:LINE and what is wrong.
util::Expected<StackChoice> read_stack_file(const std::filesystem::path& file, const std::string& default_pull);

// One --stack argument: a path to a stack file (it has a '/' or ends in .yaml/.yml), `host`, or an image stack's
// release (a name of letters, digits, '.', '_', '-').
util::Expected<StackChoice> resolve_stack(const std::string& argument, const std::string& default_pull);

// The run's stacks: each --stack, in order (two with one name are an error), or, when none is given, the one stack
// --driver, --image and --pull describe (with no name: reports as before matrix runs). --stack with --driver or
// --image is an error: the stack says both.
util::Expected<std::vector<StackChoice>> run_stacks(const std::vector<std::string>& stacks, const std::string& driver,
                                                    const std::string& image, const std::string& pull);

}  // namespace harness::cli
