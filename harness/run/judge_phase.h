#pragma once
// The judging phase of a scenario run: every check judged in file order (live ones while the services still
// run), then, once the services are gone, the scenario's conclusion: a stop's verdict, `expect: fail`, the
// checks left unjudged as <skipped>, and the result.
#include <map>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/driver/stack_versions.h"
#include "harness/run/run_context.h"
#include "harness/stack/stack.h"

namespace harness::run {

// Why a check's `when:` keeps it from being judged on a stack of `versions` ("not on this stack: kombu 5.5.3 is not
// <5.4 (when: {kombu: \"<5.4\"})", or the versions unknown); empty when it is judged (or has no `when:`).
std::string unmet_when(const std::map<std::string, std::string>& when,
                       const util::Expected<driver::Versions>& versions);

// Judges every check (a check whose `when:` the stack does not meet is skipped with the reason), recording
// check.verdict for each. Returns where a stop found it ("while judging check
// 'x'"), empty when all were judged.
std::string judge_checks(stack::Stack& stack, RunContext& ctx, std::vector<check::Verdict>& verdicts);

// The scenario's final verdicts and result from what the phases found: a stop is one more verdict (an error for
// Ctrl-C/SIGTERM, a failure for the scenario's own timeout) and k_cancelled for Ctrl-C; `expect: fail` applies
// to a scenario that ran to its end; checks without a verdict are <skipped> with the reason.
ScenarioResult conclude(const scenario::Scenario& scenario, PhaseState& state);

}  // namespace harness::run
