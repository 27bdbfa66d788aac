#pragma once
// Failed checks as GitHub Actions workflow commands, so that they show on the pull request at the scenario
// file's line: "::error file=scenarios/smoke.yaml,line=31,title=smoke: workers answer ping::expected ...".
// Printed (by the CLI) when GITHUB_ACTIONS=true, beside the usual console lines.
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/scenario/model.h"

namespace harness::report {

// One line per failed or errored verdict (not skipped, not xfailed): the file is the scenario's, the line the
// check's (matched by name, in order) or the failed step's; without a known line, no `line=`.
// Values are escaped as GitHub's toolkit does: in the message % CR LF as %25 %0D %0A; in properties also : and ,.
// `error`, the scenario's infrastructure error (a service that would not start), when not empty, comes first,
// titled "NAME: scenario setup", without a line.
std::vector<std::string> github_annotations(const scenario::Scenario& scenario,
                                            const std::vector<check::Verdict>& verdicts,
                                            const std::string& error = {});

// Whether the environment says this is GitHub Actions (GITHUB_ACTIONS=true).
bool in_github_actions();

}  // namespace harness::report
