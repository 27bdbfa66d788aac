#pragma once
// A toxic: one kind of network misbehaviour that a Proxy (proxy.h) applies to the bytes and connections passing
// through it, as in Toxiproxy. Each toxic is one file (net/<name>_toxic.cc) that registers itself by name with its
// attributes (Toxiproxy's names and units, as JSON); a Proxy holds an ordered list of named toxics that can be
// added and removed while connections are open.
//
// Bytes of one direction of one connection pass through the toxics of that direction in the order they were added:
// each toxic's transmit() gets a chunk as read from the source socket and passes it on (whole, cut, delayed or
// held) with Link::forward(); after the last toxic the bytes are written to the destination. A direction reads its
// next chunk only once the previous one went through the whole chain, so a toxic that holds bytes also stops the
// reading (the sender's socket buffers fill, as on a link that carries nothing).
//
// Everything here runs on the Network's one thread (network.h): toxics need no locks.
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "harness/util/registry.h"
#include "harness/util/status.h"

namespace harness::net {

class Connection;
class Proxy;

// Which way bytes go: upstream is client -> service, downstream is service -> client.
enum class Direction { k_upstream, k_downstream, k_both };
std::string_view name(Direction direction);
// "upstream", "downstream" or "both"; nullopt for anything else.
std::optional<Direction> direction_named(std::string_view name);
// Whether a toxic of direction `toxic` acts on the bytes of one way `way` (k_upstream or k_downstream).
bool applies(Direction toxic, Direction way);

// One direction of one proxied connection, as a toxic sees it while one chunk passes through it.
class Link {
public:
  virtual ~Link() = default;
  virtual std::uint64_t connection_id() const = 0;
  // k_upstream or k_downstream.
  virtual Direction way() const = 0;
  // Passes bytes on to the next toxic, or writes them to the destination after the last one.
  virtual boost::asio::awaitable<void> forward(std::span<const char> bytes) = 0;
  // Waits `delay`; returns early when the connection closes or wake() is called.
  virtual boost::asio::awaitable<void> sleep(std::chrono::steady_clock::duration delay) = 0;
  // Waits until the function waker() returned is called or the connection closes. The waker may be kept and
  // called after the connection is gone (it then does nothing).
  virtual boost::asio::awaitable<void> wait() = 0;
  virtual std::function<void()> waker() = 0;
  // True once the connection is closed: a toxic then stops forwarding and returns.
  virtual bool closed() const = 0;
  // Closes the connection normally (FIN both ways), recorded as closed by the proxy for `reason`.
  virtual void close_connection(std::string_view reason) = 0;
};

class Toxic {
public:
  explicit Toxic(Direction direction) : m_direction(direction) {}
  virtual ~Toxic() = default;
  Toxic(const Toxic&) = delete;
  Toxic& operator=(const Toxic&) = delete;

  Direction direction() const { return m_direction; }

  // A chunk read from the source of `link`, for a toxic whose direction applies to it. Default: pass it on.
  virtual boost::asio::awaitable<void> transmit(Link& link, std::span<const char> bytes);
  // The source of `link` sent its FIN; called before the proxy passes the FIN on. Default: nothing.
  virtual boost::asio::awaitable<void> closing(Link& link);
  // Connection-level effects: when the toxic is added (`proxy` with its open connections), for each connection
  // that opens (its upstream connected) while the toxic is present, and when it is removed. Default: nothing.
  virtual util::Status added(Proxy& proxy);
  virtual void connection_opened(Connection& connection);
  virtual util::Status removed(Proxy& proxy);
  // What it has done so far, as JSON numbers: {"connections_affected": 2, "bytes_held": 1024}. Reports of one
  // toxic on several proxies add up key by key (sum_reports).
  virtual nlohmann::json report() const = 0;

private:
  Direction m_direction;
};

// A toxic kind: its name, one line for `celery-chaos kinds`, and how to make one from its attributes.
struct ToxicKind {
  std::string_view name;
  std::string_view summary;
  // k_invalid_input naming the attribute that is wrong (check_attributes, number_attribute).
  std::function<util::Expected<std::shared_ptr<Toxic>>(Direction, const nlohmann::json& attributes)> make;
};

util::Registry<ToxicKind>& toxic_registry();

// The toxic of kind `kind`. k_invalid_input: "unknown toxic 'x' (known: bandwidth, blackhole, ...)", or the
// kind's own message about an attribute.
util::Expected<std::shared_ptr<Toxic>> make_toxic(std::string_view kind, Direction direction,
                                                  const nlohmann::json& attributes);

// Helpers for the kinds' readers. `attributes` must be an object (or null: no attributes) whose keys are all in
// `known`: "latency: unknown attribute 'x' (known: jitter, latency)", "latency: attributes must be an object".
util::Status check_attributes(std::string_view kind, const nlohmann::json& attributes,
                              std::initializer_list<std::string_view> known);
// The number at `key` (or `fallback` when absent), at least `minimum`:
// "latency: 'jitter' must be a number >= 0".
util::Expected<double> number_attribute(std::string_view kind, const nlohmann::json& attributes, std::string_view key,
                                        double fallback, double minimum);

// Reports of the same toxic on several proxies, added up key by key (numbers summed; other values from the first).
nlohmann::json sum_reports(const std::vector<nlohmann::json>& reports);

}  // namespace harness::net
