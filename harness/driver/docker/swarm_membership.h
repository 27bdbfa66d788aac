#pragma once
// The swarm the swarm driver runs its services in (Docker's Swarm mode on the engine the driver speaks to).
//
// - Its own (the default): the engine is in no swarm, and the harness initialises a single-node one on the loopback
//   (POST /swarm/init, listening on 127.0.0.1:2377, advertising 127.0.0.1: its gossip port 7946 binds 127.0.0.1 too),
//   labelled with its owner mark, and leaves it when the driver is released (POST /swarm/leave?force=1), removing the
//   docker_gwbridge network Docker made for it (a bridge that carries nothing: every task is on the host network).
//   A swarm another harness initialised and left behind when it died (its owner provably dead) is left first.
// - An existing one (--swarm existing): the engine's swarm as it is, which must have it as a manager; nothing of the
//   swarm changes, and only the services labelled with the run are created and removed.
// A swarm that exists without --swarm existing is an error, never used.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/driver/docker/engine.h"
#include "harness/util/status.h"

namespace harness::driver::docker {

class SwarmMembership {
public:
  static util::Expected<std::unique_ptr<SwarmMembership>> join(const Engine& engine, bool existing);
  ~SwarmMembership();  // leaves the swarm when it is the harness's own
  SwarmMembership(const SwarmMembership&) = delete;
  SwarmMembership& operator=(const SwarmMembership&) = delete;

  bool own() const { return m_own; }

private:
  SwarmMembership(Engine engine, bool own, bool made_gwbridge)
      : m_engine(std::move(engine)), m_own(own), m_made_gwbridge(made_gwbridge) {}
  Engine m_engine;
  bool m_own;
  bool m_made_gwbridge;
};

// Removes every Swarm service of the harness whose celery-chaos.owner mark names a dead harness, with its tasks'
// containers; returns their ids. Nothing when the engine is in no swarm.
std::vector<std::string> remove_orphan_services(const Engine& engine);
// Removes every Swarm service carrying all `labels`, with its tasks' containers; returns their ids.
std::vector<std::string> remove_services(const Engine& engine, const std::map<std::string, std::string>& labels);

}  // namespace harness::driver::docker
