#pragma once
// A table of named kinds (fault kinds, check kinds, step kinds, service kinds), filled by the kinds themselves:
// each kind's own file registers it with a namespace-scope registrar, as a Toxiproxy toxic calls Register in its
// init(). The harness is an OBJECT library (CMakeLists.txt), so no registering object is dropped by the linker.
//
//   // fault/redis_flush.cc
//   const bool k_registered = fault::registry().add({.name = "redis-flush", ...});
//
// Readers, validation messages (known kinds, did-you-mean), `celery-chaos kinds` and the README's catalogue all
// take the kinds from here. Kind is a struct with a `std::string_view name` member.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace harness::util {

template <class Kind>
class Registry {
public:
  // Adds a kind; returns true (for the registrar's initialiser). Two kinds of one name are a programming error:
  // the harness stops at start-up naming it.
  bool add(Kind kind) {
    if (find(kind.name)) {
      std::fprintf(stderr, "celery-chaos: kind '%.*s' registered twice\n", static_cast<int>(kind.name.size()),
                   kind.name.data());
      std::abort();
    }
    const auto at = std::lower_bound(m_kinds.begin(), m_kinds.end(), kind.name,
                                     [](const Kind& k, std::string_view name) { return k.name < name; });
    m_kinds.insert(at, std::move(kind));
    return true;
  }
  // nullptr when no kind has that name.
  const Kind* find(std::string_view name) const {
    for (const auto& k : m_kinds)
      if (k.name == name) return &k;
    return nullptr;
  }
  // Every kind, by name.
  const std::vector<Kind>& all() const { return m_kinds; }
  std::vector<std::string_view> names() const {
    std::vector<std::string_view> names;
    for (const auto& k : m_kinds) names.push_back(k.name);
    return names;
  }

private:
  std::vector<Kind> m_kinds;
};

// The names of `registry`'s kinds in the order messages list them, by Kind::listed_at (an int member): the order
// the kinds were documented in, kept where messages already named them in it.
template <class Kind>
std::vector<std::string_view> listed_names(const Registry<Kind>& registry) {
  std::vector<const Kind*> kinds;
  for (const auto& kind : registry.all()) kinds.push_back(&kind);
  std::stable_sort(kinds.begin(), kinds.end(), [](const Kind* a, const Kind* b) { return a->listed_at < b->listed_at; });
  std::vector<std::string_view> names;
  for (const auto* kind : kinds) names.push_back(kind->name);
  return names;
}

}  // namespace harness::util
