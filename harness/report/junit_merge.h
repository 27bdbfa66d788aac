#pragma once
// `celery-chaos merge OUT.xml IN.xml...`: the JUnit files of the shards of one suite (each a <testsuites>, or a
// lone <testsuite>, as other tools write) as one document, for CI systems that show one test report per pipeline.
// Every <testsuite> is copied whole, in the order of the inputs, its `id` renumbered from 0; the root is
// <testsuites name="celery-chaos"> with tests, failures, errors, skipped and time summed over the suites (a suite
// without a count attribute counts its <testcase> elements, and its <failure>/<error>/<skipped> children).
#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::report {

// The merged document (ASCII, as render_junit writes). k_invalid_input naming the file for an input that cannot
// be read, is not XML ("shard-2.xml: not XML: Start-end tags mismatch at offset 22") or whose root is neither
// testsuites nor testsuite.
util::Expected<std::string> merge_junit(const std::vector<std::filesystem::path>& inputs);

}  // namespace harness::report
