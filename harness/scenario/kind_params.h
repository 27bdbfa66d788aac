#pragma once
// The kind-specific part of a fault step or a check: each kind defines its own struct, deriving from KindParams,
// in its own file (fault/<kind>.cc, check/<kind>.h), and its reader fills it in. The model only holds a pointer,
// so a new kind touches neither model.h nor a central variant.
//
//   struct KillParams : scenario::KindParams { int signal = 9; std::string target = "group"; };
//   const auto& kill = step.params_as<KillParams>();
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

namespace harness::scenario {

struct KindParams {
  virtual ~KindParams() = default;
};

// The params of `holder` (a Step, a FaultStep or a Check: anything with `kind` and `params`) as the kind's own struct.
// A kind asking for another kind's struct is a programming error: it throws std::logic_error naming both.
template <class T, class Holder>
const T& params_of(const Holder& holder) {
  if (const auto* typed = dynamic_cast<const T*>(holder.params.get())) return *typed;
  throw std::logic_error("kind '" + holder.kind + "' has no parameters of type " + typeid(T).name());
}

// The params of `holder` as T, or nullptr when they are not a T (another kind's, or none: reading failed).
template <class T, class Holder>
const T* params_if(const Holder& holder) {
  return dynamic_cast<const T*>(holder.params.get());
}

}  // namespace harness::scenario
