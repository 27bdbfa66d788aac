#pragma once
// The fault kinds, by name: what applies each. A kind is one file in harness/fault/ (its keys, its reader, its
// apply and inverse, what it observes) that registers itself with one call at namespace scope:
//
//   const bool k_registered = register_fault({.name = "redis-flush", .keys = {"service"}, .summary = "...",
//                                             .no_inverse = "...", .read = read_redis_flush},
//                                            apply_redis_flush);
//
// which fills both tables: the loader's (scenario::fault_syntax(), for reading and its messages) and this one
// (fault::registry(), for apply_fault()).
#include <functional>
#include <memory>
#include <string_view>

#include "harness/fault/fault_injector.h"
#include "harness/scenario/fault_syntax.h"
#include "harness/util/registry.h"

namespace harness::fault {

// Applies one fault (see apply_fault() for the contract).
using ApplyFn = std::function<util::Expected<std::shared_ptr<Clearer>>(const scenario::FaultStep& fault,
                                                                       stack::Stack& stack,
                                                                       history::History& history)>;

struct FaultKind {
  std::string_view name;
  ApplyFn apply;
};

// Every registered fault kind, by name.
util::Registry<FaultKind>& registry();

// Registers a kind in both tables; returns true (for the registrar's initialiser).
bool register_fault(scenario::FaultSyntax syntax, ApplyFn apply);

}  // namespace harness::fault
